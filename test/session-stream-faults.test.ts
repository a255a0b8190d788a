import { Client } from 'pg';
import type { App } from '../src/app';
import { createLogger } from '../src/logger';
import { Topics } from '../src/pubsub/topics';
import { closedPort } from './support/dead-servers';
import { login, openSession, placeOrder } from './support/fixtures';
import { graphql, Subscriber, webSocketClient } from './support/graphql-client';
import { CLOSE_SESSION, SESSION_EVENTS_QUERY, SESSION_EVENTS_SUBSCRIPTION } from './support/operations';
import { RedisServer } from './support/redis-server';
import { ResumingSubscriber } from './support/resuming-subscriber';
import { TcpProxy } from './support/tcp-proxy';
import { waitFor } from './support/wait';
import { startTestApp, type TestApp } from './support/test-app';

jest.setTimeout(60_000);

const range = (from: number, to: number) => Array.from({ length: to - from + 1 }, (_, index) => from + index);


/** The Redis channel of a topic for a test app's database (see Topics.namespaceFor). */
const channelOf = (test: TestApp, topic: string) => Topics.namespaceFor(test.databaseUrl) + topic;

/**
 * Two instances A and B sharing PostgreSQL and a Redis of this test's own, which it stops
 * and starts to play an outage. DESIGN.md §5: every subscriber of a session receives every
 * event of that session exactly once and in seq order.
 */
describe('a session stream across faults', () => {
  let redis: RedisServer;
  let test: TestApp;
  let a: App;
  let b: App;
  let token: string;
  const subscribers: ResumingSubscriber[] = [];

  beforeAll(async () => {
    redis = await RedisServer.start();
    test = await startTestApp({ redisUrl: redis.url });
    a = test.app;
    b = await test.startAnotherInstance();
    token = await login(a.url);
  });
  afterAll(async () => {
    await Promise.all(subscribers.map((subscriber) => subscriber.stop()));
    await test.stop();
    await redis.stop();
  });

  function subscribe(app: App, code: string, afterSeq = 0): ResumingSubscriber {
    const subscriber = new ResumingSubscriber({
      pickUrl: () => app.wsUrl,
      query: SESSION_EVENTS_SUBSCRIPTION,
      field: 'sessionEvents',
      variables: { code },
      afterSeq,
    });
    subscribers.push(subscriber);
    return subscriber;
  }

  async function placeOrders(url: string, code: string, count: number): Promise<void> {
    for (let i = 0; i < count; i++) expect((await placeOrder(url, code)).errors).toBeUndefined();
  }

  async function close(code: string): Promise<void> {
    expect((await graphql(a.url, CLOSE_SESSION, { code }, token)).errors).toBeUndefined();
  }

  it('gives a subscription with afterSeq in the middle of the log exactly the rest, then live events, then ends after SessionClosed', async () => {
    const session = await openSession(a.url, token, 'Middle');
    await placeOrders(a.url, session.code, 5);

    const fromThree = subscribe(b, session.code, 2);
    await fromThree.waitForSeq(5);
    expect(fromThree.seqs).toEqual([3, 4, 5]);

    await placeOrders(a.url, session.code, 2);
    await fromThree.waitForSeq(7);
    await close(session.code);
    await fromThree.waitForCompletion();

    expect(fromThree.errors).toEqual([]);
    expect(fromThree.seqs).toEqual([3, 4, 5, 6, 7, 8]);
    expect(fromThree.events.at(-1)).toMatchObject({ __typename: 'SessionClosed', seq: 8 });
  });

  it('replays a session that closed while the client was away up to SessionClosed and ends; one already seen to the end ends at once', async () => {
    const session = await openSession(a.url, token, 'Closed while away');
    await placeOrders(b.url, session.code, 3);
    await close(session.code);

    const resumed = subscribe(a, session.code, 1);
    await resumed.waitForCompletion();
    expect(resumed.seqs).toEqual([2, 3, 4]);
    expect(resumed.events.at(-1)).toMatchObject({ __typename: 'SessionClosed' });

    const seenAll = subscribe(b, session.code, 4);
    await seenAll.waitForCompletion();
    expect(seenAll.events).toEqual([]);
    expect(seenAll.errors).toEqual([]);
  });

  it('refuses an afterSeq past the last event of the session', async () => {
    const session = await openSession(a.url, token, 'Past the end');
    await placeOrders(a.url, session.code, 1);
    const client = webSocketClient(a.wsUrl);
    const tooFar = new Subscriber(client, SESSION_EVENTS_SUBSCRIPTION, { code: session.code, afterSeq: 2 });
    await tooFar.done;
    expect(tooFar.items).toEqual([]);
    expect(tooFar.errors).toEqual([expect.objectContaining({ extensions: expect.objectContaining({ code: 'BAD_USER_INPUT' }) })]);
    await client.dispose();
  });

  it('refuses an afterSeq past the last event in the replay query too, and answers one at the end with no events', async () => {
    const session = await openSession(a.url, token, 'Replay past the end');
    await placeOrders(a.url, session.code, 1);
    const tooFar = await graphql(a.url, SESSION_EVENTS_QUERY, { code: session.code, afterSeq: 2 });
    expect(tooFar.errors).toEqual([expect.objectContaining({ extensions: expect.objectContaining({ code: 'BAD_USER_INPUT' }) })]);
    const atTheEnd = await graphql(a.url, SESSION_EVENTS_QUERY, { code: session.code, afterSeq: 1 });
    expect(atTheEnd.errors).toBeUndefined();
    expect(atTheEnd.data.sessionEvents).toEqual([]);
  });

  it('hands every subscriber 1..n exactly once when it subscribes while orders are being placed through both instances', async () => {
    const session = await openSession(a.url, token, 'Switch-over');
    const ordering = Promise.all([placeOrders(a.url, session.code, 20), placeOrders(b.url, session.code, 20)]);
    const late: ResumingSubscriber[] = [];
    for (let i = 0; i < 10; i++) {
      late.push(subscribe(i % 2 ? a : b, session.code));
      await new Promise((resolve) => setTimeout(resolve, 15));
    }
    await ordering;
    await close(session.code);

    for (const subscriber of late) {
      await subscriber.waitForCompletion();
      expect(subscriber.errors).toEqual([]);
      expect(subscriber.seqs).toEqual(range(1, 41));
    }
  });

  it('delivers an event whose publish failed to a live subscriber, with no later event to reveal the gap', async () => {
    const session = await openSession(a.url, token, 'Lost publish');
    const onB = subscribe(b, session.code);
    // The first event may reach B from the log; B's feed hears the second one live for sure.
    await placeOrders(a.url, session.code, 1);
    await onB.waitForSeq(1);
    await placeOrders(a.url, session.code, 1);
    await onB.waitForSeq(2);

    // An instance whose Redis is unreachable: its orders commit, their publish fails.
    const nowhere = await closedPort();
    const cutOff = await test.startAnotherInstance({ redisUrl: nowhere.url.replace('http:', 'redis:') });
    const repairsBefore = b.services.streams.feed.stats().repairs;
    const placed = await placeOrder(cutOff.url, session.code);
    expect(placed.errors).toBeUndefined();

    await onB.waitForSeq(3);
    expect(onB.seqs).toEqual([1, 2, 3]);
    expect(onB.events[2]).toMatchObject({ __typename: 'OrderPlaced', order: { id: placed.data.placeOrder.id } });
    expect(b.services.streams.feed.stats().repairs).toBeGreaterThan(repairsBefore);
    await cutOff.stop();
  });

  it('checks a topic it has just repaired again at the next check, so publishes lost one after another arrive one check apart', async () => {
    const session = await openSession(a.url, token, 'Lost in a row');
    const onB = subscribe(b, session.code);
    await placeOrders(a.url, session.code, 1);
    await onB.waitForSeq(1);

    const nowhere = await closedPort();
    const cutOff = await test.startAnotherInstance({ redisUrl: nowhere.url.replace('http:', 'redis:') });
    await placeOrders(cutOff.url, session.code, 1);
    await onB.waitForSeq(2);
    // Seq 2 came by a repair; seq 3, lost too, must come by the very next check.
    const checksBefore = b.services.streams.feed.stats().checks;
    await placeOrders(cutOff.url, session.code, 1);
    await onB.waitForSeq(3);

    expect(b.services.streams.feed.stats().checks - checksBefore).toBe(1);
    expect(onB.seqs).toEqual([1, 2, 3]);
    await cutOff.stop();
  });

  it("hands an order to its own instance's subscribers at commit, without waiting for Redis", async () => {
    const session = await openSession(a.url, token, 'Local delivery');
    // An instance that cannot reach Redis at all: only its own commits can reach its subscriber at once.
    const nowhere = await closedPort();
    const isolated = await test.startAnotherInstance({ redisUrl: nowhere.url.replace('http:', 'redis:') });
    const local = subscribe(isolated, session.code);
    const before = isolated.services.streams.feed.stats();

    const placed = await placeOrder(isolated.url, session.code);
    expect(placed.errors).toBeUndefined();
    await local.waitForSeq(1);

    expect(local.events[0]).toMatchObject({ __typename: 'OrderPlaced', order: { id: placed.data.placeOrder.id } });
    // Handed over at commit: neither Redis nor the once-a-second check of the log brought it.
    expect(isolated.services.streams.feed.stats()).toMatchObject({
      committedHere: before.committedHere + 1,
      messages: before.messages,
      repairs: before.repairs,
    });
    await local.stop();
    await isolated.stop();
  });

  it("reads its log again when a read fails (the database cut the connection), instead of ending the subscriber's stream", async () => {
    const session = await openSession(a.url, token, 'Cut read');
    await placeOrders(a.url, session.code, 3);
    const database = new Client({ connectionString: test.databaseUrl });
    await database.connect();
    try {
      // The log read of a new subscription waits behind this lock, until the test cuts its connection.
      await database.query('begin');
      await database.query('lock table session_events in access exclusive mode');
      const client = webSocketClient(b.wsUrl);
      const subscriber = new Subscriber(client, SESSION_EVENTS_SUBSCRIPTION, { code: session.code, afterSeq: 0 });
      let reading: number | undefined;
      await waitFor(async () => {
        // Inside a transaction PostgreSQL keeps the first view of pg_stat_activity unless told to drop it.
        await database.query('select pg_stat_clear_snapshot()');
        const { rows } = await database.query(
          "select pid from pg_stat_activity where datname = current_database() and wait_event_type = 'Lock' and query like '%session_events%'",
        );
        reading = rows[0]?.pid;
        return reading !== undefined;
      }, "the subscription's log read waiting on the lock");
      await database.query('select pg_terminate_backend($1)', [reading]);
      await database.query('rollback');

      const seqs = (await subscriber.waitFor(3)).map((item) => item.sessionEvents.seq);
      expect(seqs).toEqual([1, 2, 3]);
      expect(subscriber.errors).toEqual([]);
      await client.dispose();
    } finally {
      await database.end();
    }
  });

  it('answers an order without waiting for its Redis publish, which reaches other instances once Redis answers', async () => {
    const session = await openSession(a.url, token, 'Redis holds');
    const proxy = new TcpProxy('127.0.0.1', Number(new URL(redis.url).port));
    await proxy.open();
    const warnings: string[] = [];
    const logger = createLogger('warn', (line) => warnings.push(JSON.parse(line).message));
    const held = await test.startAnotherInstance({ redisUrl: `redis://127.0.0.1:${proxy.port}` }, logger);
    const local = subscribe(held, session.code);
    const onB = subscribe(b, session.code);
    await placeOrders(held.url, session.code, 1);
    await local.waitForSeq(1);
    await onB.waitForSeq(1);

    proxy.hold();
    const placed = await placeOrder(held.url, session.code);
    expect(placed.errors).toBeUndefined();
    // Answered while Redis holds the publish: it has neither gone through nor failed (timed out) yet.
    expect(warnings).toEqual([]);
    await local.waitForSeq(2);
    proxy.release();

    await onB.waitForSeq(2);
    expect(onB.seqs).toEqual([1, 2]);
    expect(onB.events[1]).toMatchObject({ __typename: 'OrderPlaced', order: { id: placed.data.placeOrder.id } });
    // Stopped before its instance, so it does not try to resume against a stopped one.
    await local.stop();
    await held.stop();
    await proxy.cut();
  });

  it('keeps committing orders while Redis is down, says so on /readyz, and delivers every event during and after the outage', async () => {
    const session = await openSession(a.url, token, 'Redis outage');
    const onA = subscribe(a, session.code);
    const onB = subscribe(b, session.code);
    await placeOrders(b.url, session.code, 1);
    await Promise.all([onA.waitForSeq(1), onB.waitForSeq(1)]);

    await redis.stop();
    const ready = await fetch(a.url.replace('/graphql', '/readyz'));
    expect(ready.status).toBe(503);
    expect(await ready.json()).toMatchObject({ pubSub: false, database: true });

    await placeOrders(a.url, session.code, 2);
    await placeOrders(b.url, session.code, 2);
    await Promise.all([onA.waitForSeq(5), onB.waitForSeq(5)]);

    await redis.start();
    await waitFor(async () => (await fetch(a.url.replace('/graphql', '/readyz'))).status === 200, 'A ready again');
    // Both instances re-subscribed the session's topic by themselves.
    await waitFor(async () => (await channelSubscribers(redis, channelOf(test, Topics.session(session.id)))) === 2, 'topic re-subscribed');
    const messagesBefore = b.services.streams.feed.stats().messages;
    await placeOrders(a.url, session.code, 1);
    await close(session.code);

    for (const subscriber of [onA, onB]) {
      await subscriber.waitForCompletion();
      expect(subscriber.errors).toEqual([]);
      expect(subscriber.seqs).toEqual(range(1, 7));
    }
    // The last two events came through Redis again, not only from the log.
    expect(b.services.streams.feed.stats().messages).toBeGreaterThanOrEqual(messagesBefore + 2);
  });
});

/**
 * DESIGN.md §5: "the work for one event must not grow with the number of subscriptions to
 * other sessions". One instance watches many sessions; an event of one of them is received
 * once, on its own topic, and handed only to that session's subscribers.
 */
describe('the cost of one event', () => {
  let redis: RedisServer;
  let test: TestApp;
  let watcher: App;
  let token: string;
  const clients: ReturnType<typeof webSocketClient>[] = [];

  beforeAll(async () => {
    redis = await RedisServer.start();
    test = await startTestApp({ redisUrl: redis.url });
    watcher = await test.startAnotherInstance();
    token = await login(test.url);
  });
  afterAll(async () => {
    await Promise.all(clients.map((client) => client.dispose()));
    await test.stop();
    await redis.stop();
  });

  it('does not grow with subscriptions to other sessions: one topic per session, each message handed only to its own subscribers', async () => {
    const sessions = [];
    for (let i = 0; i < 30; i++) sessions.push(await openSession(test.url, token, `Table ${i}`));
    const subscribersBySession = sessions.map((session) =>
      [0, 1].map(() => {
        const client = webSocketClient(watcher.wsUrl);
        clients.push(client);
        return new Subscriber(client, SESSION_EVENTS_SUBSCRIPTION, { code: session.code });
      }),
    );

    // 60 subscriptions, 30 topics: one Redis subscription per session on this instance,
    // besides the two every instance has, for logouts and for clients out of wrong-code attempts.
    const subscriberName = watcher.services.bus.subscriberName as string;
    await waitFor(async () => (await subscribedChannels(redis, subscriberName)) === 30 + 2, 'all topics subscribed');
    expect(watcher.services.streams.feed.stats().topics).toBe(30);
    for (const session of sessions) expect(await channelSubscribers(redis, channelOf(test, Topics.session(session.id)))).toBe(1);

    const before = watcher.services.streams.feed.stats();
    const [first] = sessions;
    expect((await placeOrder(test.url, first.code)).errors).toBeUndefined();
    for (const subscriber of subscribersBySession[0]) await subscriber.waitFor(1);
    const after = watcher.services.streams.feed.stats();

    expect(after.messages - before.messages).toBe(1);
    expect(after.deliveries - before.deliveries).toBe(2);
    for (const others of subscribersBySession.slice(1)) for (const other of others) expect(other.items).toEqual([]);
  });
});


async function channelSubscribers(redis: RedisServer, channel: string): Promise<number> {
  const reply = (await redis.query((client) => client.pubsub('NUMSUB', channel))) as [string, number];
  return Number(reply[1]);
}

/** How many channels the named client connection is subscribed to (CLIENT LIST's `sub=`). */
async function subscribedChannels(redis: RedisServer, connectionName: string): Promise<number> {
  const list = await redis.query((client) => client.client('LIST') as Promise<string>);
  const line = list.split('\n').find((entry) => entry.includes(` name=${connectionName} `));
  return Number(/ sub=(\d+)/.exec(line ?? '')?.[1] ?? -1);
}
