import { eventStream } from '../src/domain/event-stream';
import { LiveFeed } from '../src/domain/live-feed';
import { createLogger } from '../src/logger';
import { EventBus } from '../src/pubsub/event-bus';

type Ev = { seq: number; type: string };

function harness(repairIntervalMs = 50) {
  const log: Ev[] = [];
  const bus = EventBus.inProcess();
  const warnings: string[] = [];
  const logger = createLogger('warn', (line) => warnings.push(line));
  const feed = new LiveFeed<'session'>({
    bus,
    logger,
    topic: (_kind, key) => `session:${key}`,
    heads: {
      session: async (seen) => {
        const heads = new Map<string, number>();
        for (const [key, s] of seen) if (log.length > s) heads.set(key, log.length);
        return heads;
      },
    },
    repairIntervalMs,
  });
  let reads = 0;
  const readLog = async (after: number, limit: number) => {
    reads += 1;
    await new Promise((r) => setImmediate(r));
    return log.slice(after, after + limit);
  };
  const commit = (type = 'X', publish = true) => {
    const event = { seq: log.length + 1, type };
    log.push(event);
    if (publish) void bus.publish('session:s', event);
    return event;
  };
  const open = async (afterSeq: number) => {
    const watch = await feed.watch<Ev>('session', 's');
    return eventStream(watch, afterSeq, log.length, readLog, (e) => e.type === 'Closed');
  };
  return { log, feed, commit, open, warnings, reads: () => reads };
}

async function take(it: AsyncIterableIterator<Ev>, n: number, timeoutMs = 3000): Promise<number[]> {
  const seqs: number[] = [];
  const deadline = Date.now() + timeoutMs;
  while (seqs.length < n && Date.now() < deadline) {
    const next = await Promise.race([it.next(), new Promise<null>((r) => setTimeout(() => r(null), deadline - Date.now()))]);
    if (!next || next.done) break;
    seqs.push(next.value.seq);
  }
  return seqs;
}

const range = (from: number, to: number) => Array.from({ length: to - from + 1 }, (_, i) => from + i);

describe('review: live feed + event stream', () => {
  it('overflow while nobody reads', async () => {
    const h = harness();
    const it1 = await h.open(0);
    for (let i = 0; i < 2500; i++) h.commit();
    expect(await take(it1, 2500)).toEqual(range(1, 2500));
    await it1.return!();
    expect(h.feed.stats().topics).toBe(0);
  });

  it('overflow during replay', async () => {
    const h = harness();
    for (let i = 0; i < 1200; i++) h.commit('X', false);
    const it1 = await h.open(0);
    const first = await take(it1, 1);
    for (let i = 0; i < 1500; i++) h.commit();
    const rest = await take(it1, 2699);
    expect([...first, ...rest]).toEqual(range(1, 2700));
    await it1.return!();
  });

  it('lost publish is repaired', async () => {
    const h = harness();
    const it1 = await h.open(0);
    h.commit();
    expect(await take(it1, 1)).toEqual([1]);
    h.commit('X', false);
    expect(await take(it1, 1, 1000)).toEqual([2]);
    await it1.return!();
  });

  it('ends after Closed, live and from log', async () => {
    const h = harness();
    const it1 = await h.open(0);
    h.commit();
    h.commit('Closed');
    expect(await take(it1, 5, 300)).toEqual([1, 2]);
    expect(h.feed.stats().topics).toBe(0);
  });

  it('return while waiting for a live event, and no topic or timer left', async () => {
    const h = harness();
    const it1 = await h.open(0);
    const pending = it1.next();
    await it1.return!();
    await expect(pending).resolves.toMatchObject({ done: true });
    expect(h.feed.stats().topics).toBe(0);
    expect((h.feed as unknown as { timer: unknown }).timer).toBeUndefined();
  });

  it('two subscribers, one joins mid-stream, lost publishes mixed in', async () => {
    const h = harness(20);
    const a = await h.open(0);
    for (let i = 0; i < 50; i++) h.commit('X', i % 7 !== 3);
    const b = await h.open(10);
    for (let i = 0; i < 50; i++) h.commit('X', i % 5 !== 1);
    h.commit('Closed', false);
    expect(await take(a, 200)).toEqual(range(1, 101));
    expect(await take(b, 200)).toEqual(range(11, 101));
  });
});
