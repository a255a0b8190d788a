import { randomBytes, randomUUID } from 'node:crypto';
import { startSiblingDoubles, type SiblingDoubles } from '../src/dev/siblings';
import { testDatabaseServerUrl } from './support/environment';
import { DEMO, login } from './support/fixtures';
import { graphql } from './support/graphql-client';
import { CLOSE_SESSION, LOCATION_EVENTS_SUBSCRIPTION, OPEN_SESSION, PLACE_ORDER, SESSION_EVENTS_SUBSCRIPTION } from './support/operations';
import { freePort, RedisServer } from './support/redis-server';
import { ResumingSubscriber } from './support/resuming-subscriber';
import { ServiceProcess } from './support/service-process';
import { dropDatabase } from './support/test-app';

jest.setTimeout(120_000);

const SESSIONS = 20;
const SUBSCRIBERS_PER_SESSION = 3;
const ORDERS = 1_000;
const CONCURRENT_ORDERS = 8;
const MENU = [DEMO.espresso.id, DEMO.cappuccino.id, DEMO.croissant.id];

const pick = <T>(items: T[]): T => items[Math.floor(Math.random() * items.length)];
const range = (from: number, to: number) => Array.from({ length: to - from + 1 }, (_, index) => from + index);

/**
 * DESIGN.md §5 under faults: three instances of the service, each its own process, share
 * PostgreSQL and a Redis of the test's own. While 1,000 orders go through random instances,
 * one instance is killed and started again, Redis is killed and started again (and killed
 * once more for the last orders, which then reach subscribers only from the log), and random
 * subscriber sockets are cut; cut subscribers resume with afterSeq = the last seq they got.
 * Afterwards every subscriber holds exactly 1..n of its session, and the representative's
 * location stream every order once.
 */
describe('three instances under faults', () => {
  const databaseName = `ordered_test_${randomBytes(6).toString('hex')}`;
  const databaseUrl = `${testDatabaseServerUrl()}/${databaseName}`;
  let redis: RedisServer;
  let doubles: SiblingDoubles;
  let instances: ServiceProcess[] = [];
  const subscribers: ResumingSubscriber[] = [];

  beforeAll(async () => {
    redis = await RedisServer.start();
    doubles = await startSiblingDoubles();
    const env = (port: number): Record<string, string> => ({
      PORT: String(port),
      HOST: '127.0.0.1',
      DATABASE_URL: databaseUrl,
      REDIS_URL: redis.url,
      VERIFICATION_URL: doubles.url,
      LOCATIONS_URL: doubles.url,
      PRODUCTS_URL: doubles.url,
      CODES_URL: doubles.url,
      WRONG_CODE_LIMIT_PER_MINUTE: '1000000',
    });
    const ports = [await freePort(), await freePort(), await freePort()];
    instances = ports.map((port, index) => new ServiceProcess(`instance-${index}`, env(port)));
    // The first creates the database and runs the migrations; then the others join.
    await instances[0].start();
    await Promise.all(instances.slice(1).map((instance) => instance.start()));
  });

  afterAll(async () => {
    await Promise.all(subscribers.map((subscriber) => subscriber.stop()));
    await Promise.all(instances.map((instance) => instance.stop()));
    await doubles?.stop();
    await redis?.stop();
    await dropDatabase(databaseName);
  });

  const running = () => instances.filter((instance) => instance.running);
  const anyHttp = () => pick(running()).url;
  const anyWebSocket = () => pick(running()).wsUrl;

  /** A request through a random running instance, sent again elsewhere when the instance went away. */
  async function throughAnyInstance(query: string, variables: Record<string, unknown>, token?: string) {
    for (let attempt = 1; ; attempt++) {
      try {
        const response = await graphql(anyHttp(), query, variables, token);
        if (response.data) return response.data;
        throw new Error(JSON.stringify(response.errors));
      } catch (error) {
        if (attempt >= 50) throw error;
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
    }
  }

  it('delivers to every subscriber exactly 1..n of its session, and every order once to the location stream', async () => {
    const token = await login(instances[0].url);
    const panels = [0, 1].map(
      () =>
        new ResumingSubscriber({
          pickUrl: anyWebSocket,
          query: LOCATION_EVENTS_SUBSCRIPTION,
          field: 'locationEvents',
          variables: { locationId: DEMO.cafe },
          token,
        }),
    );
    subscribers.push(...panels);

    const sessions: { id: string; code: string }[] = [];
    for (let i = 0; i < SESSIONS; i++) {
      sessions.push((await throughAnyInstance(OPEN_SESSION, { locationId: DEMO.cafe, name: `Table ${i + 1}` }, token)).openSession);
    }
    const sessionSubscribers = sessions.map((session) =>
      range(1, SUBSCRIBERS_PER_SESSION).map(
        () => new ResumingSubscriber({ pickUrl: anyWebSocket, query: SESSION_EVENTS_SUBSCRIPTION, field: 'sessionEvents', variables: { code: session.code } }),
      ),
    );
    subscribers.push(...sessionSubscribers.flat());

    // Orders through random instances; one that fails for its instance is sent again, with the
    // same idempotency key, through another (as a client retrying behind a load balancer).
    const ordersBySession = sessions.map(() => new Set<string>());
    let placed = 0;
    let next = 0;
    const placeOrders = async () => {
      while (next < ORDERS) {
        const index = next++;
        const session = index % SESSIONS;
        const variables = {
          code: sessions[session].code,
          items: [{ productId: pick(MENU), quantity: 1 + (index % 3) }],
          idempotencyKey: randomUUID(),
        };
        const { placeOrder } = await throughAnyInstance(PLACE_ORDER, variables);
        ordersBySession[session].add(placeOrder.id);
        placed += 1;
      }
    };

    // The faults, each when the orders have got so far.
    const until = async (count: number) => {
      while (placed < count) await new Promise((resolve) => setTimeout(resolve, 10));
    };
    const faults = async () => {
      await until(150);
      await instances[2].kill();
      await until(300);
      await instances[2].start();
      await until(450);
      await redis.stop();
      await until(600);
      await redis.start();
      // Down again for the last orders: they reach the subscribers only from the log.
      await until(900);
      await redis.stop();
    };
    let ordering = true;
    const cuts = async () => {
      while (ordering) {
        for (let i = 0; i < 3; i++) pick(subscribers).cut();
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
    };

    const cutting = cuts();
    await Promise.all([faults(), ...range(1, CONCURRENT_ORDERS).map(placeOrders)]);
    ordering = false;
    await cutting;

    // With Redis still down and no further event, every subscriber gets to the last order.
    const ordersPerSession = ORDERS / SESSIONS;
    for (const subscriber of sessionSubscribers.flat()) await subscriber.waitForSeq(ordersPerSession, 30_000);
    for (const panel of panels) await panel.waitForSeq(SESSIONS + ORDERS, 30_000);

    await redis.start();
    for (const session of sessions) await throughAnyInstance(CLOSE_SESSION, { code: session.code }, token);

    const perSession = ordersPerSession + 1;
    for (const [index, group] of sessionSubscribers.entries()) {
      for (const subscriber of group) {
        await subscriber.waitForCompletion(30_000);
        expect(subscriber.errors).toEqual([]);
        expect(subscriber.seqs).toEqual(range(1, perSession));
        const orderIds = subscriber.events.filter((event) => event.__typename === 'OrderPlaced').map((event) => (event.order as { id: string }).id);
        expect(new Set(orderIds)).toEqual(ordersBySession[index]);
        expect(subscriber.events.at(-1)).toMatchObject({ __typename: 'SessionClosed' });
      }
    }

    const locationTotal = SESSIONS + ORDERS + SESSIONS;
    const everyOrder = new Set(ordersBySession.flatMap((orders) => [...orders]));
    expect(everyOrder.size).toBe(ORDERS);
    for (const panel of panels) {
      await panel.waitForSeq(locationTotal, 30_000);
      expect(panel.errors).toEqual([]);
      expect(panel.seqs).toEqual(range(1, locationTotal));
      const orderIds = panel.events.filter((event) => event.__typename === 'OrderPlaced').map((event) => (event.order as { id: string }).id);
      expect(orderIds).toHaveLength(ORDERS);
      expect(new Set(orderIds)).toEqual(everyOrder);
      expect(panel.events.filter((event) => event.__typename === 'SessionOpened')).toHaveLength(SESSIONS);
      expect(panel.events.filter((event) => event.__typename === 'SessionClosed')).toHaveLength(SESSIONS);
    }

    // The faults did happen to the subscribers: many of them had to resume.
    const resumes = subscribers.reduce((sum, subscriber) => sum + subscriber.resumes, 0);
    expect(resumes).toBeGreaterThan(20);
  });
});
