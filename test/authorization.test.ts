import { countRows, startTestApp, type TestApp } from './support/test-app';
import { errorCode, graphql, Subscriber, webSocketClient, type GraphQLResponse } from './support/graphql-client';
import { DEMO, login, openSession, placeOrder } from './support/fixtures';
import {
  CLOSE_SESSION,
  LOGOUT,
  MENU,
  MY_LOCATIONS,
  OPEN_SESSION,
  SESSION,
  SESSION_EVENTS_QUERY,
  SESSION_EVENTS_SUBSCRIPTION,
  SESSIONS,
  SET_ORDER_STATUS,
  WHO_AM_I,
} from './support/operations';

const DEMO_RIVAL_ID = 2;

describe('who may do what (DESIGN.md §4)', () => {
  let test: TestApp;
  let token: string;
  let rivalToken: string;
  let tables = 0;

  beforeAll(async () => {
    test = await startTestApp();
    token = await login(test.url);
    rivalToken = await login(test.url, DEMO.rival);
  });
  afterAll(() => test.stop());

  /** A session of the demo café, with one order placed by a customer. */
  async function sessionWithOrder() {
    const session = await openSession(test.url, token, `Table ${++tables}`);
    const placed = await placeOrder(test.url, session.code);
    return { session, order: placed.data.placeOrder as { id: string } };
  }

  async function stateOf(code: string) {
    const read = await graphql(test.url, SESSION, { code });
    return { state: read.data.session.state, statuses: read.data.session.orders.map((order: { status: string }) => order.status) };
  }

  /** Runs one query or mutation over graphql-ws and returns what it answered. */
  async function overWebSocket(connectionToken: string | undefined, query: string, variables: Record<string, unknown> = {}) {
    const client = webSocketClient(test.wsUrl, connectionToken);
    const operation = new Subscriber(client, query, variables);
    await operation.done;
    await client.dispose();
    return { data: operation.items[0], errors: operation.errors as GraphQLResponse['errors'] };
  }

  describe('a customer without a credential', () => {
    it('cannot open a session, and none is written', async () => {
      const before = await countRows(test.databaseUrl, 'sessions');
      const response = await graphql(test.url, OPEN_SESSION, { locationId: DEMO.cafe, name: 'Sneaky table' });
      expect(errorCode(response)).toBe('UNAUTHENTICATED');
      expect(await countRows(test.databaseUrl, 'sessions')).toBe(before);
    });

    it('cannot close a session, which stays open', async () => {
      const { session } = await sessionWithOrder();
      const response = await graphql(test.url, CLOSE_SESSION, { code: session.code });
      expect(errorCode(response)).toBe('UNAUTHENTICATED');
      expect(await stateOf(session.code)).toEqual({ state: 'OPEN', statuses: ['PLACED'] });
    });

    it("cannot list a location's sessions", async () => {
      const response = await graphql(test.url, SESSIONS, { locationId: DEMO.cafe });
      expect(errorCode(response)).toBe('UNAUTHENTICATED');
      expect(response.data).toBeNull();
    });

    it('cannot move an order along, which stays PLACED', async () => {
      const { session, order } = await sessionWithOrder();
      const events = await countRows(test.databaseUrl, 'session_events');
      const response = await graphql(test.url, SET_ORDER_STATUS, { orderId: order.id, status: 'ACCEPTED' });
      expect(errorCode(response)).toBe('UNAUTHENTICATED');
      expect(await stateOf(session.code)).toEqual({ state: 'OPEN', statuses: ['PLACED'] });
      expect(await countRows(test.databaseUrl, 'session_events')).toBe(events);
    });

    it('cannot ask for me or myLocations', async () => {
      expect(errorCode(await graphql(test.url, WHO_AM_I))).toBe('UNAUTHENTICATED');
      expect(errorCode(await graphql(test.url, MY_LOCATIONS))).toBe('UNAUTHENTICATED');
    });
  });

  describe('a customer holding the code', () => {
    it('reads the session and the menu, places an order and follows the events', async () => {
      const session = await openSession(test.url, token, 'Table with a customer');
      const customer = webSocketClient(test.wsUrl);
      const live = new Subscriber(customer, SESSION_EVENTS_SUBSCRIPTION, { code: session.code });

      const read = await graphql(test.url, SESSION, { code: session.code });
      expect(read.data.session).toMatchObject({ code: session.code, state: 'OPEN' });
      const menu = await graphql(test.url, MENU, { code: session.code });
      expect(menu.data.menu.map((product: { id: number }) => product.id)).toContain(DEMO.espresso.id);
      const placed = await placeOrder(test.url, session.code);
      expect(placed.errors).toBeUndefined();

      const [first] = await live.waitFor(1);
      expect(first.sessionEvents).toMatchObject({ __typename: 'OrderPlaced', seq: 1, order: { id: placed.data.placeOrder.id } });
      const replay = await graphql(test.url, SESSION_EVENTS_QUERY, { code: session.code });
      expect(replay.data.sessionEvents).toEqual([expect.objectContaining({ __typename: 'OrderPlaced', seq: 1 })]);
      await customer.dispose();
    });
  });

  describe('the representative of another location', () => {
    it('is FORBIDDEN to open a session there, and none is written', async () => {
      const before = await countRows(test.databaseUrl, 'sessions');
      const response = await graphql(test.url, OPEN_SESSION, { locationId: DEMO.cafe, name: 'Hostile table' }, rivalToken);
      expect(errorCode(response)).toBe('FORBIDDEN');
      expect(await countRows(test.databaseUrl, 'sessions')).toBe(before);
    });

    it('is answered NOT_FOUND to close a session there, as for an unknown code, and it stays open', async () => {
      const { session } = await sessionWithOrder();
      const response = await graphql(test.url, CLOSE_SESSION, { code: session.code }, rivalToken);
      // Not FORBIDDEN: a representative's wrong codes are counted apart from the address's, and
      // an account must not be a way to learn which codes are live.
      expect(errorCode(response)).toBe('NOT_FOUND');
      expect(response.errors?.[0].message).toBe('No session has this code');
      expect(await stateOf(session.code)).toEqual({ state: 'OPEN', statuses: ['PLACED'] });
    });

    it('is FORBIDDEN to move an order there, which stays PLACED', async () => {
      const { session, order } = await sessionWithOrder();
      const response = await graphql(test.url, SET_ORDER_STATUS, { orderId: order.id, status: 'CANCELLED' }, rivalToken);
      expect(errorCode(response)).toBe('FORBIDDEN');
      expect(await stateOf(session.code)).toEqual({ state: 'OPEN', statuses: ['PLACED'] });
    });

    it("is FORBIDDEN to list that location's sessions", async () => {
      const response = await graphql(test.url, SESSIONS, { locationId: DEMO.cafe }, rivalToken);
      expect(errorCode(response)).toBe('FORBIDDEN');
      expect(response.data).toBeNull();
    });
  });

  describe('a credential that does not hold', () => {
    const credentials: [string, () => Promise<string>][] = [
      ['a wrong session key', async () => `1:${'0'.repeat(32)}`],
      ['a malformed Authorization header', async () => 'not a credential'],
      ["another user's id with a valid key", async () => `${DEMO_RIVAL_ID}:${token.split(':')[1]}`],
      [
        'an expired session key',
        async () => {
          const expiring = await login(test.url);
          test.doubles.control.expireSessionKey(expiring.split(':')[1]);
          return expiring;
        },
      ],
    ];

    it.each(credentials)('is UNAUTHENTICATED on HTTP with %s', async (_name, credential) => {
      const presented = await credential();
      const before = await countRows(test.databaseUrl, 'sessions');
      expect(errorCode(await graphql(test.url, SESSIONS, { locationId: DEMO.cafe }, presented))).toBe('UNAUTHENTICATED');
      expect(errorCode(await graphql(test.url, OPEN_SESSION, { locationId: DEMO.cafe, name: 'Table X' }, presented))).toBe('UNAUTHENTICATED');
      expect(errorCode(await graphql(test.url, WHO_AM_I, {}, presented))).toBe('UNAUTHENTICATED');
      expect(await countRows(test.databaseUrl, 'sessions')).toBe(before);
    });

    it.each(credentials)('is UNAUTHENTICATED on WebSocket with %s', async (_name, credential) => {
      const presented = await credential();
      const before = await countRows(test.databaseUrl, 'sessions');
      const listed = await overWebSocket(presented, SESSIONS, { locationId: DEMO.cafe });
      expect(listed.errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
      const opened = await overWebSocket(presented, OPEN_SESSION, { locationId: DEMO.cafe, name: 'Table Y' });
      expect(opened.errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
      expect(await countRows(test.databaseUrl, 'sessions')).toBe(before);
    });

    it('is UNAUTHENTICATED at once on WebSocket with 250 KB of spaces and line breaks, and customer operations still run', async () => {
      const presented = `${' '.repeat(250_000)}1:key\nx`;
      const listed = await overWebSocket(presented, SESSIONS, { locationId: DEMO.cafe });
      expect(listed.errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
      const session = await openSession(test.url, token, 'Table for a padded credential');
      const read = await overWebSocket(presented, SESSION, { code: session.code });
      expect(read.errors).toEqual([]);
      expect(read.data).toMatchObject({ session: { code: session.code } });
    });

    it('still lets a WebSocket serve customer operations', async () => {
      const session = await openSession(test.url, token, 'Table for a confused customer');
      const client = webSocketClient(test.wsUrl, `1:${'0'.repeat(32)}`);
      const live = new Subscriber(client, SESSION_EVENTS_SUBSCRIPTION, { code: session.code });
      const placed = await placeOrder(test.url, session.code);
      const [first] = await live.waitFor(1);
      expect(first.sessionEvents).toMatchObject({ __typename: 'OrderPlaced', seq: 1, order: { id: placed.data.placeOrder.id } });
      expect(live.errors).toEqual([]);
      await client.dispose();
    });
  });

  describe('a signed-in representative', () => {
    it('is told who they are and which locations they own', async () => {
      expect((await graphql(test.url, WHO_AM_I, {}, token)).data).toEqual({ me: { id: 1 } });
      const owned = await graphql(test.url, MY_LOCATIONS, {}, token);
      expect(owned.data.myLocations.map((location: { id: number }) => location.id).sort()).toEqual([1, 3]);
    });

    it('is UNAUTHENTICATED with the same token after logout', async () => {
      const leaving = await login(test.url);
      expect((await graphql(test.url, WHO_AM_I, {}, leaving)).data).toEqual({ me: { id: 1 } });
      expect((await graphql(test.url, LOGOUT, {}, leaving)).data).toEqual({ logout: true });
      expect(errorCode(await graphql(test.url, WHO_AM_I, {}, leaving))).toBe('UNAUTHENTICATED');
      expect(errorCode(await graphql(test.url, SESSIONS, { locationId: DEMO.cafe }, leaving))).toBe('UNAUTHENTICATED');
    });

    it('whose session key expired is refused at once after a logout the verification service refused', async () => {
      const expired = await login(test.url);
      expect((await graphql(test.url, WHO_AM_I, {}, expired)).data).toEqual({ me: { id: 1 } });
      test.doubles.control.expireSessionKey(expired.split(':')[1]);
      // Still verified from the cache until the logout, which the verification service refuses.
      expect((await graphql(test.url, WHO_AM_I, {}, expired)).data).toEqual({ me: { id: 1 } });
      expect(errorCode(await graphql(test.url, LOGOUT, {}, expired))).toBe('UNAUTHENTICATED');
      expect(errorCode(await graphql(test.url, WHO_AM_I, {}, expired))).toBe('UNAUTHENTICATED');
    });
  });
});
