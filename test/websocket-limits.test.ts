import WebSocket from 'ws';
import { MAX_UNSENT_BYTES } from '../src/server/bounded-websocket';
import { LARGE_OPERATIONS_PER_CLIENT, LARGE_OPERATIONS_WAITING_PER_CLIENT } from '../src/server/large-operations';
import { MAX_OPERATIONS_PER_SOCKET, MAX_SUBSCRIPTION_MESSAGE_BYTES } from '../src/server/websocket';
import { DEMO, login, openSession, placeOrder } from './support/fixtures';
import { Subscriber, webSocketClient } from './support/graphql-client';
import { scrapeMetric } from './support/metrics';
import { SESSION, SESSION_EVENTS_SUBSCRIPTION } from './support/operations';
import { acknowledgedSocket } from './support/raw-socket';
import { startTestApp, type TestApp } from './support/test-app';
import { waitFor } from './support/wait';

/** What one WebSocket may make an instance hold: a bounded number of operations, and of bytes unsent. */
describe('the limits of one WebSocket', () => {
  let test: TestApp;
  let token: string;
  beforeAll(async () => {
    test = await startTestApp();
    token = await login(test.url);
  });
  afterAll(() => test.stop());

  it(`refuses an operation beyond ${MAX_OPERATIONS_PER_SOCKET} at once with RATE_LIMITED, and the others go on`, async () => {
    const { code } = await openSession(test.url, token, 'Many streams on one socket');
    const client = webSocketClient(test.wsUrl);
    const allowed = Array.from({ length: MAX_OPERATIONS_PER_SOCKET }, () => new Subscriber(client, SESSION_EVENTS_SUBSCRIPTION, { code, afterSeq: 0 }));
    await waitFor(async () => (await scrapeMetric(test.url, 'ordered_subscriptions_active')) >= MAX_OPERATIONS_PER_SOCKET, 'the streams live');

    const refused = new Subscriber(client, SESSION_EVENTS_SUBSCRIPTION, { code, afterSeq: 0 });
    await refused.done;
    await placeOrder(test.url, code, [{ productId: DEMO.espresso.id, quantity: 1 }]);

    expect(refused.errors).toEqual([[expect.objectContaining({ extensions: expect.objectContaining({ code: 'RATE_LIMITED' }) })]]);
    for (const subscriber of allowed) await subscriber.waitFor(1);
    await client.dispose();
  });

  it('cuts off a client that asks and does not read, once more than MAX_UNSENT_BYTES wait for it', async () => {
    const { code } = await openSession(test.url, token, 'Large orders');
    const items = Array.from({ length: 50 }, () => ({ productId: DEMO.espresso.id, quantity: 1, note: 'n'.repeat(500) }));
    for (let order = 0; order < 60; order++) expect((await placeOrder(test.url, code, items)).errors).toBeUndefined();
    const open = await scrapeMetric(test.url, 'ordered_websockets_open');
    const { socket } = await acknowledgedSocket(test.wsUrl);
    expect(await scrapeMetric(test.url, 'ordered_websockets_open')).toBe(open + 1);

    // About 1.8 MB per answer. A client's large operations run two at a time and twenty more wait
    // (the rest are refused), yet those 22 answers are more than the limit and the sockets' buffers hold.
    socket.pause();
    expect((LARGE_OPERATIONS_PER_CLIENT + LARGE_OPERATIONS_WAITING_PER_CLIENT) * 1_800_000).toBeGreaterThan(2 * MAX_UNSENT_BYTES);
    for (let id = 1; id <= MAX_OPERATIONS_PER_SOCKET; id++) socket.send(JSON.stringify({ id: String(id), type: 'subscribe', payload: { query: SESSION, variables: { code } } }));

    await waitFor(async () => (await scrapeMetric(test.url, 'ordered_websockets_open')) === open, 'the socket cut off', 20_000);
    socket.terminate();
  });

  it(`refuses a subscription whose Subscribe message is over ${MAX_SUBSCRIPTION_MESSAGE_BYTES} bytes with BAD_USER_INPUT, and streams one under it`, async () => {
    const { code } = await openSession(test.url, token, 'Padded subscribe');
    const { socket, messages } = await acknowledgedSocket(test.wsUrl);
    const subscribe = (id: string, padding: number) =>
      socket.send(JSON.stringify({ id, type: 'subscribe', payload: { query: SESSION_EVENTS_SUBSCRIPTION + ' '.repeat(padding), variables: { code } } }));
    subscribe('padded', MAX_SUBSCRIPTION_MESSAGE_BYTES);
    subscribe('plain', MAX_SUBSCRIPTION_MESSAGE_BYTES - 1000);
    await waitFor(async () => messages.some((message) => message.id === 'padded'), 'the padded one answered');
    expect(messages.find((message) => message.id === 'padded')).toMatchObject({
      type: 'error',
      payload: [expect.objectContaining({ extensions: { code: 'BAD_USER_INPUT' } })],
    });

    await placeOrder(test.url, code, [{ productId: DEMO.espresso.id, quantity: 1 }]);
    await waitFor(async () => messages.some((message) => message.id === 'plain' && message.type === 'next'), 'the other one streaming');
    socket.close();
  });
});

describe('what one client may leave unsent over all its WebSockets (UNSENT_BYTES_PER_CLIENT)', () => {
  const LIMIT = 8 * 1024 * 1024;
  const SOCKETS = 8;
  const ORDERS = 150;
  let test: TestApp;
  beforeAll(async () => {
    test = await startTestApp({ unsentBytesPerClient: LIMIT });
  });
  afterAll(() => test.stop());

  /** A graphql-ws socket that asks for the session's orders once and reads none of the answer. */
  async function notReading(code: string): Promise<WebSocket> {
    const { socket } = await acknowledgedSocket(test.wsUrl);
    socket.pause();
    socket.send(JSON.stringify({ id: '1', type: 'subscribe', payload: { query: SESSION, variables: { code } } }));
    return socket;
  }

  it('cuts off the sockets of a client that asks on several and reads none, each under its own limit, past what they may hold together', async () => {
    const { code } = await openSession(test.url, await login(test.url), 'Many large orders');
    const items = Array.from({ length: 50 }, () => ({ productId: DEMO.espresso.id, quantity: 1, note: 'n'.repeat(500) }));
    for (let order = 0; order < ORDERS; order++) expect((await placeOrder(test.url, code, items)).errors).toBeUndefined();
    // About 4.5 MB asked for on each socket: under MAX_UNSENT_BYTES, over what the kernel's buffers take.
    expect(ORDERS * 30_000).toBeLessThan(MAX_UNSENT_BYTES);
    const open = await scrapeMetric(test.url, 'ordered_websockets_open');
    const idle = [];
    for (let i = 0; i < SOCKETS; i++) idle.push(await notReading(code));

    // One may keep its answer: under the limit on its own.
    await waitFor(async () => (await scrapeMetric(test.url, 'ordered_websockets_open')) <= open + 1, 'the sockets past the limit cut off', 20_000);
    const unsent = [...test.app.webSocketServer.clients].reduce((sum, socket) => sum + socket.bufferedAmount, 0);
    expect(unsent).toBeLessThanOrEqual(LIMIT);

    // Once they are gone, the address is answered again.
    idle.forEach((socket) => socket.terminate());
    await waitFor(async () => (await scrapeMetric(test.url, 'ordered_websockets_open')) === open, 'the sockets closed');
    const reader = webSocketClient(test.wsUrl);
    const read = new Subscriber(reader, SESSION, { code });
    await read.done;
    expect(read.errors).toEqual([]);
    expect(read.items[0].session.orders).toHaveLength(ORDERS);
    await reader.dispose();
  }, 60_000);
});
