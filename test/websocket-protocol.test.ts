import WebSocket from 'ws';
import { createLogger } from '../src/logger';
import type { App } from '../src/app';
import { DEMO, login, openSession, placeOrder } from './support/fixtures';
import { scrapeMetric } from './support/metrics';
import { LOCATION_EVENTS_SUBSCRIPTION, SESSION_EVENTS_SUBSCRIPTION } from './support/operations';
import { Subscriber, webSocketClient } from './support/graphql-client';
import { acknowledgedSocket } from './support/raw-socket';
import { MAX_OPERATIONS_PER_SOCKET } from '../src/server/websocket';
import { startTestApp, type TestApp } from './support/test-app';
import { waitFor } from './support/wait';

jest.setTimeout(30_000);

describe('the WebSocket protocol, as a client may break it', () => {
  let test: TestApp;
  let app: App;
  const logged: { level: string; message: string; connectionId?: string; error?: string }[] = [];

  beforeAll(async () => {
    test = await startTestApp();
    app = await test.startAnotherInstance({}, createLogger('info', (line) => logged.push(JSON.parse(line))));
  });
  afterAll(() => test.stop());

  it('closes a socket that reuses the id of an operation still starting (4409), and leaves none of its streams running', async () => {
    const session = await openSession(app.url, await login(app.url), 'Reused ids');
    const { socket, closed } = await acknowledgedSocket(app.wsUrl);
    const subscribe = JSON.stringify({ id: 'same', type: 'subscribe', payload: { query: SESSION_EVENTS_SUBSCRIPTION, variables: { code: session.code } } });
    // Completed while it is still starting, then taken again: graphql-ws itself lets this through.
    socket.send(subscribe);
    socket.send(JSON.stringify({ id: 'same', type: 'complete' }));
    socket.send(subscribe);
    // Answered only if the socket is still open once the second subscribe has been looked at.
    socket.send(JSON.stringify({ type: 'ping' }));
    const ponged = new Promise<string>((resolve) => socket.on('message', (data) => JSON.parse(String(data)).type === 'pong' && resolve('pong')));
    const outcome = await Promise.race([closed.then((code) => `closed ${code}`), ponged]);
    if (socket.readyState === WebSocket.OPEN) socket.close();
    await closed;

    await waitFor(
      async () => (await scrapeMetric(app.url, 'ordered_subscriptions_active')) === 0 && app.services.streams.feed.stats().topics === 0,
      'no stream of the closed socket left running',
    );
    expect(outcome).toBe('closed 4409');
  });

  it('closes a socket that reuses the id of an operation still starting also when it runs all the operations it may', async () => {
    const session = await openSession(app.url, await login(app.url), 'Reused ids at the limit');
    const { socket, closed, messages } = await acknowledgedSocket(app.wsUrl);
    const subscribe = (id: string) =>
      JSON.stringify({ id, type: 'subscribe', payload: { query: SESSION_EVENTS_SUBSCRIPTION, variables: { code: session.code } } });
    for (let id = 1; id < MAX_OPERATIONS_PER_SOCKET; id++) socket.send(subscribe(String(id)));
    await waitFor(async () => (await scrapeMetric(app.url, 'ordered_subscriptions_active')) === MAX_OPERATIONS_PER_SOCKET - 1, 'all but one streaming');
    // The last one the socket may run, completed while it is still starting and taken again.
    socket.send(subscribe('last'));
    socket.send(JSON.stringify({ id: 'last', type: 'complete' }));
    socket.send(subscribe('last'));
    socket.send(JSON.stringify({ type: 'ping' }));
    const ponged = new Promise<string>((resolve) => socket.on('message', (data) => JSON.parse(String(data)).type === 'pong' && resolve('pong')));
    const outcome = await Promise.race([closed.then((code) => `closed ${code}`), ponged]);
    if (socket.readyState === WebSocket.OPEN) socket.close();
    await closed;

    await waitFor(async () => (await scrapeMetric(app.url, 'ordered_subscriptions_active')) === 0, 'no stream of the closed socket left running');
    expect(outcome).toBe('closed 4409');
    expect(messages.filter((message) => message.type === 'error')).toEqual([]);
  });

  it('closes with 4409 also when the reused id is too long to quote in the close reason (123 bytes at most)', async () => {
    const session = await openSession(app.url, await login(app.url), 'Long reused ids');
    const longId = 'é'.repeat(100);
    const subscribe = JSON.stringify({ id: longId, type: 'subscribe', payload: { query: SESSION_EVENTS_SUBSCRIPTION, variables: { code: session.code } } });
    const failuresBefore = logged.filter((entry) => entry.message === 'graphql-ws failed on a WebSocket').length;
    // The id taken while its stream runs (graphql-ws refuses it), and taken again while still starting (the service does).
    for (const reuse of [[subscribe], [JSON.stringify({ id: longId, type: 'complete' }), subscribe]]) {
      const { socket, closed } = await acknowledgedSocket(app.wsUrl);
      const reasons: string[] = [];
      socket.on('close', (_code, reason) => reasons.push(String(reason)));
      socket.send(subscribe);
      if (reuse.length === 1) await waitFor(async () => (await scrapeMetric(app.url, 'ordered_subscriptions_active')) === 1, 'the stream live');
      for (const message of reuse) socket.send(message);
      expect(await closed).toBe(4409);
      expect(Buffer.byteLength(reasons[0])).toBeLessThanOrEqual(123);
      expect(reasons[0]).toMatch(/^Subscriber for é+…$/);
      await waitFor(async () => (await scrapeMetric(app.url, 'ordered_subscriptions_active')) === 0, 'no stream left running');
    }
    expect(logged.filter((entry) => entry.message === 'graphql-ws failed on a WebSocket')).toHaveLength(failuresBefore);
  });

  it('refuses a message that is not a JSON object (4400), also a JSON string that holds one', async () => {
    for (const frame of ['not json', '42', JSON.stringify(JSON.stringify({ type: 'ping' }))]) {
      const { socket, closed } = await acknowledgedSocket(app.wsUrl);
      const ponged = new Promise<string>((resolve) => socket.on('message', (data) => JSON.parse(String(data)).type === 'pong' && resolve('pong')));
      socket.send(frame);
      const outcome = await Promise.race([closed.then((code) => `closed ${code}`), ponged]);
      socket.terminate();
      expect({ frame, outcome }).toEqual({ frame, outcome: 'closed 4400' });
    }
  });

  it('still takes an id again once its operation has ended', async () => {
    const session = await openSession(app.url, await login(app.url), 'Id used twice');
    const { socket, messages } = await acknowledgedSocket(app.wsUrl);
    const subscribe = JSON.stringify({ id: 'again', type: 'subscribe', payload: { query: SESSION_EVENTS_SUBSCRIPTION, variables: { code: session.code } } });
    socket.send(subscribe);
    await waitFor(async () => (await scrapeMetric(app.url, 'ordered_subscriptions_active')) === 1, 'the first subscription streaming');
    socket.send(JSON.stringify({ id: 'again', type: 'complete' }));
    await waitFor(async () => (await scrapeMetric(app.url, 'ordered_subscriptions_active')) === 0, 'the first subscription ended');

    socket.send(subscribe);
    await waitFor(async () => (await scrapeMetric(app.url, 'ordered_subscriptions_active')) === 1, 'the second subscription streaming');
    expect(socket.readyState).toBe(WebSocket.OPEN);
    expect(messages.filter((message) => message.type === 'error')).toEqual([]);
    socket.close();
    await waitFor(async () => (await scrapeMetric(app.url, 'ordered_subscriptions_active')) === 0, 'the second subscription ended with its socket');
  });

  it('frees an id whose operation could not be identified and that the client completed at once', async () => {
    const { socket, messages } = await acknowledgedSocket(app.wsUrl);
    const raw = (socket as unknown as { _socket: { cork(): void; uncork(): void } })._socket;
    // In one write: graphql-ws handles the complete before it would refuse the subscribe.
    raw.cork();
    socket.send(JSON.stringify({ id: 'x', type: 'subscribe', payload: { query: 'query A { __typename }', operationName: 'B' } }));
    socket.send(JSON.stringify({ id: 'x', type: 'complete' }));
    raw.uncork();
    socket.send(JSON.stringify({ type: 'ping' }));
    await waitFor(async () => messages.some((message) => message.type === 'pong'), 'both handled');

    socket.send(JSON.stringify({ id: 'x', type: 'subscribe', payload: { query: '{ __typename }' } }));
    await waitFor(async () => messages.some((message) => message.id === 'x' && message.type === 'complete'), 'the id answered again');
    expect(socket.readyState).toBe(WebSocket.OPEN);
    socket.close();
  });

  it('points its errors into the document, as HTTP does', async () => {
    const client = webSocketClient(app.wsUrl);
    const asking = new Subscriber(client, 'subscription ($code: String!) {\n  sessionEvents(code: $code) { seq nope }\n}', { code: 'abcdef' });
    await asking.done;
    await client.dispose();
    expect(asking.errors.flat()).toEqual([expect.objectContaining({ locations: [{ line: 2, column: 36 }] })]);
  });

  it('closes a socket that sends a frame over 256 KiB (1009) and logs it with the connection id, not on stderr', async () => {
    const printed = jest.spyOn(console, 'error');
    try {
      const { socket, closed } = await acknowledgedSocket(app.wsUrl);
      socket.send(JSON.stringify({ id: 'big', type: 'subscribe', payload: { query: `{ ${'a'.repeat(300 * 1024)} }` } }));
      expect(await closed).toBe(1009);
      await waitFor(async () => logged.some((entry) => entry.message === 'closed a WebSocket that broke the protocol'), 'the log entry');
      const entry = logged.find((line) => line.message === 'closed a WebSocket that broke the protocol');
      expect(entry).toMatchObject({ level: 'info', connectionId: expect.stringMatching(/^[0-9a-f-]{36}$/), error: expect.stringMatching(/max payload/i) });
      expect(printed).not.toHaveBeenCalled();
    } finally {
      printed.mockRestore();
    }
  });

  it('says nothing on stderr of clients that vanish while their events are being sent', async () => {
    const session = await openSession(app.url, await login(app.url), 'Vanishing guests');
    for (let i = 0; i < 5; i++) await placeOrder(app.url, session.code);
    const printed = jest.spyOn(console, 'error');
    try {
      const gone = [];
      for (let i = 0; i < 20; i++) {
        const { socket, closed } = await acknowledgedSocket(app.wsUrl);
        // Each subscription's replay, and the refusal of a location stream without a credential, are written at once to a client already gone.
        for (let id = 0; id < 5; id++) socket.send(JSON.stringify({ id: String(id), type: 'subscribe', payload: { query: SESSION_EVENTS_SUBSCRIPTION, variables: { code: session.code } } }));
        socket.send(JSON.stringify({ id: 'location', type: 'subscribe', payload: { query: LOCATION_EVENTS_SUBSCRIPTION, variables: { locationId: DEMO.cafe } } }));
        socket.terminate();
        gone.push(closed);
      }
      await Promise.all(gone);
      await waitFor(async () => app.webSocketServer.clients.size === 0, 'every socket closed on the server');
      await waitFor(async () => (await scrapeMetric(app.url, 'ordered_subscriptions_active')) === 0, 'no subscription left');
      expect(printed).not.toHaveBeenCalled();
    } finally {
      printed.mockRestore();
    }
  });
});
