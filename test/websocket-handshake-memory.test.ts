import type { IncomingMessage } from 'node:http';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import WebSocket from 'ws';
import { login, openSession, placeOrder } from './support/fixtures';
import { scrapeMetric } from './support/metrics';
import { SESSION_EVENTS_SUBSCRIPTION } from './support/operations';
import { startTestApp, type TestApp } from './support/test-app';
import { waitFor } from './support/wait';

setFlagsFromString('--expose-gc');
const collectGarbage = runInNewContext('gc') as () => void;

/**
 * An instance holds tens of thousands of idle WebSockets. graphql-ws's own ws adapter keeps each
 * one's upgrade request, headers and all (a browser's are often over a kilobyte), for as long as
 * the socket is open; the service reads what it needs off the handshake and lets it go.
 */
describe('what an open WebSocket keeps of its handshake', () => {
  let test: TestApp;
  beforeAll(async () => {
    test = await startTestApp();
  });
  afterAll(() => test.stop());

  it('lets the upgrade request go, and the socket goes on streaming', async () => {
    const { code } = await openSession(test.url, await login(test.url), 'Handshakes let go');
    const requests: WeakRef<IncomingMessage>[] = [];
    const remember = (_socket: WebSocket, request: IncomingMessage) => requests.push(new WeakRef(request));
    test.app.webSocketServer.on('connection', remember);

    const headers = { 'User-Agent': `Mozilla/5.0 ${'x'.repeat(200)}`, Cookie: `theme=${'y'.repeat(2_000)}` };
    const socket = new WebSocket(test.wsUrl, 'graphql-transport-ws', { headers });
    const messages: { type: string; payload?: { data?: { sessionEvents?: { __typename: string } } } }[] = [];
    socket.on('message', (data) => messages.push(JSON.parse(String(data))));
    await new Promise((resolve) => socket.once('open', resolve));
    socket.send(JSON.stringify({ type: 'connection_init' }));
    await waitFor(async () => messages.some((message) => message.type === 'connection_ack'), 'the connection acknowledged');
    socket.send(JSON.stringify({ id: '1', type: 'subscribe', payload: { query: SESSION_EVENTS_SUBSCRIPTION, variables: { code, afterSeq: 0 } } }));
    await waitFor(async () => (await scrapeMetric(test.url, 'ordered_subscriptions_active')) === 1, 'the stream live');
    test.app.webSocketServer.off('connection', remember);

    expect(requests).toHaveLength(1);
    collectGarbage();
    collectGarbage();
    expect(requests[0].deref() ? 'kept' : 'let go').toBe('let go');

    await placeOrder(test.url, code);
    await waitFor(async () => messages.some((message) => message.payload?.data?.sessionEvents?.__typename === 'OrderPlaced'), 'the order streamed');
    socket.close();
  });
});
