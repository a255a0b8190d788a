import type { IncomingMessage } from 'node:http';
import type WebSocket from 'ws';
import { DEMO, login, openSession, placeOrder } from './support/fixtures';
import { collectGarbage, heapUsed } from './support/heap';
import { scrapeMetric } from './support/metrics';
import { LOCATION_EVENTS_SUBSCRIPTION, SESSION_EVENTS_SUBSCRIPTION } from './support/operations';
import { acknowledgedSocket } from './support/raw-socket';
import { startTestApp, type TestApp } from './support/test-app';
import { waitFor } from './support/wait';

/**
 * An instance holds tens of thousands of idle WebSockets. graphql-ws's own ws adapter keeps each
 * one's upgrade request, headers and all (a browser's are often over a kilobyte), for as long as
 * the socket is open; the service reads what it needs off the handshake and lets it go.
 */
describe('what an open WebSocket keeps of its handshake', () => {
  let test: TestApp;
  let behindProxy: TestApp;
  beforeAll(async () => {
    [test, behindProxy] = await Promise.all([startTestApp(), startTestApp({ trustProxy: true })]);
  });
  afterAll(() => Promise.all([test.stop(), behindProxy.stop()]));

  it('lets the upgrade request go, and the socket goes on streaming', async () => {
    const { code } = await openSession(test.url, await login(test.url), 'Handshakes let go');
    const requests: WeakRef<IncomingMessage>[] = [];
    const remember = (_socket: WebSocket, request: IncomingMessage) => requests.push(new WeakRef(request));
    test.app.webSocketServer.on('connection', remember);

    const headers = { 'User-Agent': `Mozilla/5.0 ${'x'.repeat(200)}`, Cookie: `theme=${'y'.repeat(2_000)}` };
    const { socket, messages } = await acknowledgedSocket(test.wsUrl, { headers });
    socket.send(JSON.stringify({ id: '1', type: 'subscribe', payload: { query: SESSION_EVENTS_SUBSCRIPTION, variables: { code, afterSeq: 0 } } }));
    await waitFor(async () => (await scrapeMetric(test.url, 'ordered_subscriptions_active')) === 1, 'the stream live');
    test.app.webSocketServer.off('connection', remember);

    expect(requests).toHaveLength(1);
    collectGarbage();
    collectGarbage();
    expect(requests[0].deref() ? 'kept' : 'let go').toBe('let go');

    await placeOrder(test.url, code);
    const events = () => messages.map((message) => (message as { payload?: { data?: { sessionEvents?: { __typename: string } } } }).payload?.data?.sessionEvents);
    await waitFor(async () => events().some((event) => event?.__typename === 'OrderPlaced'), 'the order streamed');
    socket.close();
  });

  it("keeps, of a connection_init's payload, only the credential, which still counts", async () => {
    const token = await login(test.url);
    await openSession(test.url, token, 'Padded inits');
    // JSON that parses into many small objects, beside the authorization (about 4 MB of them a
    // socket), and an authorization that is its credential and 50 KB of spaces.
    const padding = `[${new Array(60_000).fill('{}').join(',')}]`;
    const init = `{"type":"connection_init","payload":{"authorization":"Bearer ${token}${' '.repeat(50_000)}","unused":${padding}}}`;
    const sockets = 20;
    // The first socket also leaves what its code compiled to: not counted.
    const first = await acknowledgedSocket(test.wsUrl, { init });
    first.socket.close();
    await first.closed;
    const start = heapUsed();
    const opened = [];
    for (let i = 0; i < sockets; i++) opened.push(await acknowledgedSocket(test.wsUrl, { init }));
    await new Promise((resolve) => setTimeout(resolve, 300));
    const held = heapUsed() - start;

    const [{ socket, messages }] = opened;
    socket.send(JSON.stringify({ id: 'panel', type: 'subscribe', payload: { query: LOCATION_EVENTS_SUBSCRIPTION, variables: { locationId: DEMO.cafe, afterSeq: 0 } } }));
    await waitFor(async () => messages.some((message) => message.id === 'panel'), 'the location stream answering');
    for (const each of opened) each.socket.close();
    await Promise.all(opened.map(({ closed }) => closed));

    expect(messages.find((message) => message.id === 'panel')).toMatchObject({ type: 'next' });
    expect(held / sockets).toBeLessThan(35_000);
  });

  it('keeps, behind a trusted proxy, the client address alone and not the X-Forwarded-For header it was cut from', async () => {
    const sockets = 100;
    const heldBySockets = async (forwardedFor: string) => {
      const start = heapUsed();
      const opened = await Promise.all(Array.from({ length: sockets }, () => acknowledgedSocket(behindProxy.wsUrl, { headers: { 'X-Forwarded-For': forwardedFor } })));
      // What the handshakes' last steps hold for a moment (a few KB a socket) is let go by then.
      await new Promise((resolve) => setTimeout(resolve, 300));
      const held = heapUsed() - start;
      for (const { socket } of opened) socket.close();
      await Promise.all(opened.map(({ closed }) => closed));
      await waitFor(async () => behindProxy.app.webSocketServer.clients.size === 0, 'the sockets closed');
      return held;
    };
    // The first sockets also leave what their code compiled to: not counted.
    await heldBySockets('198.51.100.77');
    const plain = await heldBySockets('198.51.100.77');
    // A client may send its own X-Forwarded-For; the proxy appends the address it saw.
    const padded = await heldBySockets(`${'x'.repeat(14_000)}, 198.51.100.77`);
    // Kept whole, the headers would be 14 KB a socket more.
    expect((padded - plain) / sockets).toBeLessThan(7_000);
  });
});
