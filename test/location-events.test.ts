import { randomBytes } from 'node:crypto';
import { MikroORM } from '@mikro-orm/postgresql';
import { Client } from 'pg';
import { ormConfig } from '../src/orm/orm-config';
import { testDatabaseServerUrl } from './support/environment';
import { DEMO, login, openSession, placeOrder } from './support/fixtures';
import { errorCode, graphql, Subscriber, webSocketClient } from './support/graphql-client';
import { CLOSE_SESSION, LOCATION_EVENTS_QUERY, LOCATION_EVENTS_SUBSCRIPTION, SET_ORDER_STATUS } from './support/operations';
import { ResumingSubscriber } from './support/resuming-subscriber';
import { startTestApp, type TestApp } from './support/test-app';

const GARDEN = 3; // the demo representative's second location
const LEMONADE = 201; // on the Garden's menu

/**
 * locationEvents: the order panel's one stream for a location — sessions opened and closed,
 * orders placed and moved along — for the location's representative only, with the same
 * ordering and resume guarantee as a session's stream.
 */
describe('the location stream', () => {
  let test: TestApp;
  let token: string;
  let rivalToken: string;
  const subscribers: ResumingSubscriber[] = [];

  beforeAll(async () => {
    test = await startTestApp();
    token = await login(test.url);
    rivalToken = await login(test.url, DEMO.rival);
  });
  afterAll(async () => {
    await Promise.all(subscribers.map((subscriber) => subscriber.stop()));
    await test.stop();
  });

  function panel(locationId: number, afterSeq = 0, url = test.wsUrl): ResumingSubscriber {
    const subscriber = new ResumingSubscriber({
      pickUrl: () => url,
      query: LOCATION_EVENTS_SUBSCRIPTION,
      field: 'locationEvents',
      variables: { locationId },
      token,
      afterSeq,
    });
    subscribers.push(subscriber);
    return subscriber;
  }

  it('refuses a WebSocket without a credential and a representative of another location, over WebSocket and HTTP', async () => {
    const anonymous = webSocketClient(test.wsUrl);
    const rival = webSocketClient(test.wsUrl, rivalToken);
    const unauthenticated = new Subscriber(anonymous, LOCATION_EVENTS_SUBSCRIPTION, { locationId: DEMO.cafe });
    const forbidden = new Subscriber(rival, LOCATION_EVENTS_SUBSCRIPTION, { locationId: DEMO.cafe });
    await Promise.all([unauthenticated.done, forbidden.done]);
    expect(unauthenticated.errors).toEqual([expect.objectContaining({ extensions: expect.objectContaining({ code: 'UNAUTHENTICATED' }) })]);
    expect(forbidden.errors).toEqual([expect.objectContaining({ extensions: expect.objectContaining({ code: 'FORBIDDEN' }) })]);
    expect([...unauthenticated.items, ...forbidden.items]).toEqual([]);

    expect(errorCode(await graphql(test.url, LOCATION_EVENTS_QUERY, { locationId: DEMO.cafe }))).toBe('UNAUTHENTICATED');
    expect(errorCode(await graphql(test.url, LOCATION_EVENTS_QUERY, { locationId: DEMO.cafe }, rivalToken))).toBe('FORBIDDEN');
    await Promise.all([anonymous.dispose(), rival.dispose()]);
  });

  it("streams the location's sessions opened and closed and its orders placed and moved along, once each and in seq order", async () => {
    const live = panel(GARDEN);
    const first = await openSession(test.url, token, 'Garden 1', GARDEN);
    const second = await openSession(test.url, token, 'Garden 2', GARDEN);
    const lemonade = [{ productId: LEMONADE, quantity: 2 }];
    const placed = await placeOrder(test.url, second.code, lemonade);
    const orderId = placed.data.placeOrder.id;
    expect((await graphql(test.url, SET_ORDER_STATUS, { orderId, status: 'ACCEPTED' }, token)).errors).toBeUndefined();
    expect((await graphql(test.url, CLOSE_SESSION, { code: first.code }, token)).errors).toBeUndefined();

    await live.waitForSeq(5);
    expect(live.errors).toEqual([]);
    expect(live.events).toEqual([
      expect.objectContaining({ __typename: 'SessionOpened', seq: 1, sessionId: first.id, code: first.code, name: 'Garden 1' }),
      expect.objectContaining({ __typename: 'SessionOpened', seq: 2, sessionId: second.id, name: 'Garden 2' }),
      expect.objectContaining({ __typename: 'OrderPlaced', seq: 3, sessionId: second.id, order: expect.objectContaining({ id: orderId, total: '6.00' }) }),
      expect.objectContaining({ __typename: 'OrderStatusChanged', seq: 4, sessionId: second.id, orderId, status: 'ACCEPTED', previousStatus: 'PLACED' }),
      expect.objectContaining({ __typename: 'SessionClosed', seq: 5, sessionId: first.id }),
    ]);
    // The location stream goes on: locations do not close.
    expect(live.completed).toBe(false);
  });

  it('leaves out what happens at other locations', async () => {
    const cafe = panel(DEMO.cafe);
    const rivalSession = await graphql(test.url, `mutation { openSession(locationId: ${DEMO.rivalBistro}, name: "Bistro 1") { code } }`, {}, rivalToken);
    expect(rivalSession.errors).toBeUndefined();
    expect((await placeOrder(test.url, rivalSession.data.openSession.code, [{ productId: DEMO.steakFrites.id, quantity: 1 }])).errors).toBeUndefined();
    const gardenSession = await openSession(test.url, token, 'Garden 3', GARDEN);
    expect((await placeOrder(test.url, gardenSession.code, [{ productId: LEMONADE, quantity: 1 }])).errors).toBeUndefined();

    // The café's own first event arrives after all of that.
    const own = await openSession(test.url, token, 'Cafe 1');
    await cafe.waitForSeq(1);
    expect(cafe.errors).toEqual([]);
    expect(cafe.events).toEqual([expect.objectContaining({ __typename: 'SessionOpened', seq: 1, sessionId: own.id })]);
  });

  it('resumes from afterSeq with exactly the rest of the log, then live events; the HTTP query replays the same', async () => {
    const session = await openSession(test.url, token, 'Cafe resume');
    for (let i = 0; i < 3; i++) expect((await placeOrder(test.url, session.code)).errors).toBeUndefined();
    const replay = await graphql(test.url, LOCATION_EVENTS_QUERY, { locationId: DEMO.cafe }, token);
    const all = replay.data.locationEvents as { seq: number; __typename: string }[];
    expect(all.map((event) => event.seq)).toEqual(all.map((_, index) => index + 1));

    const middle = Math.floor(all.length / 2);
    const resumed = panel(DEMO.cafe, middle);
    await resumed.waitForSeq(all.length);
    expect(resumed.events).toEqual(all.slice(middle).map((event) => expect.objectContaining({ seq: event.seq, __typename: event.__typename })));

    const more = await placeOrder(test.url, session.code);
    await resumed.waitForSeq(all.length + 1);
    expect(resumed.errors).toEqual([]);
    expect(resumed.events.at(-1)).toMatchObject({ __typename: 'OrderPlaced', seq: all.length + 1, order: { id: more.data.placeOrder.id } });
    expect(resumed.seqs).toEqual(Array.from({ length: all.length + 1 - middle }, (_, index) => middle + 1 + index));
  });

  it("refuses an afterSeq past the location's last event", async () => {
    const client = webSocketClient(test.wsUrl, token);
    const tooFar = new Subscriber(client, LOCATION_EVENTS_SUBSCRIPTION, { locationId: GARDEN, afterSeq: 1000 });
    await tooFar.done;
    expect(tooFar.errors).toEqual([expect.objectContaining({ extensions: expect.objectContaining({ code: 'BAD_USER_INPUT' }) })]);
    await client.dispose();
    const replay = await graphql(test.url, LOCATION_EVENTS_QUERY, { locationId: GARDEN, afterSeq: 1000 }, token);
    expect(replay.errors).toEqual([expect.objectContaining({ extensions: expect.objectContaining({ code: 'BAD_USER_INPUT' }) })]);
  });
});

describe('the migration that adds location streams', () => {
  const databaseName = `ordered_test_${randomBytes(6).toString('hex')}`;
  const databaseUrl = `${testDatabaseServerUrl()}/${databaseName}`;
  let orm: MikroORM | undefined;

  beforeAll(async () => {
    await adminQuery(`create database "${databaseName}"`);
  });
  afterAll(async () => {
    await orm?.close();
    await adminQuery(`drop database if exists "${databaseName}" with (force)`);
  });

  it("copies the sessions and events written before it into their locations' logs, oldest first, and continues their counters", async () => {
    orm = await MikroORM.init(ormConfig(databaseUrl));
    const migrator = orm.getMigrator();
    await migrator.up({ to: 'Migration20261125000000_initial' });
    const db = orm.em.getConnection();
    const [t1, t2, t3] = ['2026-11-01T10:00:00Z', '2026-11-01T10:05:00Z', '2026-11-01T10:07:00Z'];
    await db.execute(`insert into sessions (id, code, name, location_id, state, opened_at, closed_at, opened_by, last_seq) values
      ('00000000-0000-4000-8000-000000000001', 'aaaaaa', 'Table 1', 1, 'CLOSED', '${t1}', '${t3}', 1, 2),
      ('00000000-0000-4000-8000-000000000002', 'bbbbbb', 'Table 2', 1, 'OPEN', '${t2}', null, 1, 0),
      ('00000000-0000-4000-8000-000000000003', 'cccccc', 'Garden', 3, 'OPEN', '${t2}', null, 1, 0)`);
    await db.execute(`insert into session_events (session_id, seq, type, payload, at) values
      ('00000000-0000-4000-8000-000000000001', 1, 'OrderPlaced', '{"order":{"id":"x"}}', '2026-11-01T10:06:00Z'),
      ('00000000-0000-4000-8000-000000000001', 2, 'SessionClosed', '{"closedAt":"${t3}"}', '${t3}')`);

    await migrator.up();

    const events = await db.execute(`select location_id, seq, type, session_id from location_events order by location_id, seq`);
    expect(events).toEqual([
      { location_id: 1, seq: 1, type: 'SessionOpened', session_id: '00000000-0000-4000-8000-000000000001' },
      { location_id: 1, seq: 2, type: 'SessionOpened', session_id: '00000000-0000-4000-8000-000000000002' },
      { location_id: 1, seq: 3, type: 'OrderPlaced', session_id: '00000000-0000-4000-8000-000000000001' },
      { location_id: 1, seq: 4, type: 'SessionClosed', session_id: '00000000-0000-4000-8000-000000000001' },
      { location_id: 3, seq: 1, type: 'SessionOpened', session_id: '00000000-0000-4000-8000-000000000003' },
    ]);
    expect(await db.execute(`select location_id, last_seq from location_streams order by location_id`)).toEqual([
      { location_id: 1, last_seq: 4 },
      { location_id: 3, last_seq: 1 },
    ]);
  });
});

async function adminQuery(sql: string): Promise<void> {
  const admin = new Client({ connectionString: `${testDatabaseServerUrl()}/postgres` });
  await admin.connect();
  try {
    await admin.query(sql);
  } finally {
    await admin.end();
  }
}
