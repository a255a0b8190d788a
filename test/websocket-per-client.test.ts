import WebSocket from 'ws';
import { scrapeMetric } from './support/metrics';
import { startTestApp, type TestApp } from './support/test-app';
import { waitFor } from './support/wait';

const LIMIT = 3;

/** A graphql-ws handshake: the acknowledged socket, or the HTTP status the upgrade was refused with. */
async function connect(url: string, options: WebSocket.ClientOptions = {}): Promise<{ socket: WebSocket } | { refusedWith: number }> {
  const socket = new WebSocket(url, 'graphql-transport-ws', options);
  return new Promise((resolve, reject) => {
    socket.once('unexpected-response', (_request, response) => {
      resolve({ refusedWith: response.statusCode ?? 0 });
      socket.terminate();
    });
    socket.once('open', () => socket.send(JSON.stringify({ type: 'connection_init' })));
    socket.once('message', (data) => (JSON.parse(String(data)).type === 'connection_ack' ? resolve({ socket }) : reject(new Error(String(data)))));
    socket.once('error', (error) => (error.message.includes('Unexpected server response') ? undefined : reject(error)));
  });
}

function accepted(result: { socket: WebSocket } | { refusedWith: number }): WebSocket {
  if (!('socket' in result)) throw new Error(`refused with ${result.refusedWith}`);
  return result.socket;
}

async function closeAll(sockets: WebSocket[]): Promise<void> {
  await Promise.all(
    sockets.map((socket) => new Promise<void>((resolve) => (socket.readyState === WebSocket.CLOSED ? resolve() : (socket.once('close', () => resolve()), socket.close())))),
  );
}

describe('WebSockets one client may hold on an instance (WS_CONNECTIONS_PER_CLIENT)', () => {
  let test: TestApp;
  beforeAll(async () => {
    test = await startTestApp({ webSocketsPerClient: LIMIT });
  });
  afterAll(() => test.stop());
  // A client sees its socket closed before the instance does: each test starts with none held.
  beforeEach(() => waitFor(async () => (await scrapeMetric(test.url, 'ordered_websockets_open')) === 0, 'no WebSocket open'));

  async function fillTheLimit(): Promise<WebSocket[]> {
    const sockets = [];
    for (let i = 0; i < LIMIT; i++) sockets.push(accepted(await connect(test.wsUrl)));
    return sockets;
  }

  it('refuses the handshake past the limit with HTTP 429, and counts it', async () => {
    const refusedBefore = await scrapeMetric(test.url, 'ordered_websockets_refused_total');
    const held = await fillTheLimit();
    expect(await connect(test.wsUrl)).toEqual({ refusedWith: 429 });
    expect(await scrapeMetric(test.url, 'ordered_websockets_refused_total')).toBe(refusedBefore + 1);
    await closeAll(held);
  });

  it('still admits another address', async () => {
    const held = await fillTheLimit();
    const elsewhere = accepted(await connect(test.wsUrl, { localAddress: '127.0.0.2' }));
    await closeAll([...held, elsewhere]);
  });

  it('gives a place back when a socket closes, also when its client vanishes without a close', async () => {
    const held = await fillTheLimit();
    await closeAll([held[0]]);
    held[1].terminate();
    await waitFor(async () => (await scrapeMetric(test.url, 'ordered_websockets_open')) === 1, 'the instance seeing two sockets end');
    const replacements = [accepted(await connect(test.wsUrl)), accepted(await connect(test.wsUrl))];
    expect(await connect(test.wsUrl)).toEqual({ refusedWith: 429 });
    await closeAll([held[2], ...replacements]);
  });

  it('gives a place back when the handshake fails after it was admitted', async () => {
    // No graphql-ws subprotocol: ws accepts the upgrade, graphql-ws closes it at once.
    for (let i = 0; i <= LIMIT; i++) {
      const closedWith = await new Promise<number>((resolve) => new WebSocket(test.wsUrl).once('close', (code) => resolve(code)));
      expect(closedWith).toBe(4406);
    }
    await waitFor(async () => (await scrapeMetric(test.url, 'ordered_websockets_open')) === 0, 'the refused sockets closed');
    const held = await fillTheLimit();
    await closeAll(held);
  });

  it('counts clients behind a trusted proxy by their forwarded address', async () => {
    const proxied = await test.startAnotherInstance({ trustProxy: true, webSocketsPerClient: LIMIT });
    const from = (address: string) => connect(proxied.wsUrl, { headers: { 'x-forwarded-for': address } });
    const held = [];
    for (let i = 0; i < LIMIT; i++) held.push(accepted(await from('203.0.113.7')));
    expect(await from('203.0.113.7')).toEqual({ refusedWith: 429 });
    held.push(accepted(await from('203.0.113.8')));
    await closeAll(held);
  });
});
