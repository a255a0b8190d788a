import { randomBytes } from 'node:crypto';
import { connect, type Socket } from 'node:net';
import type { App } from '../src/app';
import { holdSessionRow, storedOrderCount } from './support/database';
import { DEMO, login, openSession, placeOrder } from './support/fixtures';
import { Subscriber, webSocketClient } from './support/graphql-client';
import { SESSION_EVENTS_SUBSCRIPTION } from './support/operations';
import { testRedisUrl } from './support/environment';
import { TcpProxy } from './support/tcp-proxy';
import { startTestApp, type TestApp } from './support/test-app';

/** A WebSocket client that completes the upgrade and then answers nothing, not even the server's FIN. */
async function unresponsiveWebSocket(wsUrl: string): Promise<Socket> {
  const { hostname, port, pathname } = new URL(wsUrl);
  const socket = connect({ port: Number(port), host: hostname, allowHalfOpen: true });
  await new Promise<void>((resolve, reject) => socket.once('connect', resolve).once('error', reject));
  socket.write(
    `GET ${pathname} HTTP/1.1\r\nHost: ${hostname}:${port}\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n` +
      `Sec-WebSocket-Key: ${randomBytes(16).toString('base64')}\r\nSec-WebSocket-Version: 13\r\n` +
      'Sec-WebSocket-Protocol: graphql-transport-ws\r\n\r\n',
  );
  await new Promise<void>((resolve) => socket.once('data', () => resolve()));
  socket.on('data', () => undefined); // reads what comes, answers nothing
  return socket;
}

describe('stopping an instance', () => {
  let test: TestApp;
  beforeAll(async () => {
    test = await startTestApp();
  });
  afterAll(() => test.stop());

  it('tells its WebSocket clients it is going away and cuts off one that never answers, instead of waiting for it', async () => {
    const instance: App = await test.startAnotherInstance();
    const token = await login(test.url);
    const { code } = await openSession(test.url, token, 'Going away');
    const client = webSocketClient(instance.wsUrl);
    let closeCode: number | undefined;
    client.on('closed', (event) => (closeCode = (event as { code: number }).code));
    const subscriber = new Subscriber(client, SESSION_EVENTS_SUBSCRIPTION, { code });
    await new Promise<void>((resolve) => client.on('connected', () => resolve()));
    const silent = await unresponsiveWebSocket(instance.wsUrl);

    // Without the cut-off, ws waits 30 s for the silent client's answer: longer than this test may take.
    const stopped = instance.stop();
    // While it waits for its clients, it takes no new connection: reconnecting clients are refused by the kernel.
    const { port } = new URL(instance.wsUrl);
    const attempt = await new Promise<string>((resolve) => {
      const socket = connect({ port: Number(port), host: '127.0.0.1' });
      socket.once('connect', () => resolve('accepted')).once('error', (error: NodeJS.ErrnoException) => resolve(error.code ?? 'error'));
    });
    expect(attempt).toBe('ECONNREFUSED');
    await stopped;

    expect(closeCode).toBe(1001);
    silent.destroy();
    subscriber.unsubscribe();
    await client.dispose();
  }, 10_000);

  it('leaves no promise rejected unhandled when its Redis never answered, which would end the process', async () => {
    const unhandled: unknown[] = [];
    const record = (reason: unknown) => unhandled.push(reason);
    process.on('unhandledRejection', record);
    // Accepts the connections and holds them: the SUBSCRIBEs of the instance's own topics never get an answer.
    const redis = new URL(testRedisUrl());
    const silentRedis = new TcpProxy(redis.hostname, Number(redis.port || 6379), 60_000);
    await silentRedis.open();
    try {
      const instance = await test.startAnotherInstance({ redisUrl: `redis://127.0.0.1:${silentRedis.port}` });
      await instance.stop();
      // The unanswered commands fail once the connections have closed.
      await new Promise((resolve) => setTimeout(resolve, 500));
      expect(unhandled).toEqual([]);
    } finally {
      process.off('unhandledRejection', record);
      await silentRedis.cut();
    }
  });

  it('answers an order in flight that takes longer than Apollo would wait by default (10 s), within its limits', async () => {
    // A DATABASE_QUERY_TIMEOUT_MS of 12 s: the order's write may wait 10.5 s on its session's row.
    const instance = await test.startAnotherInstance({ databaseQueryTimeoutMs: 12_000 });
    const session = await openSession(instance.url, await login(instance.url), 'Ordered while stopping');
    const lock = await holdSessionRow(test.databaseUrl, session.id);
    const placing = placeOrder(instance.url, session.code, [{ productId: DEMO.espresso.id, quantity: 1 }]);
    await new Promise((resolve) => setTimeout(resolve, 200));
    const stopping = instance.stop();
    await new Promise((resolve) => setTimeout(resolve, 10_300));
    await lock.release();

    expect((await placing).data.placeOrder.status).toBe('PLACED');
    expect(await storedOrderCount(test.databaseUrl, session.id)).toBe(1);
    await stopping;
  }, 30_000);
});

