import { createHash } from 'node:crypto';
import { Redis } from 'ioredis';
import { Topics } from '../src/pubsub/topics';
import { Client } from 'pg';
import type { App } from '../src/app';
import { queryRows, storedSeqs } from './support/database';
import { DEMO, login, openSession, placeOrder } from './support/fixtures';
import { errorCode, graphql, Subscriber, webSocketClient } from './support/graphql-client';
import { HeldVerification } from './support/held-verification';
import { CLOSE_SESSION, LOCATION_EVENTS_SUBSCRIPTION, LOGOUT, SESSION_EVENTS_SUBSCRIPTION, SET_ORDER_STATUS, WHO_AM_I } from './support/operations';
import { waitFor } from './support/wait';
import { testRedisUrl } from './support/environment';
import { startTestApp, type TestApp } from './support/test-app';

/**
 * Two instances sharing PostgreSQL and Redis. A subscription listens for live events before
 * it replays the log, so once a subscriber has its first event, every later one reaches it
 * only through Redis — from whichever instance made it.
 */
describe('two instances behind one load balancer', () => {
  let test: TestApp;
  let a: App;
  let b: App;
  let token: string;
  beforeAll(async () => {
    test = await startTestApp();
    a = test.app;
    b = await test.startAnotherInstance();
    token = await login(a.url);
  });
  afterAll(() => test.stop());

  it('delivers to a subscriber on B the order, status change and close made through A, in seq order, then completes', async () => {
    const session = await openSession(a.url, token, 'Table 1');
    const client = webSocketClient(b.wsUrl);
    const onB = new Subscriber(client, SESSION_EVENTS_SUBSCRIPTION, { code: session.code });

    const placed = await placeOrder(a.url, session.code);
    const orderId = placed.data.placeOrder.id;
    await onB.waitFor(1);
    expect((await graphql(a.url, SET_ORDER_STATUS, { orderId, status: 'ACCEPTED' }, token)).errors).toBeUndefined();
    expect((await graphql(a.url, CLOSE_SESSION, { code: session.code }, token)).errors).toBeUndefined();

    await onB.done;
    expect(onB.errors).toEqual([]);
    expect(onB.items.map((item) => item.sessionEvents)).toEqual([
      expect.objectContaining({ __typename: 'OrderPlaced', seq: 1, order: expect.objectContaining({ id: orderId }) }),
      expect.objectContaining({ __typename: 'OrderStatusChanged', seq: 2, orderId, status: 'ACCEPTED', previousStatus: 'PLACED' }),
      expect.objectContaining({ __typename: 'SessionClosed', seq: 3 }),
    ]);
    await client.dispose();
  });

  it('delivers to a subscriber on A the orders placed through B', async () => {
    const session = await openSession(b.url, token, 'Table 2');
    const client = webSocketClient(a.wsUrl);
    const onA = new Subscriber(client, SESSION_EVENTS_SUBSCRIPTION, { code: session.code });

    const first = await placeOrder(b.url, session.code);
    await onA.waitFor(1);
    const second = await placeOrder(b.url, session.code);
    const events = (await onA.waitFor(2)).map((item) => item.sessionEvents);

    expect(onA.errors).toEqual([]);
    expect(events).toEqual([
      expect.objectContaining({ __typename: 'OrderPlaced', seq: 1, order: expect.objectContaining({ id: first.data.placeOrder.id }) }),
      expect.objectContaining({ __typename: 'OrderPlaced', seq: 2, order: expect.objectContaining({ id: second.data.placeOrder.id }) }),
    ]);
    await client.dispose();
  });

  it("makes one order of a key sent through both instances at once, also when B's statement carries other orders", async () => {
    const [target, decoy] = [await openSession(a.url, token, 'Same key'), await openSession(a.url, token, 'Decoy')];
    const key = 'sent-twice';
    const waitingOnLocks = async () =>
      (
        await queryRows<{ count: number }>(
          test.databaseUrl,
          `select count(*)::int as count from pg_stat_activity where datname = current_database() and wait_event_type = 'Lock'`,
        )
      )[0].count;
    const hold = async (sessionId: string) => {
      const lock = new Client({ connectionString: test.databaseUrl });
      await lock.connect();
      await lock.query('begin');
      await lock.query('select 1 from sessions where id = $1 for update', [sessionId]);
      return async () => {
        await lock.query('commit');
        await lock.end();
      };
    };
    const releaseDecoy = await hold(decoy.id);
    const releaseTarget = await hold(target.id);

    // B's statement for the decoy waits; B's next two orders queue behind it and go in one statement.
    const decoyOrder = placeOrder(b.url, decoy.code);
    await waitFor(async () => (await waitingOnLocks()) === 1, "B's decoy statement waiting");
    const viaB = placeOrder(b.url, target.code, undefined, key);
    const secondViaB = placeOrder(b.url, target.code);
    // A's statement for the key waits on the target's row first, then B's two-order statement behind it.
    const viaA = placeOrder(a.url, target.code, undefined, key);
    await waitFor(async () => (await waitingOnLocks()) === 2, "A's statement waiting");
    await releaseDecoy();
    const decoyAnswer = await decoyOrder;
    await waitFor(async () => (await waitingOnLocks()) === 2, "B's two-order statement waiting behind A's");
    await releaseTarget();

    const answers = await Promise.all([viaA, viaB, secondViaB, decoyAnswer]);
    expect(answers.flatMap((answer) => answer.errors ?? [])).toEqual([]);
    expect(answers[1].data.placeOrder.id).toBe(answers[0].data.placeOrder.id);
    expect(answers[2].data.placeOrder.id).not.toBe(answers[0].data.placeOrder.id);
    expect(await storedSeqs(test.databaseUrl, target.id)).toEqual([1, 2]);
    expect(await storedSeqs(test.databaseUrl, decoy.id)).toEqual([1]);
  });

  describe('a logout through A', () => {
    it("tells B by the credential's hash, never its session key (not even one a mismatched user id makes refused)", async () => {
      const redis = new Redis(testRedisUrl());
      const heard: string[] = [];
      redis.on('message', (_channel, message: string) => heard.push(message));
      await redis.subscribe(`${Topics.namespaceFor(test.databaseUrl)}${Topics.credentialsRevoked}`);
      try {
        const leaving = await login(a.url);
        const [userId, sessionKey] = leaving.split(':');
        // Another user's id with a live key: the verification service refuses it, and it is revoked.
        expect(errorCode(await graphql(a.url, LOGOUT, {}, `${Number(userId) + 1}:${sessionKey}`))).toBe('UNAUTHENTICATED');
        expect((await graphql(a.url, LOGOUT, {}, leaving)).data).toEqual({ logout: true });
        await waitFor(async () => heard.length === 2, 'both logouts told');
        expect(heard.join(' ')).not.toContain(sessionKey);
        expect(heard[1]).toContain(createHash('sha256').update(leaving).digest('base64url'));
      } finally {
        redis.disconnect();
      }
    });

    it('ends the token on B too, though B had verified it for AUTH_CACHE_TTL_MS (30 s here)', async () => {
      const leaving = await login(a.url);
      expect((await graphql(b.url, WHO_AM_I, {}, leaving)).data).toEqual({ me: { id: 1 } });
      expect((await graphql(a.url, LOGOUT, {}, leaving)).data).toEqual({ logout: true });
      // Told through Redis: B hears it moments after A answers.
      await waitFor(async () => errorCode(await graphql(b.url, WHO_AM_I, {}, leaving)) === 'UNAUTHENTICATED', 'B refuses the token', 5_000);
    });

    it('that the verification service refuses (the key has expired) ends the token on B too, though A had not verified it', async () => {
      const expiring = await login(a.url);
      expect((await graphql(b.url, WHO_AM_I, {}, expiring)).data).toEqual({ me: { id: 1 } });
      test.doubles.control.expireSessionKey(expiring.split(':')[1]);

      expect(errorCode(await graphql(a.url, LOGOUT, {}, expiring))).toBe('UNAUTHENTICATED');

      await waitFor(async () => errorCode(await graphql(b.url, WHO_AM_I, {}, expiring)) === 'UNAUTHENTICATED', 'B refuses the token', 5_000);
    });

    it('ends the location streams the token opened, on A and on B, and nothing else on their sockets', async () => {
      const leaving = await login(a.url);
      const session = await openSession(a.url, token, 'Panel at logout');
      const [onA, onB] = [webSocketClient(a.wsUrl, leaving), webSocketClient(b.wsUrl, leaving)];
      const panels = [onA, onB].map((client) => new Subscriber(client, LOCATION_EVENTS_SUBSCRIPTION, { locationId: DEMO.cafe }));
      const guest = new Subscriber(onB, SESSION_EVENTS_SUBSCRIPTION, { code: session.code });
      const first = (await placeOrder(a.url, session.code)).data.placeOrder.id;
      const hasFirst = (panel: Subscriber) => panel.items.some((item) => item.locationEvents.order?.id === first);
      await waitFor(async () => panels.every(hasFirst), 'both panels live');
      await guest.waitFor(1);

      expect((await graphql(a.url, LOGOUT, {}, leaving)).data).toEqual({ logout: true });
      for (const panel of panels) {
        await panel.done;
        expect(panel.errors.flat()).toEqual([expect.objectContaining({ extensions: expect.objectContaining({ code: 'UNAUTHENTICATED' }) })]);
      }

      const second = (await placeOrder(a.url, session.code)).data.placeOrder.id;
      const events = (await guest.waitFor(2)).map((item) => item.sessionEvents);
      expect(events[1]).toMatchObject({ __typename: 'OrderPlaced', seq: 2, order: { id: second } });
      expect(guest.errors).toEqual([]);
      await Promise.all([onA.dispose(), onB.dispose()]);
    });

    it('is not told of location streams that already ended', async () => {
      const before = a.services.access.streamsWatched;
      const client = webSocketClient(a.wsUrl, await login(a.url));
      new Subscriber(client, LOCATION_EVENTS_SUBSCRIPTION, { locationId: DEMO.cafe });
      await waitFor(async () => a.services.access.streamsWatched === before + 1, 'the stream watched');
      await client.dispose();
      await waitFor(async () => a.services.access.streamsWatched === before, 'the ended stream forgotten');
    });

    it('is not undone by a verification of the token that was in flight on another instance', async () => {
      const held = new HeldVerification(test.doubles.url);
      const doubles = test.doubles.url;
      const c = await test.startAnotherInstance({ siblings: { verification: await held.start(), locations: doubles, products: doubles, codes: doubles } });
      try {
        const leaving = await login(a.url);
        // C asks the verification service, which says yes; its answer is held on the way back.
        const inFlight = graphql(c.url, WHO_AM_I, {}, leaving);
        await held.holding;
        expect((await graphql(a.url, LOGOUT, {}, leaving)).data).toEqual({ logout: true });
        // C has heard of the logout once it refuses the token without asking again.
        await waitFor(
          async () => {
            const asked = held.verifications;
            return errorCode(await graphql(c.url, WHO_AM_I, {}, leaving)) === 'UNAUTHENTICATED' && held.verifications === asked;
          },
          'C refuses the token without asking',
          5_000,
        );
        held.release();
        expect(errorCode(await inFlight)).toBe('UNAUTHENTICATED');
        const asked = held.verifications;
        expect(errorCode(await graphql(c.url, WHO_AM_I, {}, leaving))).toBe('UNAUTHENTICATED');
        expect(held.verifications).toBe(asked);
      } finally {
        await held.stop();
      }
    });
  });
});
