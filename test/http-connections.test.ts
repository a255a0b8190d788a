import { connect, type Socket } from 'node:net';
import { holdSessionRow, storedOrderCount } from './support/database';
import { DEMO, login, openSession, placeOrder } from './support/fixtures';
import { Subscriber, webSocketClient } from './support/graphql-client';
import { SESSION_EVENTS_SUBSCRIPTION } from './support/operations';
import { startTestApp, type TestApp } from './support/test-app';

const IDLE_TIMEOUT_MS = 1_000;

/**
 * A connection must not be held open by a client that stops moving: each holds a file (of
 * 20,000 here) and whatever answer waits in its buffer. HTTP_IDLE_TIMEOUT_MS is short here.
 */
describe('HTTP connections on which nothing moves', () => {
  let test: TestApp;
  beforeAll(async () => {
    test = await startTestApp({ httpIdleTimeoutMs: IDLE_TIMEOUT_MS });
  });
  afterAll(() => test.stop());

  async function rawConnection(): Promise<{ socket: Socket; closed: Promise<void> }> {
    const { port } = new URL(test.url);
    const socket = connect(Number(port), '127.0.0.1');
    const closed = new Promise<void>((resolve) => socket.once('close', () => resolve()));
    socket.on('error', () => undefined);
    await new Promise((resolve) => socket.once('connect', resolve));
    return { socket, closed };
  }

  it('are closed when the client never sends a request', async () => {
    const { closed } = await rawConnection();

    await closed;
  });

  it('are closed when the client stops halfway through its headers', async () => {
    const { socket, closed } = await rawConnection();
    socket.write('POST /graphql HTTP/1.1\r\nHost: localhost\r\nContent-Type: appl');

    await closed;
  });

  it('are closed when the headers of a request take more than 10 s to arrive, however steadily they drip', async () => {
    const { socket, closed } = await rawConnection();
    socket.write('POST /graphql HTTP/1.1\r\nHost: localhost\r\n');
    const sentAt = Date.now();
    // A header line every half idle timeout: the connection never goes idle.
    const drip = setInterval(() => socket.write(`X-Drip-${Date.now()}: 1\r\n`), IDLE_TIMEOUT_MS / 2);
    let answer = '';
    socket.on('data', (chunk: Buffer) => (answer += chunk.toString()));

    await closed;
    clearInterval(drip);
    expect(answer).toMatch(/^HTTP\/1\.1 408/);
    // Node's own check, every 30 s, let such a client stay up to 40 s.
    expect(Date.now() - sentAt).toBeLessThan(20_000);
  }, 30_000);

  it('are closed when the client stops reading the answers it asked for', async () => {
    const { socket, closed } = await rawConnection();
    // Megabytes each, twenty times over: far more than the sockets' buffers hold.
    const asked = 20;
    socket.write('GET /playground/graphiql.min.js HTTP/1.1\r\nHost: localhost\r\n\r\n'.repeat(asked));
    socket.pause();
    await new Promise((resolve) => setTimeout(resolve, 3 * IDLE_TIMEOUT_MS));
    // A paused socket sees its end only once it reads again: what it gets now is what was sent before the cut.
    let answers = 0;
    socket.on('data', (chunk: Buffer) => (answers += chunk.toString('latin1').split('HTTP/1.1 200').length - 1));
    socket.resume();

    await closed;
    expect(answers).toBeLessThan(asked);
  });

  it('answer a request that takes the service longer than the idle timeout to work on', async () => {
    const session = await openSession(test.url, await login(test.url), 'Slow to write');
    // The order's write waits on its session's row for three idle timeouts.
    const lock = await holdSessionRow(test.databaseUrl, session.id);
    const placing = placeOrder(test.url, session.code, [{ productId: DEMO.espresso.id, quantity: 1 }]);
    await new Promise((resolve) => setTimeout(resolve, 3 * IDLE_TIMEOUT_MS));
    await lock.release();

    expect((await placing).data.placeOrder.status).toBe('PLACED');
    expect(await storedOrderCount(test.databaseUrl, session.id)).toBe(1);
  });

  it('leave an idle WebSocket open: it delivers an order placed after the HTTP idle timeout', async () => {
    const { code } = await openSession(test.url, await login(test.url), 'Idle WebSocket');
    const client = webSocketClient(test.wsUrl);
    const subscriber = new Subscriber(client, SESSION_EVENTS_SUBSCRIPTION, { code, afterSeq: 0 });
    await placeOrder(test.url, code, [{ productId: DEMO.espresso.id, quantity: 1 }]);
    await subscriber.waitFor(1);

    await new Promise((resolve) => setTimeout(resolve, 3 * IDLE_TIMEOUT_MS));
    await placeOrder(test.url, code, [{ productId: DEMO.espresso.id, quantity: 1 }]);

    await subscriber.waitFor(2);
    expect(subscriber.completed).toBe(false);
    await client.dispose();
  });
});
