import { get, type Agent } from 'node:http';
import { connect as connectTcp, type Socket } from 'node:net';
import WebSocket from 'ws';
import { metricValue } from './support/metrics';
import { startTestApp, type TestApp } from './support/test-app';
import { waitFor } from './support/wait';

const LIMIT = 3;

type Outcome = { socket: WebSocket } | { refusedWith: number } | { closedAtOnce: true };

/** A graphql-ws handshake from `localAddress`: the acknowledged socket, the HTTP status it was refused with, or a connection closed before any answer. */
async function connect(url: string, localAddress: string, headers: Record<string, string> = {}): Promise<Outcome> {
  const socket = new WebSocket(url, 'graphql-transport-ws', { localAddress, headers });
  return new Promise((resolve, reject) => {
    socket.once('unexpected-response', (_request, response) => {
      resolve({ refusedWith: response.statusCode ?? 0 });
      socket.terminate();
    });
    socket.once('open', () => socket.send(JSON.stringify({ type: 'connection_init' })));
    socket.once('message', (data) => (JSON.parse(String(data)).type === 'connection_ack' ? resolve({ socket }) : reject(new Error(String(data)))));
    socket.once('error', (error) => {
      if (error.message.includes('Unexpected server response')) return;
      if (/ECONNRESET|socket hang up/.test(error.message)) resolve({ closedAtOnce: true });
      else reject(error);
    });
  });
}

function accepted(result: Outcome): WebSocket {
  if (!('socket' in result)) throw new Error(`not accepted: ${JSON.stringify(result)}`);
  return result.socket;
}

async function closeAll(sockets: WebSocket[]): Promise<void> {
  await Promise.all(
    sockets.map((socket) => new Promise<void>((resolve) => (socket.readyState === WebSocket.CLOSED ? resolve() : (socket.once('close', () => resolve()), socket.close())))),
  );
}

/** A GET on a connection of its own from `localAddress`: its status, or 'closed' when the connection was closed before an answer. */
function getFrom(url: string, localAddress: string): Promise<number | 'closed'> {
  return new Promise((resolve, reject) => {
    const request = get(url, { localAddress, agent: false as unknown as Agent }, (response) => {
      response.resume();
      resolve(response.statusCode ?? 0);
    });
    request.on('error', (error) => (/ECONNRESET|socket hang up/.test(error.message) ? resolve('closed') : reject(error)));
  });
}

/** A TCP connection from `localAddress` that sends nothing, as an idle keep-alive connection. */
async function idleConnection(port: number, localAddress: string): Promise<Socket> {
  const socket = connectTcp({ host: '127.0.0.1', port, localAddress });
  await new Promise<void>((resolve, reject) => socket.once('connect', resolve).once('error', reject));
  return socket;
}

describe('connections one client may hold on an instance (CONNECTIONS_PER_CLIENT)', () => {
  let test: TestApp;
  let healthz: string;
  beforeAll(async () => {
    test = await startTestApp({ connectionsPerClient: LIMIT });
    healthz = test.url.replace('/graphql', '/healthz');
  });
  afterAll(() => test.stop());

  /** Scraped from an address of its own, so as not to take a place of the address under test. */
  async function refusedSoFar(): Promise<number> {
    const text = await new Promise<string>((resolve, reject) => {
      get(test.url.replace('/graphql', '/metrics?name=ordered_connections_refused_total'), { localAddress: '127.0.0.99', agent: false as unknown as Agent }, (response) => {
        let body = '';
        response.on('data', (chunk) => (body += chunk)).on('end', () => resolve(body));
      }).on('error', reject);
    });
    return metricValue(text, 'ordered_connections_refused_total');
  }

  it('closes a WebSocket past the limit at once, and counts it', async () => {
    const refusedBefore = await refusedSoFar();
    const held = [];
    for (let i = 0; i < LIMIT; i++) held.push(accepted(await connect(test.wsUrl, '127.0.0.2')));
    expect(await connect(test.wsUrl, '127.0.0.2')).toEqual({ closedAtOnce: true });
    expect(await refusedSoFar()).toBe(refusedBefore + 1);
    await closeAll(held);
  });

  it('counts idle HTTP connections too: an address holding its limit of them gets no other, another address does', async () => {
    const idle = [];
    for (let i = 0; i < LIMIT; i++) idle.push(await idleConnection(test.app.port, '127.0.0.3'));
    expect(await getFrom(healthz, '127.0.0.3')).toBe('closed');
    expect(await connect(test.wsUrl, '127.0.0.3')).toEqual({ closedAtOnce: true });
    expect(await getFrom(healthz, '127.0.0.4')).toBe(200);

    idle[0].destroy();
    await waitFor(async () => (await getFrom(healthz, '127.0.0.3')) === 200, 'a place given back');
    idle.slice(1).forEach((socket) => socket.destroy());
  });

  it('gives a place back when a socket closes, also when its client vanishes without a close', async () => {
    const held = [];
    for (let i = 0; i < LIMIT; i++) held.push(accepted(await connect(test.wsUrl, '127.0.0.5')));
    await closeAll([held[0]]);
    held[1].terminate();
    await waitFor(async () => test.app.webSocketServer.clients.size === 1, 'the instance seeing two sockets end');
    const replacements = [accepted(await connect(test.wsUrl, '127.0.0.5')), accepted(await connect(test.wsUrl, '127.0.0.5'))];
    expect(await connect(test.wsUrl, '127.0.0.5')).toEqual({ closedAtOnce: true });
    await closeAll([held[2], ...replacements]);
  });

  it('gives a place back when the handshake fails after it was admitted', async () => {
    // No graphql-ws subprotocol: ws accepts the upgrade, graphql-ws closes it at once.
    for (let i = 0; i <= LIMIT; i++) {
      const closedWith = await new Promise<number>((resolve) => new WebSocket(test.wsUrl, { localAddress: '127.0.0.6' }).once('close', (code) => resolve(code)));
      expect(closedWith).toBe(4406);
    }
    await waitFor(async () => test.app.webSocketServer.clients.size === 0, 'the refused sockets closed');
    const held = [];
    for (let i = 0; i < LIMIT; i++) held.push(accepted(await connect(test.wsUrl, '127.0.0.6')));
    await closeAll(held);
  });

  it('behind a trusted proxy, counts WebSocket handshakes by the forwarded address and refuses them with 429', async () => {
    const proxied = await test.startAnotherInstance({ trustProxy: true, connectionsPerClient: LIMIT });
    const from = (address: string) => connect(proxied.wsUrl, '127.0.0.7', { 'x-forwarded-for': address });
    const held = [];
    for (let i = 0; i < LIMIT; i++) held.push(accepted(await from('203.0.113.7')));
    expect(await from('203.0.113.7')).toEqual({ refusedWith: 429 });
    held.push(accepted(await from('203.0.113.8')));
    // The proxy's own connections are all clients': not counted.
    expect(await getFrom(proxied.url.replace('/graphql', '/healthz'), '127.0.0.7')).toBe(200);
    await closeAll(held);
  });
});
