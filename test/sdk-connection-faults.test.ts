import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { OrderedError, type LocationEvent } from '../sdk/src';
import { closedPort } from './support/dead-servers';
import { DEMO } from './support/fixtures';
import { Collector, customerClient, representativeClient } from './support/sdk';
import { TcpProxy } from './support/tcp-proxy';
import { startTestApp, type TestApp } from './support/test-app';
import { waitFor } from './support/wait';

jest.setTimeout(60_000);

const quickRetries = (attempts: number) => ({ attempts, wait: () => new Promise<void>((resolve) => setTimeout(resolve, 20)) });

/** `promise`, or a failure naming `what` when it has not settled after `timeoutMs` (a hang, not a slow answer). */
async function within<T>(promise: Promise<T>, what: string, timeoutMs = 15_000): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const hang = new Promise<never>((_, reject) => (timer = setTimeout(() => reject(new Error(`still waiting for ${what}`)), timeoutMs)));
  try {
    return await Promise.race([promise, hang]);
  } finally {
    clearTimeout(timer);
  }
}

describe('the SDK WebSocket when connecting fails or hangs', () => {
  let test: TestApp;
  const servers: { stop(): Promise<void> }[] = [];
  beforeAll(async () => {
    test = await startTestApp();
  });
  afterAll(async () => {
    await Promise.all(servers.map((server) => server.stop()));
    await test.stop();
  });

  /** A server that accepts the WebSocket's connection and answers nothing until released; then it is the service. */
  async function unansweredServer() {
    const server = new TcpProxy('127.0.0.1', test.app.port, Infinity);
    await server.open();
    servers.push({ stop: () => server.cut() });
    return { server, wsUrl: `ws://127.0.0.1:${server.port}/graphql` };
  }

  it('survives login while its WebSocket is still connecting, and the socket opens with the new credential', async () => {
    const { server: upgrade, wsUrl } = await unansweredServer();
    const panel = representativeClient(test, { wsUrl });
    const events = new Collector<LocationEvent>(panel.subscribeToLocation(DEMO.cafe, { afterSeq: 0 }));
    await waitFor(async () => upgrade.accepted === 1, 'the WebSocket to connect');

    await panel.login(DEMO.representative);
    upgrade.release();
    // The location stream is the representative's only: it works once the socket carries the credential.
    const { code } = await panel.openSession({ locationId: DEMO.cafe, name: 'Table login while connecting' });
    await events.waitUntil((items) => items.some((event) => event.__typename === 'SessionOpened' && event.code === code));

    expect(events.errors).toEqual([]);
    await panel.close();
  });

  it('fails a subscription with NETWORK_ERROR after its reconnects when the WebSocket upgrade is never answered', async () => {
    const { server: upgrade, wsUrl } = await unansweredServer();
    const customer = customerClient(test, { wsUrl, keepAliveMs: 200, reconnect: quickRetries(2) });
    const events = new Collector(customer.subscribeToSession('000000'));

    await within(events.done, 'the subscription to end');
    expect(events.errors).toEqual([expect.objectContaining({ name: 'OrderedError', code: 'NETWORK_ERROR' })]);
    expect(upgrade.accepted).toBe(3); // the first attempt and two reconnects
    await within(customer.close(), 'close()');
  });

  it("closes during a reconnect's backoff without waiting for it, and the subscription ends", async () => {
    const nothing = await closedPort();
    let backingOff!: () => void;
    const inBackoff = new Promise<void>((resolve) => (backingOff = resolve));
    let release!: () => void;
    const released = new Promise<void>((resolve) => (release = resolve));
    const wait = () => {
      backingOff();
      return released;
    };
    const customer = customerClient(test, { wsUrl: `${nothing.url.replace(/^http/, 'ws')}/graphql`, reconnect: { attempts: 5, wait } });
    const events = new Collector(customer.subscribeToSession('000000'));
    await within(inBackoff, 'the first reconnect');

    await within(customer.close(), 'close()');
    release();
    await within(events.done, 'the subscription to end');
    expect(events.errors).toEqual([]);
  });

  it('calls onEnd and onError also without onEvent', async () => {
    const panel = representativeClient(test);
    await panel.login(DEMO.representative);
    const { code } = await panel.openSession({ locationId: DEMO.cafe, name: 'Table callbacks only' });
    const customer = customerClient(test);

    const ended = new Promise<void>((resolve) => customer.subscribeToSession(code, { onEnd: resolve }));
    await panel.closeSession(code);
    await within(ended, 'onEnd');
    const failed = new Promise<OrderedError>((resolve) => customer.subscribeToSession('000000', { onError: resolve }));
    expect(await within(failed, 'onError')).toMatchObject({ name: 'OrderedError', code: 'NOT_FOUND' });
    await Promise.all([panel.close(), customer.close()]);
  });
});

describe('the SDK over HTTP when an answer is not a GraphQL response', () => {
  let server: Server;
  let url: string;
  beforeAll(async () => {
    // What a misconfigured proxy might send: JSON, but not a GraphQL response.
    server = createServer((_request, response) => response.writeHead(200, { 'content-type': 'application/json' }).end('null'));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/graphql`;
  });
  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

  it('fails with an OrderedError (NETWORK_ERROR), not a TypeError', async () => {
    const guest = customerClient({ url, wsUrl: url.replace('http', 'ws') });
    const joining = guest.join('abc123');
    await expect(joining).rejects.toBeInstanceOf(OrderedError);
    await expect(joining).rejects.toMatchObject({ code: 'NETWORK_ERROR' });
    await guest.close();
  });
});
