import { OrderedError, type SessionEvent } from '../sdk/src';
import { DEMO } from './support/fixtures';
import { Collector, customerClient, representativeClient } from './support/sdk';
import { countRows, startTestApp, type TestApp } from './support/test-app';

describe('the workflow of a table, end to end (through the SDK)', () => {
  let test: TestApp;
  beforeAll(async () => {
    test = await startTestApp({ joinUrlBase: 'https://order.example/join' });
  });
  afterAll(() => test.stop());

  it('carries a session from opening through orders to closing, live to every subscriber', async () => {
    const representative = representativeClient(test);
    const customer = customerClient(test);
    await representative.login(DEMO.representative);
    const opened = await representative.openSession({ locationId: DEMO.cafe, name: 'Table 2' });
    expect(opened).toMatchObject({ name: 'Table 2' });
    expect(opened.code).toMatch(/^[0-9a-f]{6}$/);

    const panelEvents = new Collector<SessionEvent>(representative.subscribeToSession(opened.code));
    const customerEvents = new Collector<SessionEvent>(customer.subscribeToSession(opened.code));

    const qr = await representative.qrCode(opened.code);
    expect(qr.content).toBe(`https://order.example/join/${opened.code}`);
    expect(qr.svg).toContain('<svg');
    expect(qr.dataUri).toMatch(/^data:image\/svg\+xml;base64,/);

    const { menu } = await customer.join(opened.code);
    expect(menu.map((product) => product.id)).toEqual(expect.arrayContaining([1, 2, 3]));

    const order = await customer.placeOrder({
      code: opened.code,
      items: [
        { productId: DEMO.espresso.id, quantity: 2 },
        { productId: DEMO.croissant.id, quantity: 1, note: 'warm, please' },
      ],
    });
    expect(order).toMatchObject({ status: 'PLACED', total: '6.90' });
    expect(order.items).toEqual([
      { productId: 1, name: 'Espresso', unitPrice: '2.40', quantity: 2, note: null, lineTotal: '4.80' },
      { productId: 3, name: 'Croissant', unitPrice: '2.10', quantity: 1, note: 'warm, please', lineTotal: '2.10' },
    ]);

    for (const subscriber of [panelEvents, customerEvents]) {
      const [first] = await subscriber.waitFor(1);
      expect(first).toMatchObject({
        __typename: 'OrderPlaced',
        seq: 1,
        order: { id: order.id, total: '6.90', items: [{ unitPrice: '2.40', quantity: 2 }, { unitPrice: '2.10', quantity: 1 }] },
      });
    }

    const listed = await representative.session(opened.code);
    expect(listed.orders).toEqual([expect.objectContaining({ id: order.id, status: 'PLACED', total: '6.90' })]);

    for (const status of ['ACCEPTED', 'PREPARING', 'SERVED'] as const) {
      const moved = await representative.setOrderStatus({ orderId: order.id, status });
      expect(moved).toEqual({ id: order.id, status });
    }
    for (const subscriber of [panelEvents, customerEvents]) {
      const events = await subscriber.waitFor(4);
      expect(events.slice(1)).toEqual([
        expect.objectContaining({ __typename: 'OrderStatusChanged', seq: 2, orderId: order.id, status: 'ACCEPTED', previousStatus: 'PLACED' }),
        expect.objectContaining({ __typename: 'OrderStatusChanged', seq: 3, status: 'PREPARING', previousStatus: 'ACCEPTED' }),
        expect.objectContaining({ __typename: 'OrderStatusChanged', seq: 4, status: 'SERVED', previousStatus: 'PREPARING' }),
      ]);
    }

    const closed = await representative.closeSession(opened.code);
    expect(closed).toMatchObject({ state: 'CLOSED', lastSeq: 5 });
    for (const subscriber of [panelEvents, customerEvents]) {
      await subscriber.done;
      expect(subscriber.items.map((event) => event.seq)).toEqual([1, 2, 3, 4, 5]);
      expect(subscriber.items[4]).toMatchObject({ __typename: 'SessionClosed', seq: 5 });
      expect(subscriber.errors).toEqual([]);
    }

    const ordersBefore = await countRows(test.databaseUrl, 'orders');
    const late = customer.placeOrder({ code: opened.code, items: [{ productId: DEMO.espresso.id, quantity: 1 }] });
    await expect(late).rejects.toBeInstanceOf(OrderedError);
    await expect(late).rejects.toMatchObject({ code: 'SESSION_CLOSED' });
    expect(await countRows(test.databaseUrl, 'orders')).toBe(ordersBefore);
    expect(await countRows(test.databaseUrl, 'session_events')).toBe(5);

    const sessions = await representative.sessions({ locationId: DEMO.cafe });
    expect(sessions.nodes).toEqual([expect.objectContaining({ code: opened.code, state: 'CLOSED' })]);
    await Promise.all([representative.close(), customer.close()]);
  });

  it('keeps the subscribers of one session free of every other session', async () => {
    const representative = representativeClient(test);
    const customer = customerClient(test);
    await representative.login(DEMO.representative);
    const watched = await representative.openSession({ locationId: DEMO.cafe, name: 'Table 7' });
    const other = await representative.openSession({ locationId: DEMO.cafe, name: 'Table 8' });
    const watching = new Collector(customer.subscribeToSession(watched.code));
    const watchingOther = new Collector(customer.subscribeToSession(other.code));

    for (let i = 0; i < 3; i++) await customer.placeOrder({ code: other.code, items: [{ productId: DEMO.espresso.id, quantity: 1 }] });
    await representative.closeSession(other.code);
    await watchingOther.done;
    expect(watchingOther.items).toHaveLength(4);

    // The watched session's own first event arrives after everything of the other session.
    await customer.placeOrder({ code: watched.code, items: [{ productId: DEMO.espresso.id, quantity: 1 }] });
    const [only] = await watching.waitFor(1);
    expect(only).toMatchObject({ __typename: 'OrderPlaced', seq: 1 });
    expect(watching.items).toHaveLength(1);
    await Promise.all([representative.close(), customer.close()]);
  });
});
