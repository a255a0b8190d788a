import { isOrderedError, OrderedError, type SessionEvent } from '../sdk/src';
import { DEMO } from './support/fixtures';
import { graphql } from './support/graphql-client';
import { LOCATION_EVENTS_QUERY } from './support/operations';
import { Collector, customerClient, representativeClient } from './support/sdk';
import { startTestApp, type TestApp } from './support/test-app';

const ESPRESSO = [{ productId: DEMO.espresso.id, quantity: 1 }];

async function failureOf(promise: Promise<unknown>): Promise<OrderedError> {
  const failure = await promise.then(
    () => undefined,
    (error: unknown) => error,
  );
  if (!(failure instanceof OrderedError)) throw new Error(`expected an OrderedError, got ${String(failure)}`);
  return failure;
}

describe('the SDK clients', () => {
  let test: TestApp;
  beforeAll(async () => {
    test = await startTestApp();
  });
  afterAll(() => test.stop());

  describe('errors', () => {
    it("surface as OrderedError with the service's extensions.code", async () => {
      const representative = representativeClient(test);
      const customer = customerClient(test);

      const unauthenticated = await failureOf(representative.myLocations());
      expect(unauthenticated.code).toBe('UNAUTHENTICATED');
      expect(unauthenticated.extensions.code).toBe('UNAUTHENTICATED');
      expect(unauthenticated.errors[0].message).toEqual(expect.any(String));

      expect((await failureOf(customer.join('000000'))).code).toBe('NOT_FOUND');

      await representative.login(DEMO.representative);
      await representative.openSession({ locationId: DEMO.cafe, name: 'Table twice' });
      const conflict = await failureOf(representative.openSession({ locationId: DEMO.cafe, name: 'Table twice' }));
      expect(isOrderedError(conflict, 'CONFLICT')).toBe(true);
      expect((await failureOf(representative.openSession({ locationId: DEMO.rivalBistro, name: 'Table 1' }))).code).toBe('FORBIDDEN');

      const badLogin = await failureOf(representative.login({ username: 'demo', password: 'wrong' }));
      expect(badLogin.code).toBe('UNAUTHENTICATED');
    });

    it('end a session subscription with the OrderedError the service gave', async () => {
      const customer = customerClient(test);
      const events = new Collector(customer.subscribeToSession('000000'));
      await events.done;
      expect(events.items).toEqual([]);
      expect(events.errors).toEqual([expect.objectContaining({ name: 'OrderedError', code: 'NOT_FOUND' })]);
      await customer.close();
    });

    it('report a service that cannot be reached as NETWORK_ERROR', async () => {
      const customer = customerClient({ url: 'http://127.0.0.1:9/graphql', wsUrl: 'ws://127.0.0.1:9/graphql' }, { placeOrderRetry: { retries: 1, delayMs: () => 1 } });
      const failure = await failureOf(customer.placeOrder({ code: 'abc123', items: ESPRESSO }));
      expect(failure.code).toBe('NETWORK_ERROR');
      expect(failure.idempotencyKey).toEqual(expect.any(String));
    });
  });

  it('signs the representative in and out, lists locations, and pages through sessions', async () => {
    const representative = representativeClient(test);
    const credential = await representative.login(DEMO.representative);
    expect(representative.token).toBe(credential.token);
    expect((await representative.myLocations()).map((location) => location.id)).toEqual(expect.arrayContaining([DEMO.cafe]));

    const names = ['Page A', 'Page B', 'Page C', 'Page D', 'Page E'];
    for (const name of names) await representative.openSession({ locationId: 3, name });
    const first = await representative.sessions({ locationId: 3, first: 2 });
    expect(first.nodes.map((session) => session.name)).toEqual(['Page E', 'Page D']);
    expect(first.pageInfo.hasNextPage).toBe(true);
    const second = await representative.sessions({ locationId: 3, first: 2, after: first.pageInfo.endCursor });
    expect(second.nodes.map((session) => session.name)).toEqual(['Page C', 'Page B']);
    const all: string[] = [];
    for await (const session of representative.allSessions({ locationId: 3, first: 2 })) all.push(session.name);
    expect(all).toEqual([...names].reverse());

    // A client restored from a kept token works the same.
    const restored = representativeClient(test, { token: representative.token });
    expect((await restored.myLocations()).length).toBeGreaterThan(0);

    await representative.logout();
    expect(representative.token).toBeUndefined();
    expect((await failureOf(representative.myLocations())).code).toBe('UNAUTHENTICATED');
    expect((await failureOf(restored.myLocations())).code).toBe('UNAUTHENTICATED');
  });

  it('lets a customer join, then follow on from the state it joined with, by callbacks', async () => {
    const representative = representativeClient(test);
    const customer = customerClient(test);
    await representative.login(DEMO.representative);
    const { code } = await representative.openSession({ locationId: DEMO.cafe, name: 'Table callbacks' });
    const earlier = await customer.placeOrder({ code, items: ESPRESSO });

    const joined = await customer.join(code);
    expect(joined.session).toMatchObject({ code, state: 'OPEN', lastSeq: 1, orders: [{ id: earlier.id }] });
    expect(joined.menu.map((product) => product.id)).toEqual(expect.arrayContaining([DEMO.espresso.id]));

    const seen: SessionEvent[] = [];
    const errors: OrderedError[] = [];
    const ended = new Promise<void>((resolve) => {
      customer.subscribeToSession(code, { afterSeq: joined.session.lastSeq, onEvent: (event) => void seen.push(event), onError: (error) => errors.push(error), onEnd: resolve });
    });
    const later = await customer.placeOrder({ code, items: ESPRESSO });
    await representative.setOrderStatus({ orderId: later.id, status: 'CANCELLED' });
    await representative.closeSession(code);
    await ended;

    expect(errors).toEqual([]);
    expect(seen).toEqual([
      expect.objectContaining({ __typename: 'OrderPlaced', seq: 2, order: expect.objectContaining({ id: later.id }) }),
      expect.objectContaining({ __typename: 'OrderStatusChanged', seq: 3, orderId: later.id, status: 'CANCELLED', previousStatus: 'PLACED' }),
      expect.objectContaining({ __typename: 'SessionClosed', seq: 4 }),
    ]);
    await customer.close();
  });

  it('keeps a panel subscription going through login (the WebSocket reconnects with the credential)', async () => {
    const representative = representativeClient(test);
    const customer = customerClient(test);
    const opener = representativeClient(test);
    await opener.login(DEMO.representative);
    const { code } = await opener.openSession({ locationId: DEMO.cafe, name: 'Table relogin' });

    const connectionInits: Record<string, unknown>[] = [];
    test.app.webSocketServer.on('connection', (socket) =>
      socket.on('message', (data) => {
        const message = JSON.parse(String(data));
        if (message.type === 'connection_init') connectionInits.push(message.payload ?? {});
      }),
    );
    const subscription = representative.subscribeToSession(code);
    const events = new Collector(subscription);
    await customer.placeOrder({ code, items: ESPRESSO });
    await events.waitFor(1);
    await representative.login(DEMO.representative);
    await customer.placeOrder({ code, items: ESPRESSO });
    await representative.closeSession(code);
    await events.done;

    expect(events.errors).toEqual([]);
    expect(events.items.map((event) => event.seq)).toEqual([1, 2, 3]);
    expect(subscription.lastSeq).toBe(3);
    expect(connectionInits).toEqual([{}, { authorization: `Bearer ${representative.token}` }]);
    await representative.close();
  });

  it("gives the representative a location's stream, and refuses a location of someone else", async () => {
    const representative = representativeClient(test);
    const customer = customerClient(test);
    await representative.login(DEMO.representative);
    const panel = representative.subscribeToLocation(DEMO.cafe);
    const events = new Collector(panel);

    const { id, code } = await representative.openSession({ locationId: DEMO.cafe, name: 'Table panel' });
    const order = await customer.placeOrder({ code, items: ESPRESSO });
    await representative.setOrderStatus({ orderId: order.id, status: 'ACCEPTED' });
    await representative.closeSession(code);
    await events.waitUntil((items) => items.some((event) => event.sessionId === id && event.__typename === 'SessionClosed'));
    panel.unsubscribe();
    await events.done;

    expect(events.errors).toEqual([]);
    expect(events.items.map((event) => event.seq)).toEqual(events.items.map((_, i) => i + 1));
    expect(events.items.filter((event) => event.sessionId === id)).toEqual([
      expect.objectContaining({ __typename: 'SessionOpened', code, name: 'Table panel' }),
      expect.objectContaining({ __typename: 'OrderPlaced', order: expect.objectContaining({ id: order.id }) }),
      expect.objectContaining({ __typename: 'OrderStatusChanged', orderId: order.id, status: 'ACCEPTED' }),
      expect.objectContaining({ __typename: 'SessionClosed' }),
    ]);

    const rival = new Collector(representative.subscribeToLocation(DEMO.rivalBistro));
    await rival.done;
    expect(rival.errors).toEqual([expect.objectContaining({ code: 'FORBIDDEN' })]);
    await representative.close();
  });

  it("starts an order panel from its page of sessions: the location's stream goes on from the page's locationLastSeq, without its history", async () => {
    const representative = representativeClient(test);
    const customer = customerClient(test);
    await representative.login(DEMO.representative);
    const rival = representativeClient(test);
    await rival.login(DEMO.rival);
    expect((await rival.sessions({ locationId: DEMO.rivalBistro, state: 'OPEN' })).locationLastSeq).toBe(0);

    const before = await representative.openSession({ locationId: DEMO.beerGarden, name: 'Table history' });
    await customer.placeOrder({ code: before.code, items: [{ productId: 201, quantity: 1 }] });
    const page = await representative.sessions({ locationId: DEMO.beerGarden, state: 'OPEN', first: 100 });
    const history = await graphql(test.url, LOCATION_EVENTS_QUERY, { locationId: DEMO.beerGarden }, representative.token);
    expect(page.locationLastSeq).toBe(history.data.locationEvents.at(-1).seq);
    expect(page.nodes.map((session) => session.code)).toContain(before.code);

    const events = new Collector(representative.subscribeToLocation(DEMO.beerGarden, { afterSeq: page.locationLastSeq }));
    const after = await representative.openSession({ locationId: DEMO.beerGarden, name: 'Table after the page' });
    await events.waitUntil((items) => items.length > 0);
    await representative.close();

    expect(events.errors).toEqual([]);
    expect(events.items).toEqual([expect.objectContaining({ __typename: 'SessionOpened', seq: page.locationLastSeq + 1, sessionId: after.id })]);
  });

  it('stops a subscription when the reader stops', async () => {
    const representative = representativeClient(test);
    const customer = customerClient(test);
    await representative.login(DEMO.representative);
    const { code } = await representative.openSession({ locationId: DEMO.cafe, name: 'Table early leave' });
    await customer.placeOrder({ code, items: ESPRESSO });
    await customer.placeOrder({ code, items: ESPRESSO });

    const subscription = customer.subscribeToSession(code);
    const read: number[] = [];
    for await (const event of subscription) {
      read.push(event.seq);
      break;
    }
    expect(read).toEqual([1]);
    expect(subscription.lastSeq).toBe(1);
    await customer.close();
  });
});
