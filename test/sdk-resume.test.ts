import type { WebSocketServer } from 'ws';
import type { Order, SessionEvent } from '../sdk/src';
import { DEMO } from './support/fixtures';
import { Collector, customerClient, representativeClient } from './support/sdk';
import { startTestApp, type TestApp } from './support/test-app';

jest.setTimeout(60_000);

const ESPRESSO = [{ productId: DEMO.espresso.id, quantity: 1 }];

const pause = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** The afterSeq of every sessionEvents subscription the server receives, in arrival order. */
function recordSubscribes(wss: WebSocketServer): number[] {
  const afterSeqs: number[] = [];
  wss.on('connection', (socket) => {
    socket.on('message', (data) => {
      const message = JSON.parse(String(data));
      if (message.type === 'subscribe' && message.payload.query.includes('sessionEvents')) afterSeqs.push(message.payload.variables.afterSeq);
    });
  });
  return afterSeqs;
}

/** Cuts every WebSocket at the server, once `count` are connected; returns how many were cut. */
async function cutSockets(wss: WebSocketServer, count = 1): Promise<number> {
  const deadline = Date.now() + 10_000;
  while (wss.clients.size < count) {
    if (Date.now() > deadline) throw new Error('no WebSocket reconnected within 10 s');
    await pause(10);
  }
  const sockets = [...wss.clients];
  for (const socket of sockets) socket.terminate();
  return sockets.length;
}

/** Holds the subscriber's reconnects back while the test does something first. */
class Gate {
  private open: Promise<void> = Promise.resolve();
  private opener: () => void = () => undefined;

  hold(): void {
    this.open = new Promise((resolve) => (this.opener = resolve));
  }

  release(): void {
    this.opener();
  }

  passed(): Promise<void> {
    return this.open;
  }
}

function expectEveryEventOnceInOrder(events: SessionEvent[], placed: Order[]): void {
  expect(events.map((event) => event.seq)).toEqual(Array.from({ length: placed.length + 1 }, (_, i) => i + 1));
  const orderIds = events.flatMap((event) => (event.__typename === 'OrderPlaced' ? [event.order.id] : []));
  expect(orderIds).toEqual(placed.map((order) => order.id));
  expect(events.at(-1)).toMatchObject({ __typename: 'SessionClosed' });
}

describe('the SDK session subscription across dropped connections', () => {
  let test: TestApp;
  beforeAll(async () => {
    test = await startTestApp();
  });
  afterAll(() => test.stop());

  it('delivers each of 100 orders exactly once and in seq order while its WebSocket is cut three times (session and location streams)', async () => {
    const wss = test.app.webSocketServer;
    const subscribes = recordSubscribes(wss);
    const representative = representativeClient(test);
    const reconnecting = new Gate();
    const customer = customerClient(test, { reconnect: { attempts: 20, wait: () => reconnecting.passed().then(() => pause(20)) } });
    await representative.login(DEMO.representative);
    const { code } = await representative.openSession({ locationId: DEMO.cafe, name: 'Table 100' });

    const subscription = customer.subscribeToSession(code);
    const received = new Collector(subscription);
    const panel = representative.subscribeToLocation(DEMO.cafe);
    const panelReceived = new Collector(panel);
    const placed: Order[] = [];
    let cut = 0;
    for (let i = 1; i <= 100; i++) {
      placed.push(await customer.placeOrder({ code, items: ESPRESSO }));
      if (i % 25 === 0 && i < 100) {
        reconnecting.hold();
        cut += await cutSockets(wss, 2); // the customer's and the representative's
      }
      // Five orders are placed while the subscriber is cut off; then it may reconnect.
      if (i % 25 === 5 && i > 25) reconnecting.release();
    }
    await representative.closeSession(code);
    await received.done;

    expect(cut).toBe(2 * 3);
    expect(received.errors).toEqual([]);
    expectEveryEventOnceInOrder(received.items, placed);
    expect(subscription.lastSeq).toBe(101);

    // The representative's location stream, cut at the same moments, also missed and repeated nothing.
    const locationEvents = await panelReceived.waitFor(102);
    panel.unsubscribe();
    expect(panelReceived.errors).toEqual([]);
    expect(locationEvents.map((event) => event.seq)).toEqual(Array.from({ length: 102 }, (_, i) => i + 1));
    expect(locationEvents[0]).toMatchObject({ __typename: 'SessionOpened', code });
    expect(locationEvents.flatMap((event) => (event.__typename === 'OrderPlaced' ? [event.order.id] : []))).toEqual(placed.map((order) => order.id));
    expect(locationEvents[101]).toMatchObject({ __typename: 'SessionClosed' });
    // It resumed: the first subscribe asked for everything, each later one for what came after
    // the last event it had (so the five placed meanwhile came from the log), never from the start.
    expect(subscribes).toHaveLength(4);
    expect(subscribes[0]).toBe(0);
    for (let i = 1; i < subscribes.length; i++) {
      expect(subscribes[i]).toBeGreaterThan(subscribes[i - 1]);
      expect(subscribes[i]).toBeLessThanOrEqual(25 * i);
    }
    await Promise.all([representative.close(), customer.close()]);
  });

  it('delivers every event exactly once when the instance it is connected to restarts', async () => {
    const representative = representativeClient(test);
    // Reconnects wait until the restarted instance is up and watched.
    const restarting = new Gate();
    restarting.hold();
    const customer = customerClient(test, { reconnect: { attempts: 200, wait: () => restarting.passed().then(() => pause(50)) } });
    await representative.login(DEMO.representative);
    const { code } = await representative.openSession({ locationId: DEMO.cafe, name: 'Table restart' });
    const received = new Collector(customer.subscribeToSession(code));

    const placed: Order[] = [];
    for (let i = 0; i < 10; i++) placed.push(await customer.placeOrder({ code, items: ESPRESSO }));
    await received.waitFor(10);
    const { port } = test.app;
    await test.app.stop();
    const restarted = await test.startAnotherInstance({ port });
    const subscribes = recordSubscribes(restarted.webSocketServer);
    restarting.release();
    for (let i = 0; i < 10; i++) placed.push(await customer.placeOrder({ code, items: ESPRESSO }));
    await representative.closeSession(code);
    await received.done;

    expect(received.errors).toEqual([]);
    expectEveryEventOnceInOrder(received.items, placed);
    expect(subscribes).toHaveLength(1);
    expect(subscribes[0]).toBeGreaterThanOrEqual(10);
    await Promise.all([representative.close(), customer.close()]);
  });
});
