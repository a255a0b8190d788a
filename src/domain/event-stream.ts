import type { EventBus } from '../pubsub/event-bus';
import { Topics } from '../pubsub/topics';
import type { SessionEventRecord } from './session-events';

export type ReadEvents = (afterSeq: number, untilSeq?: number) => Promise<SessionEventRecord[]>;

/**
 * Every event of one session after `afterSeq`, exactly once and in seq order: first the
 * stored ones, then live ones. It listens before it reads the log, skips what it already
 * delivered, fills any gap from the log, and ends after SessionClosed.
 */
export async function sessionEventStream(
  bus: EventBus,
  sessionId: string,
  afterSeq: number,
  readEvents: ReadEvents,
): Promise<AsyncIterableIterator<SessionEventRecord>> {
  const live = await bus.subscribe<SessionEventRecord>(Topics.session(sessionId));

  async function* stream(): AsyncGenerator<SessionEventRecord> {
    let lastSeq = afterSeq;
    try {
      for (const stored of await readEvents(lastSeq)) {
        yield stored;
        lastSeq = stored.seq;
        if (stored.type === 'SessionClosed') return;
      }
      for await (const event of live) {
        if (event.seq <= lastSeq) continue;
        const missed = event.seq > lastSeq + 1 || live.overflowed ? await readEvents(lastSeq, event.seq - 1) : [];
        live.overflowed = false;
        for (const next of [...missed, event]) {
          if (next.seq !== lastSeq + 1) continue;
          yield next;
          lastSeq = next.seq;
          if (next.type === 'SessionClosed') return;
        }
      }
    } finally {
      await live.return();
    }
  }

  const events = stream();
  // A generator waiting for the next live event would only see return() after that event
  // arrives; closing the live queue first ends the wait at once.
  const iterator: AsyncIterableIterator<SessionEventRecord> = {
    next: () => events.next(),
    return: async () => {
      await live.return();
      return events.return(undefined);
    },
    [Symbol.asyncIterator]: () => iterator,
  };
  return iterator;
}
