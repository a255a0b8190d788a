import type { App } from '../src/app';
import { closedPort } from './support/dead-servers';
import { HeldVerification } from './support/held-verification';
import { DEMO, login, openSession, placeOrder } from './support/fixtures';
import { graphql, Subscriber, webSocketClient } from './support/graphql-client';
import { scrapeMetric } from './support/metrics';
import { LOCATION_EVENTS_SUBSCRIPTION, LOGOUT, SESSIONS } from './support/operations';
import { startTestApp, type TestApp } from './support/test-app';
import { waitFor } from './support/wait';

/** How long this instance reuses a verification or an ownership answer; its watched streams are checked again as often. */
const AUTH_CACHE_TTL_MS = 1_000;

/**
 * A location stream must not outlive its representative's right to it. A logout told to
 * every instance ends it at once (test/two-instances.test.ts); these are the ways that
 * message does not come, found when the instance asks again.
 */
describe("a location stream ends once its credential may no longer open it", () => {
  let test: TestApp;
  let tables = 0;
  beforeAll(async () => {
    test = await startTestApp({ authCacheTtlMs: AUTH_CACHE_TTL_MS });
  });
  afterAll(() => test.stop());

  /** An order panel on the test's instance, live: it has received an order placed after it subscribed. */
  async function livePanel(token: string) {
    const client = webSocketClient(test.wsUrl, token);
    const panel = new Subscriber(client, LOCATION_EVENTS_SUBSCRIPTION, { locationId: DEMO.cafe });
    const session = await openSession(test.url, await login(test.url), `Panel table ${++tables}`);
    const placed = (await placeOrder(test.url, session.code)).data.placeOrder.id;
    await waitFor(async () => panel.items.some((item) => item.locationEvents.order?.id === placed), 'the panel live');
    return { client, panel, session };
  }

  const endedWith = (panel: Subscriber) => panel.errors.flat().map((error) => (error as { extensions?: { code?: string } }).extensions?.code);

  it('ends with UNAUTHENTICATED after a logout this instance was never told of', async () => {
    const nowhere = await closedPort();
    // Its logout cannot reach Redis, so no other instance hears of it.
    const cutOff: App = await test.startAnotherInstance({ redisUrl: nowhere.url.replace('http:', 'redis:') });
    try {
      const token = await login(test.url);
      const { client, panel } = await livePanel(token);
      expect((await graphql(cutOff.url, LOGOUT, {}, token)).data).toEqual({ logout: true });

      await panel.done;
      expect(endedWith(panel)).toEqual(['UNAUTHENTICATED']);
      await client.dispose();
    } finally {
      await cutOff.stop();
    }
  });

  it('ends with UNAUTHENTICATED when its session key expires', async () => {
    const token = await login(test.url);
    const { client, panel } = await livePanel(token);
    test.doubles.control.expireSessionKey(token.split(':')[1]);

    await panel.done;
    expect(endedWith(panel)).toEqual(['UNAUTHENTICATED']);
    await client.dispose();
  });

  it('ends with FORBIDDEN when the location changes hands', async () => {
    const cafe = test.doubles.data.locations.find((location) => location.id === DEMO.cafe)!;
    const owner = cafe.user_id;
    const token = await login(test.url);
    const { client, panel } = await livePanel(token);
    try {
      cafe.user_id = owner + 1;
      await panel.done;
      expect(endedWith(panel)).toEqual(['FORBIDDEN']);
    } finally {
      cafe.user_id = owner;
      await client.dispose();
      // The instance reuses the changed owner for a cache lifetime.
      await waitFor(async () => (await graphql(test.url, SESSIONS, { locationId: DEMO.cafe }, token)).errors === undefined, 'the cafe back with its owner');
    }
  });

  it('asks the siblings afresh at every re-check, not from the answers it cached at the one before', async () => {
    const { client } = await livePanel(await login(test.url));
    const access = test.app.services.access;
    test.doubles.control.resetRequestCounts();
    const from = access.recheckRounds;
    await waitFor(async () => access.recheckRounds >= from + 4, 'four re-checks', 15_000);
    // Three rounds are over (the fourth may still be asking): each asked for the credential and the location.
    expect(test.doubles.control.requestCount('/verification/verify/')).toBeGreaterThanOrEqual(3);
    expect(test.doubles.control.requestCount('/locations/get/')).toBeGreaterThanOrEqual(3);
    await client.dispose();
  });

  it('goes on when a panel closes while a re-check round is asking about another one', async () => {
    const unhandled: unknown[] = [];
    const record = (reason: unknown) => unhandled.push(reason);
    process.on('unhandledRejection', record);
    const held = new HeldVerification(test.doubles.url, { armed: false });
    const doubles = test.doubles.url;
    const instance = await test.startAnotherInstance({ siblings: { verification: await held.start(), locations: doubles, products: doubles, codes: doubles } });
    const access = instance.services.access;
    try {
      const first = webSocketClient(instance.wsUrl, await login(instance.url));
      const firstPanel = new Subscriber(first, LOCATION_EVENTS_SUBSCRIPTION, { locationId: DEMO.cafe });
      await waitFor(async () => access.streamsWatched === 1, 'the first panel watched');
      const second = webSocketClient(instance.wsUrl, await login(instance.url, DEMO.rival));
      new Subscriber(second, LOCATION_EVENTS_SUBSCRIPTION, { locationId: DEMO.rivalBistro });
      await waitFor(async () => access.streamsWatched === 2, 'the second panel watched');

      // The next round asks about the first panel's credential first; the second panel closes meanwhile.
      held.arm();
      await held.holding;
      await second.dispose();
      await waitFor(async () => access.streamsWatched === 1, 'the second panel forgotten');
      held.release();
      const rounds = access.recheckRounds;
      await waitFor(async () => access.recheckRounds >= rounds + 2, 'two more rounds');

      expect(unhandled).toEqual([]);
      expect(firstPanel.completed).toBe(false);
      await first.dispose();
    } finally {
      process.off('unhandledRejection', record);
      await instance.stop();
      await held.stop();
    }
  });

  it("asks about a round's credentials side by side: one slow verification holds up no other", async () => {
    const held = new HeldVerification(test.doubles.url, { armed: false });
    const doubles = test.doubles.url;
    // The held answer must not time out: the round would then go on to the others anyway.
    const siblings = { verification: await held.start(), locations: doubles, products: doubles, codes: doubles };
    const instance = await test.startAnotherInstance({ siblings, siblingTimeoutMs: 60_000 });
    const clients = [];
    try {
      for (let panel = 1; panel <= 3; panel++) {
        const client = webSocketClient(instance.wsUrl, await login(instance.url));
        clients.push(client);
        new Subscriber(client, LOCATION_EVENTS_SUBSCRIPTION, { locationId: DEMO.cafe });
        await waitFor(async () => instance.services.access.streamsWatched === panel, `panel ${panel} watched`);
      }

      held.arm();
      await held.holding;
      const asked = held.verifications;

      // While the first credential's answer is held, the round asks about the other two.
      await waitFor(async () => held.verifications >= asked + 2, 'the other credentials asked about');
    } finally {
      held.release();
      await Promise.all(clients.map((client) => client.dispose()));
      await instance.stop();
      await held.stop();
    }
  });

  it('goes on while the verification service is down, and after', async () => {
    const { client, panel, session } = await livePanel(await login(test.url));
    test.doubles.control.resetRequestCounts();
    test.doubles.control.setUnavailable('verification');
    try {
      // Checked again while down: the answer is SERVICE_UNAVAILABLE, which is not the credential's.
      await waitFor(async () => test.doubles.control.requestCount('/verification/verify/') >= 2, 'two re-checks while down', 10_000);
    } finally {
      test.doubles.control.setUnavailable('verification', false);
    }
    const later = (await placeOrder(test.url, session.code)).data.placeOrder.id;
    await waitFor(async () => panel.items.some((item) => item.locationEvents.order?.id === later), 'the order after the outage');
    expect(panel.completed).toBe(false);
    expect(panel.errors).toEqual([]);
    await client.dispose();
  });
});

describe('a location stream opened on cached answers', () => {
  /** Long enough to tell half of it from all of it. */
  const TTL_MS = 4_000;
  let test: TestApp;
  beforeAll(async () => {
    test = await startTestApp({ authCacheTtlMs: TTL_MS });
  });
  afterAll(() => test.stop());

  it('is refused when the location changed hands since answers older than half their lifetime', async () => {
    const cafe = test.doubles.data.locations.find((location) => location.id === DEMO.cafe)!;
    const owner = cafe.user_id;
    const token = await login(test.url);
    // The instance now holds the verification and the ownership, both saying yes.
    expect((await graphql(test.url, SESSIONS, { locationId: DEMO.cafe }, token)).errors).toBeUndefined();
    await new Promise((resolve) => setTimeout(resolve, TTL_MS / 2 + 500));
    const client = webSocketClient(test.wsUrl, token);
    try {
      cafe.user_id = owner + 1;
      const panel = new Subscriber(client, LOCATION_EVENTS_SUBSCRIPTION, { locationId: DEMO.cafe });
      await waitFor(async () => panel.completed || (await scrapeMetric(test.url, 'ordered_subscriptions_active')) === 1, 'the panel refused or streaming');
      const session = await openSession(test.url, await login(test.url, DEMO.rival), 'Table of the new owner', DEMO.cafe);
      await placeOrder(test.url, session.code);
      await panel.done;
      // Let in on those answers, it would stream the new owner's orders until its first re-check.
      expect(panel.items).toEqual([]);
      expect(panel.errors.flat().map((error) => (error as { extensions?: { code?: string } }).extensions?.code)).toEqual(['FORBIDDEN']);
    } finally {
      cafe.user_id = owner;
      await client.dispose();
      // The instance reuses the changed owner for a cache lifetime.
      await waitFor(async () => (await graphql(test.url, SESSIONS, { locationId: DEMO.cafe }, token)).errors === undefined, 'the cafe back with its owner');
    }
  });

  it('asks the siblings once when many panels open at once on such answers', async () => {
    const token = await login(test.url);
    expect((await graphql(test.url, SESSIONS, { locationId: DEMO.cafe }, token)).errors).toBeUndefined();
    await new Promise((resolve) => setTimeout(resolve, TTL_MS / 2 + 500));
    test.doubles.control.resetRequestCounts();
    const client = webSocketClient(test.wsUrl, token);
    const panels = Array.from({ length: 20 }, () => new Subscriber(client, LOCATION_EVENTS_SUBSCRIPTION, { locationId: DEMO.cafe }));
    await waitFor(async () => (await scrapeMetric(test.url, 'ordered_subscriptions_active')) === panels.length, 'every panel streaming');
    expect(test.doubles.control.requestCount('/verification/verify/')).toBe(1);
    expect(test.doubles.control.requestCount('/locations/get/')).toBe(1);
    await client.dispose();
  });
});
