import WebSocket from 'ws';
import { ConfigError, loadConfig } from '../src/config';
import { acknowledgedSocket } from './support/raw-socket';
import { startTestApp, type TestApp } from './support/test-app';
import { waitFor } from './support/wait';

jest.setTimeout(30_000);

describe('WebSocket keep-alive (WS_KEEPALIVE_MS)', () => {
  let pinging: TestApp;
  let silent: TestApp;

  beforeAll(async () => {
    [pinging, silent] = await Promise.all([startTestApp({ webSocketKeepAliveMs: 200 }), startTestApp({ webSocketKeepAliveMs: 0 })]);
  });
  afterAll(async () => {
    await Promise.all([pinging.stop(), silent.stop()]);
  });

  it('pings an idle socket, and keeps it while it answers', async () => {
    const { socket, pings } = await acknowledgedSocket(pinging.wsUrl);
    await waitFor(async () => pings.length >= 3, 'three pings');
    expect(socket.readyState).toBe(WebSocket.OPEN);
    socket.close();
  });

  it('closes a socket that stops answering pings', async () => {
    const { pings, closed } = await acknowledgedSocket(pinging.wsUrl, { autoPong: false });
    // Terminated without a closing handshake: the client sees an abnormal closure.
    expect(await closed).toBe(1006);
    expect(pings.length).toBeGreaterThanOrEqual(1);
  });

  it('cuts off a socket that stops answering also once it has begun to close it', async () => {
    const serverSide = new Promise<WebSocket>((resolve) => pinging.app.webSocketServer.once('connection', resolve));
    const { socket, pings } = await acknowledgedSocket(pinging.wsUrl, { autoPong: false });
    const served = await serverSide;
    await waitFor(async () => pings.length >= 1, 'a ping');
    // A message the protocol refuses: the server closes (4400) and waits for an answer to its close
    // that never comes, as the client reads nothing more (ws itself would wait 30 s).
    socket.send(JSON.stringify({ type: 'nonsense' }));
    socket.pause();
    await waitFor(async () => served.readyState !== WebSocket.OPEN, 'the server closing');
    await waitFor(async () => served.readyState === WebSocket.CLOSED, 'the socket cut off', 5_000);
    socket.terminate();
  });

  it('sends no pings when it is 0, and leaves a silent socket open', async () => {
    const { socket, pings } = await acknowledgedSocket(silent.wsUrl, { autoPong: false });
    // What a keep-alive of 200 ms would ping five times over.
    await new Promise((resolve) => setTimeout(resolve, 1_000));
    expect(pings).toEqual([]);
    expect(socket.readyState).toBe(WebSocket.OPEN);
    socket.close();
  });

  it('is read from the environment: 30 s unless told, 0 for never, and a clear error for nonsense', () => {
    expect(loadConfig({}).webSocketKeepAliveMs).toBe(30_000);
    expect(loadConfig({ WS_KEEPALIVE_MS: '0' }).webSocketKeepAliveMs).toBe(0);
    expect(() => loadConfig({ WS_KEEPALIVE_MS: 'often' })).toThrow(ConfigError);
    expect(() => loadConfig({ WS_KEEPALIVE_MS: '-1' })).toThrow(/WS_KEEPALIVE_MS must be an integer from 0 to 600000/);
  });
});
