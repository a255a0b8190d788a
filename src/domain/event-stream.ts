import type { Sequenced, Watch } from './live-feed';

/** Events with `seq > afterSeq`, oldest first, at most `limit`. */
export type ReadLog<Event extends Sequenced> = (afterSeq: number, limit: number) => Promise<Event[]>;

/**
 * How many events one read of the log returns; a longer catch-up reads page after page. A
 * subscriber holds its page until it has taken it: up to 100 events of at most about 28 KB
 * each (an order of 50 items with notes).
 */
export const LOG_PAGE = 100;

/**
 * The pauses before a failed read of the log is tried again: a database connection that was
 * cut, or a database that restarts or fails over, answers again within seconds, and ending
 * the stream instead would leave its subscriber without the events that follow.
 */
export const LOG_READ_RETRY_MS = [100, 500, 1_000, 2_000];

/**
 * Every event of one log after `afterSeq`, exactly once and in seq order: first the stored
 * ones, then live ones. The watch was live before `logHead` (the log's last seq) was read,
 * so nothing falls between the two, and the log is read only when `afterSeq` is behind it. A live event that repeats one already delivered is dropped; one past a gap, or
 * word from the feed that the log is ahead, makes the stream read the log from where it is.
 * It ends after an event for which `isLast` holds, and with the watch's error if the watch
 * was failed from outside (a logout). A read of the log that fails is tried again a few times
 * (LOG_READ_RETRY_MS) before the stream ends with its error.
 */
export function eventStream<Event extends Sequenced>(
  watch: Watch<Event>,
  afterSeq: number,
  logHead: number,
  readLog: ReadLog<Event>,
  isLast: (event: Event) => boolean = () => false,
): AsyncIterableIterator<Event> {
  let last = afterSeq;
  let ended = false;

  /** Delivers from the log everything after `last`, up to its end or the last event. */
  async function* fromLog(): AsyncGenerator<Event> {
    for (;;) {
      // Failed from outside (a logout): no more of the log either, not even the rest of a page.
      if (watch.failedWith) throw watch.failedWith;
      const page = await readLogRetrying();
      for (const event of page) {
        if (watch.failedWith) throw watch.failedWith;
        if (event.seq !== last + 1) throw new Error(`The event log jumps from seq ${last} to ${event.seq}`);
        last = event.seq;
        yield event;
        if (isLast(event)) {
          ended = true;
          return;
        }
      }
      if (page.length < LOG_PAGE) return;
    }
  }

  async function readLogRetrying(): Promise<Event[]> {
    for (let attempt = 0; ; attempt += 1) {
      try {
        return await readLog(last, LOG_PAGE);
      } catch (error) {
        if (attempt >= LOG_READ_RETRY_MS.length) throw error;
        await new Promise((resolve) => setTimeout(resolve, LOG_READ_RETRY_MS[attempt]));
        if (watch.failedWith) throw watch.failedWith;
        if (watch.closed) throw error;
      }
    }
  }

  async function* stream(): AsyncGenerator<Event> {
    try {
      if (logHead > afterSeq) yield* fromLog();
      while (!ended) {
        const { value: item, done } = await watch.next();
        if (done) {
          if (watch.failedWith) throw watch.failedWith;
          return;
        }
        if ('head' in item) {
          if (item.head > last) yield* fromLog();
          continue;
        }
        const { event } = item;
        if (event.seq <= last) continue;
        if (event.seq === last + 1) {
          last = event.seq;
          yield event;
          if (isLast(event)) return;
          continue;
        }
        // Published after its commit, so everything before it is in the log by now.
        yield* fromLog();
        if (!ended && last < event.seq) throw new Error(`Events ${last + 1} to ${event.seq - 1} are missing from the log`);
      }
    } finally {
      await watch.return();
    }
  }

  const events = stream();
  // A generator waiting for the next live event would only see return() after that event
  // arrives; closing the watch first ends the wait at once.
  const iterator: AsyncIterableIterator<Event> = {
    next: () => events.next(),
    return: async () => {
      await watch.return();
      return events.return(undefined);
    },
    [Symbol.asyncIterator]: () => iterator,
  };
  return iterator;
}

/** A stream that has nothing to send and ends at once (a resumed stream that was already complete). */
export function endedStream<Event>(): AsyncIterableIterator<Event> {
  const iterator: AsyncIterableIterator<Event> = {
    next: async () => ({ value: undefined, done: true }),
    return: async () => ({ value: undefined, done: true }),
    [Symbol.asyncIterator]: () => iterator,
  };
  return iterator;
}
