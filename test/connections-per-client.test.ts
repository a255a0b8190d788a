import { get, type Agent } from 'node:http';
import { connect as connectTcp, type Socket } from 'node:net';
import WebSocket from 'ws';
import { metricValue } from './support/metrics';
import { login } from './support/fixtures';
import { HeldVerification } from './support/held-verification';
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

/** A TCP connection from `localAddress`, connected; `keptAlive`: it has had one request answered and waits for the next. */
async function connection(port: number, localAddress: string, { keptAlive = false } = {}): Promise<Socket> {
  const socket = connectTcp({ host: '127.0.0.1', port, localAddress });
  await new Promise<void>((resolve, reject) => socket.once('connect', resolve).once('error', reject));
  if (keptAlive) {
    const answered = new Promise<void>((resolve) => socket.once('data', () => resolve()));
    socket.write('GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n');
    await answered;
  }
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

  it('refuses a WebSocket handshake past the limit with HTTP 429, and counts it', async () => {
    const refusedBefore = await refusedSoFar();
    const held = [];
    for (let i = 0; i < LIMIT; i++) held.push(accepted(await connect(test.wsUrl, '127.0.0.2')));
    expect(await connect(test.wsUrl, '127.0.0.2')).toEqual({ refusedWith: 429 });
    expect(await refusedSoFar()).toBe(refusedBefore + 1);
    await closeAll(held);
  });

  it("counts WebSockets apart from HTTP connections: a guest holding the address's WebSockets keeps no one from ordering", async () => {
    const held = [];
    for (let i = 0; i < LIMIT; i++) held.push(accepted(await connect(test.wsUrl, '127.0.0.3')));
    for (let i = 0; i <= LIMIT; i++) expect(await getFrom(healthz, '127.0.0.3')).toBe(200);
    await closeAll(held);
  });

  it("closes an address's oldest idle keep-alive connection to make room for a new one", async () => {
    const refusedBefore = await refusedSoFar();
    const idle: Socket[] = [];
    for (let i = 0; i < LIMIT; i++) idle.push(await connection(test.app.port, '127.0.0.4', { keptAlive: true }));
    const oldestClosed = new Promise<void>((resolve) => idle[0].once('close', () => resolve()));
    expect(await getFrom(healthz, '127.0.0.4')).toBe(200);
    await oldestClosed;
    expect(idle.slice(1).map((socket) => socket.destroyed)).toEqual([false, false]);
    expect(await refusedSoFar()).toBe(refusedBefore + 1);
    idle.forEach((socket) => socket.destroy());
  });

  it('closes the oldest connection stalled in its request when none is idle, never one the service is working on', async () => {
    const held = new HeldVerification(test.doubles.url);
    const verification = await held.start();
    const instance = await test.startAnotherInstance({ connectionsPerClient: LIMIT, siblings: { verification, locations: test.doubles.url, products: test.doubles.url, codes: test.doubles.url } });
    try {
      const token = await login(instance.url);
      // The service works on this one: its credential's verification is held.
      const working = await connection(instance.port, '127.0.0.8');
      const body = JSON.stringify({ query: '{ me { id } }' });
      working.write(`POST /graphql HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nAuthorization: Bearer ${token}\r\nContent-Length: ${body.length}\r\n\r\n${body}`);
      await held.holding;
      // These wait for bodies that never come, once the service has said to go on with them.
      const stalled: Socket[] = [];
      for (let i = 0; i < LIMIT - 1; i++) {
        const socket = await connection(instance.port, '127.0.0.8');
        const goOn = new Promise<void>((resolve) => socket.once('data', () => resolve()));
        socket.write('POST /graphql HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 100\r\nExpect: 100-continue\r\n\r\n');
        await goOn;
        stalled.push(socket);
      }
      const oldestStalledClosed = new Promise<void>((resolve) => stalled[0].once('close', () => resolve()));
      expect(await getFrom(instance.url.replace('/graphql', '/healthz'), '127.0.0.8')).toBe(200);
      await oldestStalledClosed;
      expect([working.destroyed, stalled[1].destroyed]).toEqual([false, false]);
      held.release();
      [working, ...stalled].forEach((socket) => socket.destroy());
    } finally {
      await held.stop();
    }
  });

  it('gives a place back when a socket closes, also when its client vanishes without a close', async () => {
    const held = [];
    for (let i = 0; i < LIMIT; i++) held.push(accepted(await connect(test.wsUrl, '127.0.0.5')));
    await closeAll([held[0]]);
    held[1].terminate();
    await waitFor(async () => test.app.webSocketServer.clients.size === 1, 'the instance seeing two sockets end');
    const replacements = [accepted(await connect(test.wsUrl, '127.0.0.5')), accepted(await connect(test.wsUrl, '127.0.0.5'))];
    expect(await connect(test.wsUrl, '127.0.0.5')).toEqual({ refusedWith: 429 });
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

  it('at a limit of one, keeps one connection of a client: each new one takes the place of the one before', async () => {
    const single = await test.startAnotherInstance({ connectionsPerClient: 1 });
    const sockets: Socket[] = [];
    for (let i = 0; i < 4; i++) sockets.push(await connection(single.port, '127.0.0.10', { keptAlive: true }));
    // Sooner than Node's own close of idle keep-alive connections (5 s).
    await waitFor(async () => sockets.slice(0, -1).every((socket) => socket.destroyed || socket.readableEnded), 'the earlier connections closed', 2_000);
    expect(sockets.at(-1)?.destroyed).toBe(false);
    sockets.forEach((socket) => socket.destroy());
  });
});
