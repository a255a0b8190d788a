import { countRows, startTestApp, type TestApp } from './support/test-app';
import { errorCode, graphql, Subscriber, webSocketClient } from './support/graphql-client';
import { DEMO, login, openSession, placeOrder } from './support/fixtures';
import { CLOSE_SESSION, MENU, SESSION, SESSION_EVENTS_SUBSCRIPTION, SESSION_QR, SESSIONS, SET_ORDER_STATUS } from './support/operations';

describe('the workflow of a table, end to end', () => {
  let test: TestApp;
  beforeAll(async () => {
    test = await startTestApp({ joinUrlBase: 'https://order.example/join' });
  });
  afterAll(() => test.stop());

  it('carries a session from opening through orders to closing, live to every subscriber', async () => {
    const token = await login(test.url);
    const opened = await openSession(test.url, token, 'Table 2');
    expect(opened).toMatchObject({ name: 'Table 2' });
    expect(opened.code).toMatch(/^[0-9a-f]{6}$/);

    const panel = webSocketClient(test.wsUrl, token);
    const customer = webSocketClient(test.wsUrl);
    const panelEvents = new Subscriber(panel, SESSION_EVENTS_SUBSCRIPTION, { code: opened.code });
    const customerEvents = new Subscriber(customer, SESSION_EVENTS_SUBSCRIPTION, { code: opened.code });

    const qr = await graphql(test.url, SESSION_QR, { code: opened.code }, token);
    expect(qr.data.session.qrCode.content).toBe(`https://order.example/join/${opened.code}`);
    expect(qr.data.session.qrCode.svg).toContain('<svg');
    expect(qr.data.session.qrCode.dataUri).toMatch(/^data:image\/svg\+xml;base64,/);

    const menu = await graphql(test.url, MENU, { code: opened.code });
    expect(menu.data.menu.map((product: { id: number }) => product.id)).toEqual(expect.arrayContaining([1, 2, 3]));

    const placed = await placeOrder(test.url, opened.code, [
      { productId: DEMO.espresso.id, quantity: 2 },
      { productId: DEMO.croissant.id, quantity: 1, note: 'warm, please' },
    ]);
    expect(placed.errors).toBeUndefined();
    const order = placed.data.placeOrder;
    expect(order).toMatchObject({ status: 'PLACED', total: '6.90' });
    expect(order.items).toEqual([
      { productId: 1, name: 'Espresso', unitPrice: '2.40', quantity: 2, note: null, lineTotal: '4.80' },
      { productId: 3, name: 'Croissant', unitPrice: '2.10', quantity: 1, note: 'warm, please', lineTotal: '2.10' },
    ]);

    for (const subscriber of [panelEvents, customerEvents]) {
      const [first] = await subscriber.waitFor(1);
      expect(first.sessionEvents).toMatchObject({
        __typename: 'OrderPlaced',
        seq: 1,
        order: { id: order.id, total: '6.90', items: [{ unitPrice: '2.40', quantity: 2 }, { unitPrice: '2.10', quantity: 1 }] },
      });
    }

    const listed = await graphql(test.url, SESSION, { code: opened.code }, token);
    expect(listed.data.session.orders).toEqual([expect.objectContaining({ id: order.id, status: 'PLACED', total: '6.90' })]);

    for (const status of ['ACCEPTED', 'PREPARING', 'SERVED']) {
      const moved = await graphql(test.url, SET_ORDER_STATUS, { orderId: order.id, status }, token);
      expect(moved.data.setOrderStatus).toEqual({ id: order.id, status });
    }
    for (const subscriber of [panelEvents, customerEvents]) {
      const events = (await subscriber.waitFor(4)).map((item) => item.sessionEvents);
      expect(events.slice(1)).toEqual([
        expect.objectContaining({ __typename: 'OrderStatusChanged', seq: 2, orderId: order.id, status: 'ACCEPTED', previousStatus: 'PLACED' }),
        expect.objectContaining({ __typename: 'OrderStatusChanged', seq: 3, status: 'PREPARING', previousStatus: 'ACCEPTED' }),
        expect.objectContaining({ __typename: 'OrderStatusChanged', seq: 4, status: 'SERVED', previousStatus: 'PREPARING' }),
      ]);
    }

    const closed = await graphql(test.url, CLOSE_SESSION, { code: opened.code }, token);
    expect(closed.data.closeSession).toMatchObject({ state: 'CLOSED', lastSeq: 5 });
    for (const subscriber of [panelEvents, customerEvents]) {
      await subscriber.done;
      expect(subscriber.items.map((item) => item.sessionEvents.seq)).toEqual([1, 2, 3, 4, 5]);
      expect(subscriber.items[4].sessionEvents).toMatchObject({ __typename: 'SessionClosed', seq: 5 });
      expect(subscriber.errors).toEqual([]);
    }

    const ordersBefore = await countRows(test.databaseUrl, 'orders');
    const late = await placeOrder(test.url, opened.code);
    expect(errorCode(late)).toBe('SESSION_CLOSED');
    expect(await countRows(test.databaseUrl, 'orders')).toBe(ordersBefore);
    expect(await countRows(test.databaseUrl, 'session_events')).toBe(5);

    const sessions = await graphql(test.url, SESSIONS, { locationId: DEMO.cafe }, token);
    expect(sessions.data.sessions.nodes).toEqual([expect.objectContaining({ code: opened.code, state: 'CLOSED' })]);
    await Promise.all([panel.dispose(), customer.dispose()]);
  });

  it('keeps the subscribers of one session free of every other session', async () => {
    const token = await login(test.url);
    const watched = await openSession(test.url, token, 'Table 7');
    const other = await openSession(test.url, token, 'Table 8');
    const client = webSocketClient(test.wsUrl);
    const watching = new Subscriber(client, SESSION_EVENTS_SUBSCRIPTION, { code: watched.code });
    const watchingOther = new Subscriber(client, SESSION_EVENTS_SUBSCRIPTION, { code: other.code });

    for (let i = 0; i < 3; i++) expect((await placeOrder(test.url, other.code)).errors).toBeUndefined();
    await graphql(test.url, CLOSE_SESSION, { code: other.code }, token);
    await watchingOther.done;
    expect(watchingOther.items).toHaveLength(4);

    // The watched session's own first event arrives after everything of the other session.
    await placeOrder(test.url, watched.code);
    const [only] = await watching.waitFor(1);
    expect(only.sessionEvents).toMatchObject({ __typename: 'OrderPlaced', seq: 1 });
    expect(watching.items).toHaveLength(1);
    await client.dispose();
  });
});
