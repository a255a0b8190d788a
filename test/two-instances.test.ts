import type { App } from '../src/app';
import { login, openSession, placeOrder } from './support/fixtures';
import { graphql, Subscriber, webSocketClient } from './support/graphql-client';
import { CLOSE_SESSION, SESSION_EVENTS_SUBSCRIPTION, SET_ORDER_STATUS } from './support/operations';
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
});
