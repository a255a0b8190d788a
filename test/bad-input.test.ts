import { randomUUID } from 'node:crypto';
import { countRows, startTestApp, type TestApp } from './support/test-app';
import { errorCode, graphql, Subscriber, webSocketClient, type GraphQLResponse } from './support/graphql-client';
import { DEMO, login, openSession, placeOrder, type OrderLine } from './support/fixtures';
import { OPEN_SESSION, PLACE_ORDER, SESSION, SESSION_EVENTS_QUERY, SESSION_EVENTS_SUBSCRIPTION, SESSIONS, SET_ORDER_STATUS } from './support/operations';

const TABLES = ['sessions', 'orders', 'order_items', 'session_events'] as const;
const LIFECYCLE = ['PLACED', 'ACCEPTED', 'PREPARING', 'SERVED'];

describe('bad input is refused and writes nothing', () => {
  let test: TestApp;
  let token: string;
  let code: string;
  let tables = 0;

  beforeAll(async () => {
    test = await startTestApp();
    token = await login(test.url);
    code = (await openSession(test.url, token, 'Table for bad input')).code;
  });
  afterAll(() => test.stop());

  async function rowCounts() {
    return Object.fromEntries(await Promise.all(TABLES.map(async (table) => [table, await countRows(test.databaseUrl, table)])));
  }

  /** Sends the request and returns its error code, checking that no table changed. */
  async function refused(request: () => Promise<GraphQLResponse>): Promise<string | undefined> {
    const before = await rowCounts();
    const response = await request();
    expect(response.data ?? null).toBeNull();
    expect(await rowCounts()).toEqual(before);
    return errorCode(response);
  }

  const order = (items: OrderLine[], idempotencyKey: string = randomUUID()) =>
    graphql(test.url, PLACE_ORDER, { code, items, idempotencyKey });

  /** placeOrder over a WebSocket of its own: what it answered. */
  async function placeOverWebSocket(variables: Record<string, unknown>): Promise<GraphQLResponse> {
    const client = webSocketClient(test.wsUrl);
    const placing = new Subscriber(client, PLACE_ORDER, variables);
    await placing.done;
    await client.dispose();
    return { errors: placing.errors.flat() as GraphQLResponse['errors'] };
  }

  /** A new order moved along the lifecycle, one step at a time, to `status`. */
  async function orderWithStatus(status: string) {
    const session = await openSession(test.url, token, `Table ${++tables}`);
    const placed = await placeOrder(test.url, session.code);
    const id: string = placed.data.placeOrder.id;
    const steps = status === 'CANCELLED' ? ['CANCELLED'] : LIFECYCLE.slice(1, LIFECYCLE.indexOf(status) + 1);
    for (const step of steps) {
      const moved = await graphql(test.url, SET_ORDER_STATUS, { orderId: id, status: step }, token);
      expect(moved.data.setOrderStatus.status).toBe(step);
    }
    return { id, code: session.code };
  }

  describe('openSession', () => {
    it.each([
      ['an empty name', ''],
      ['a blank name', '   '],
      ['a 201-character name', 'x'.repeat(201)],
      ['a name with a NUL character', 'Table\u00002'],
      ['a name with half of a surrogate pair', 'Table \ud83d'],
    ])('refuses %s with BAD_USER_INPUT', async (_name, name) => {
      expect(await refused(() => graphql(test.url, OPEN_SESSION, { locationId: DEMO.cafe, name }, token))).toBe('BAD_USER_INPUT');
    });

    it('accepts a 200-character name', async () => {
      const name = 'x'.repeat(200);
      const response = await graphql(test.url, OPEN_SESSION, { locationId: DEMO.cafe, name }, token);
      expect(response.errors).toBeUndefined();
      expect(response.data.openSession.name).toBe(name);
    });
  });

  describe('placeOrder', () => {
    it.each<[string, OrderLine[]]>([
      ['a quantity of 0', [{ productId: DEMO.espresso.id, quantity: 0 }]],
      ['a quantity of 100', [{ productId: DEMO.espresso.id, quantity: 100 }]],
      ['a 501-character note', [{ productId: DEMO.espresso.id, quantity: 1, note: 'n'.repeat(501) }]],
      ['a note with a NUL character', [{ productId: DEMO.espresso.id, quantity: 1, note: 'no\u0000sugar' }]],
      ['a note with half of a surrogate pair', [{ productId: DEMO.espresso.id, quantity: 1, note: 'no sugar \udc00' }]],
      ['an empty list of items', []],
    ])('refuses %s with BAD_USER_INPUT', async (_name, items) => {
      expect(await refused(() => order(items))).toBe('BAD_USER_INPUT');
    });

    it('refuses a 101-character idempotency key with BAD_USER_INPUT', async () => {
      expect(await refused(() => order([{ productId: DEMO.espresso.id, quantity: 1 }], 'k'.repeat(101)))).toBe('BAD_USER_INPUT');
    });

    it('refuses an idempotency key of only white space with BAD_USER_INPUT', async () => {
      expect(await refused(() => order([{ productId: DEMO.espresso.id, quantity: 1 }], ' \t '))).toBe('BAD_USER_INPUT');
    });

    it('refuses an idempotency key with a NUL character with BAD_USER_INPUT', async () => {
      expect(await refused(() => order([{ productId: DEMO.espresso.id, quantity: 1 }], 'key\u00001'))).toBe('BAD_USER_INPUT');
    });

    it('refuses an idempotency key with half of a surrogate pair with BAD_USER_INPUT', async () => {
      expect(await refused(() => order([{ productId: DEMO.espresso.id, quantity: 1 }], 'key\ud800'))).toBe('BAD_USER_INPUT');
    });

    it('counts characters as they are stored: a name, a note and a key at their limits in emoji, and a note over it only in trailing white space', async () => {
      const name = '\u{1F37A}'.repeat(200);
      const opened = await graphql(test.url, OPEN_SESSION, { locationId: DEMO.cafe, name }, token);
      expect(opened.errors).toBeUndefined();
      expect(opened.data.openSession.name).toBe(name);
      const note = '\u{1F95B}'.repeat(500);
      const items = [
        { productId: DEMO.espresso.id, quantity: 1, note },
        { productId: DEMO.espresso.id, quantity: 1, note: `${'n'.repeat(500)}\n\n` },
      ];
      const placed = await graphql(test.url, PLACE_ORDER, { code: opened.data.openSession.code, items, idempotencyKey: '\u{1F511}'.repeat(100) });
      expect(placed.errors).toBeUndefined();
      expect(placed.data.placeOrder.items.map((item: { note: string }) => item.note)).toEqual([note, 'n'.repeat(500)]);
    });

    it('takes names, notes and keys with characters outside the Basic Multilingual Plane', async () => {
      const name = 'Table \u{1F37A}';
      const opened = await graphql(test.url, OPEN_SESSION, { locationId: DEMO.cafe, name }, token);
      expect(opened.data.openSession.name).toBe(name);
      const note = 'no \u{1F95B}';
      const placed = await graphql(test.url, PLACE_ORDER, {
        code: opened.data.openSession.code,
        items: [{ productId: DEMO.espresso.id, quantity: 1, note }],
        idempotencyKey: 'key \u{1F511}',
      });
      expect(placed.data.placeOrder.items[0].note).toBe(note);
    });

    it('answers an unknown code and a malformed code alike, with NOT_FOUND', async () => {
      const withCode = (orderCode: string) =>
        graphql(test.url, PLACE_ORDER, { code: orderCode, items: [{ productId: DEMO.espresso.id, quantity: 1 }], idempotencyKey: randomUUID() });
      const before = await rowCounts();
      const unknown = await withCode('abcdef');
      const malformed = await withCode('xyz!');
      expect(await rowCounts()).toEqual(before);
      expect(errorCode(unknown)).toBe('NOT_FOUND');
      expect(malformed.errors?.[0].message).toBe(unknown.errors?.[0].message);
      expect(malformed.errors?.[0].extensions).toEqual(unknown.errors?.[0].extensions);
    });

    it('refuses a variable of the wrong type with BAD_USER_INPUT, over HTTP and WebSocket', async () => {
      const variables = () => ({ code, items: [{ productId: DEMO.espresso.id, quantity: 'two' }], idempotencyKey: randomUUID() });
      expect(await refused(() => graphql(test.url, PLACE_ORDER, variables()))).toBe('BAD_USER_INPUT');
      expect(await refused(() => placeOverWebSocket(variables()))).toBe('BAD_USER_INPUT');
    });

    it.each([
      ['a list of 101 items', { items: Array.from({ length: 101 }, () => ({ productId: DEMO.espresso.id, quantity: 1 })) }, 'A list in the variables has at most 100 items'],
      [
        'an item of 21 fields',
        { items: [{ productId: DEMO.espresso.id, quantity: 1, ...Object.fromEntries(Array.from({ length: 19 }, (_, i) => [`extra${i}`, 1])) }] },
        'An object in the variables has at most 20 fields',
      ],
      ['a note of 1,025 characters', { items: [{ productId: DEMO.espresso.id, quantity: 1, note: 'n'.repeat(1025) }] }, 'A string in the variables has at most 1024 characters'],
    ])('refuses %s with BAD_USER_INPUT before reading it, over HTTP and WebSocket', async (_case, shape, message) => {
      const variables = () => ({ code, idempotencyKey: randomUUID(), ...shape });
      const overHttp = await graphql(test.url, PLACE_ORDER, variables());
      expect(overHttp.errors?.[0]).toMatchObject({ message, extensions: { code: 'BAD_USER_INPUT' } });
      const refusedOverWebSocket = await placeOverWebSocket(variables());
      expect(refusedOverWebSocket.errors?.[0]).toMatchObject({ message, extensions: { code: 'BAD_USER_INPUT' } });
      expect(await refused(() => graphql(test.url, PLACE_ORDER, variables()))).toBe('BAD_USER_INPUT');
    });
  });

  describe('setOrderStatus', () => {
    it('refuses an order id that is not a uuid with BAD_USER_INPUT', async () => {
      const response = () => graphql(test.url, SET_ORDER_STATUS, { orderId: 'not-a-uuid', status: 'ACCEPTED' }, token);
      expect(await refused(response)).toBe('BAD_USER_INPUT');
    });

    it('answers an unknown order id with NOT_FOUND', async () => {
      const response = () => graphql(test.url, SET_ORDER_STATUS, { orderId: randomUUID(), status: 'ACCEPTED' }, token);
      expect(await refused(response)).toBe('NOT_FOUND');
    });

    it.each([
      ['SERVED', 'PREPARING'],
      ['CANCELLED', 'ACCEPTED'],
      ['PLACED', 'PREPARING'],
      ['PLACED', 'SERVED'],
      ['ACCEPTED', 'SERVED'],
    ])('refuses %s → %s with CONFLICT and leaves the order as it was', async (from, to) => {
      const { id, code: orderCode } = await orderWithStatus(from);
      expect(await refused(() => graphql(test.url, SET_ORDER_STATUS, { orderId: id, status: to }, token))).toBe('CONFLICT');
      const read = await graphql(test.url, SESSION, { code: orderCode });
      expect(read.data.session.orders).toEqual([expect.objectContaining({ id, status: from })]);
    });

    it('accepts the same status again and records no new event', async () => {
      const { id, code: orderCode } = await orderWithStatus('ACCEPTED');
      const before = await rowCounts();
      const again = await graphql(test.url, SET_ORDER_STATUS, { orderId: id, status: 'ACCEPTED' }, token);
      expect(again.errors).toBeUndefined();
      expect(again.data.setOrderStatus).toEqual({ id, status: 'ACCEPTED' });
      expect(await rowCounts()).toEqual(before);
      const events = await graphql(test.url, SESSION_EVENTS_QUERY, { code: orderCode });
      expect(events.data.sessionEvents.map((event: { __typename: string }) => event.__typename)).toEqual(['OrderPlaced', 'OrderStatusChanged']);
    });
  });

  describe('sessions', () => {
    const cursor = (openedAt: unknown, id: string) => Buffer.from(JSON.stringify([openedAt, id])).toString('base64url');

    it.each<[string, Record<string, unknown>]>([
      ['first: 0', { first: 0 }],
      ['first: 101', { first: 101 }],
      ['a garbage cursor', { after: 'garbage!' }],
      ['a cursor whose id is no uuid', { after: cursor('2026-01-01T00:00:00.000Z', '-'.repeat(36)) }],
      ['a cursor from the year 275000', { after: cursor('+275000-01-01T00:00:00.000Z', randomUUID()) }],
    ])('refuses %s with BAD_USER_INPUT', async (_name, page) => {
      const response = () => graphql(test.url, SESSIONS, { locationId: DEMO.cafe, ...page }, token);
      expect(await refused(response)).toBe('BAD_USER_INPUT');
    });
  });

  describe('an argument with a default, sent as null by a nullable variable', () => {
    it('reads afterSeq: null as 0, in the replay query and in the subscription', async () => {
      const session = await openSession(test.url, token, `Table ${++tables}`);
      await placeOrder(test.url, session.code);
      const replay = await graphql(test.url, SESSION_EVENTS_QUERY, { code: session.code, afterSeq: null });
      expect(replay.errors).toBeUndefined();
      expect(replay.data.sessionEvents.map((event: { seq: number }) => event.seq)).toEqual([1]);

      const client = webSocketClient(test.wsUrl);
      const live = new Subscriber(client, SESSION_EVENTS_SUBSCRIPTION, { code: session.code, afterSeq: null });
      const [first] = await live.waitFor(1);
      expect(live.errors).toEqual([]);
      expect(first.sessionEvents.seq).toBe(1);
      await client.dispose();
    });

    it('reads first: null as 20', async () => {
      const page = await graphql(test.url, SESSIONS, { locationId: DEMO.cafe, first: null }, token);
      expect(page.errors).toBeUndefined();
      expect(page.data.sessions.nodes.length).toBeGreaterThan(0);
      expect(page.data.sessions.nodes.length).toBeLessThanOrEqual(20);
    });
  });
});
