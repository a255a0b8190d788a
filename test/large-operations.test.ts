import { request } from 'node:http';
import { Client } from 'pg';
import { LARGE_OPERATIONS_PER_CLIENT, LARGE_OPERATIONS_WAITING_PER_CLIENT } from '../src/server/large-operations';
import { queryRows } from './support/database';
import { DEMO, login, openSession, placeOrder } from './support/fixtures';
import { errorCode, graphql, graphqlFrom, Subscriber, webSocketClient, type GraphQLResponse } from './support/graphql-client';
import { scrapeMetric } from './support/metrics';
import { MENU, SESSION } from './support/operations';
import { acknowledgedSocket } from './support/raw-socket';
import { startTestApp, type TestApp } from './support/test-app';
import { waitFor } from './support/wait';

/** Holds every read of session logs in PostgreSQL until released: large operations then stay running. */
async function holdSessionLogs(databaseUrl: string): Promise<{ release(): Promise<void> }> {
  const client = new Client({ connectionString: databaseUrl });
  await client.connect();
  await client.query('begin');
  await client.query('lock table session_events in access exclusive mode');
  return {
    async release() {
      await client.query('rollback');
      await client.end();
    },
  };
}

/** Reads of a session log waiting for that lock in PostgreSQL. */
async function heldReads(databaseUrl: string): Promise<number> {
  const [row] = await queryRows<{ count: number }>(
    databaseUrl,
    "select count(*)::int as count from pg_stat_activity where datname = current_database() and wait_event_type = 'Lock' and query like '%from session_events%'",
  );
  return row.count;
}

describe("a client's operations that ask for a large field (a session's orders, a page of a log)", () => {
  let test: TestApp;
  let code: string;
  const waiting = () => scrapeMetric(test.url, 'ordered_large_operations_waiting');

  beforeAll(async () => {
    test = await startTestApp();
    ({ code } = await openSession(test.url, await login(test.url), 'Table with a log'));
    expect((await placeOrder(test.url, code, [{ productId: DEMO.espresso.id, quantity: 1 }])).errors).toBeUndefined();
  });
  afterAll(() => test.stop());

  const sessionWithOrders = () => graphql(test.url, SESSION, { code });
  const answeredWithOrders = (answer: GraphQLResponse) => answer.data?.session.orders.length === 1;

  it(`run ${LARGE_OPERATIONS_PER_CLIENT} at once, the next wait in the client's line, and other clients and operations go on`, async () => {
    const held = await holdSessionLogs(test.databaseUrl);
    const fromHere = Array.from({ length: LARGE_OPERATIONS_PER_CLIENT + 1 }, sessionWithOrders);
    await waitFor(async () => (await waiting()) === 1, 'one operation in line');
    const fromElsewhere = graphqlFrom('127.0.0.2', test.url, SESSION, { code });
    await waitFor(async () => (await heldReads(test.databaseUrl)) === LARGE_OPERATIONS_PER_CLIENT + 1, 'the other client reading');
    expect(await waiting()).toBe(1);
    // An operation without a large field does not wait in the line.
    expect((await graphql(test.url, MENU, { code })).errors).toBeUndefined();

    await held.release();
    for (const answer of await Promise.all([...fromHere, fromElsewhere])) expect(answeredWithOrders(answer)).toBe(true);
    expect(await waiting()).toBe(0);
  });

  it(`refuses one more than ${LARGE_OPERATIONS_WAITING_PER_CLIENT} waiting with RATE_LIMITED (HTTP 429), and answers the rest`, async () => {
    const held = await holdSessionLogs(test.databaseUrl);
    const inLine = Array.from({ length: LARGE_OPERATIONS_PER_CLIENT + LARGE_OPERATIONS_WAITING_PER_CLIENT }, sessionWithOrders);
    await waitFor(async () => (await waiting()) === LARGE_OPERATIONS_WAITING_PER_CLIENT, 'the line full');
    const response = await fetch(test.url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ query: SESSION, variables: { code } }) });
    expect(response.status).toBe(429);
    const refused = (await response.json()) as GraphQLResponse;
    expect(errorCode(refused)).toBe('RATE_LIMITED');
    expect(refused.errors?.[0].message).toBe('Too many large reads (orders, event logs) at once from this address; try again when they are answered');

    await held.release();
    for (const answer of await Promise.all(inLine)) expect(answeredWithOrders(answer)).toBe(true);
    expect(await waiting()).toBe(0);
  });

  it('puts those sent over WebSocket in the same line, and ends their turn once answered', async () => {
    const held = await holdSessionLogs(test.databaseUrl);
    const overHttp = Array.from({ length: LARGE_OPERATIONS_PER_CLIENT }, sessionWithOrders);
    await waitFor(async () => (await heldReads(test.databaseUrl)) === LARGE_OPERATIONS_PER_CLIENT, 'the turns taken');
    const client = webSocketClient(test.wsUrl);
    const overWebSocket = new Subscriber(client, SESSION, { code });
    await waitFor(async () => (await waiting()) === 1, 'the WebSocket operation in line');

    await held.release();
    await overWebSocket.done;
    expect(overWebSocket.errors).toEqual([]);
    expect(overWebSocket.items.map((item) => item.session.orders.length)).toEqual([1]);
    for (const answer of await Promise.all(overHttp)) expect(answeredWithOrders(answer)).toBe(true);
    // Every turn was given back: a full round runs again at once.
    const again = await Promise.all(Array.from({ length: LARGE_OPERATIONS_PER_CLIENT }, sessionWithOrders));
    for (const answer of again) expect(answeredWithOrders(answer)).toBe(true);
    expect(await waiting()).toBe(0);
    await client.dispose();
  });

  it('lets as many wait on one WebSocket as may wait, without Node warning of a listener leak on it', async () => {
    const held = await holdSessionLogs(test.databaseUrl);
    const client = webSocketClient(test.wsUrl);
    const inLine = Array.from({ length: LARGE_OPERATIONS_PER_CLIENT + LARGE_OPERATIONS_WAITING_PER_CLIENT }, () => new Subscriber(client, SESSION, { code }));
    await waitFor(async () => (await waiting()) === LARGE_OPERATIONS_WAITING_PER_CLIENT, 'the line full');

    // Each operation in line listens for its socket's close; past the socket's maximum, Node prints a leak warning.
    const [socket] = test.app.webSocketServer.clients;
    expect(socket.listenerCount('close')).toBeGreaterThan(LARGE_OPERATIONS_WAITING_PER_CLIENT);
    expect(socket.listenerCount('close')).toBeLessThanOrEqual(socket.getMaxListeners());

    await held.release();
    for (const operation of inLine) await operation.done;
    expect(inLine.flatMap((operation) => operation.errors)).toEqual([]);
    await client.dispose();
  });

  it('lets an operation that waited leave the line when its HTTP client hangs up', async () => {
    const held = await holdSessionLogs(test.databaseUrl);
    const running = Array.from({ length: LARGE_OPERATIONS_PER_CLIENT }, sessionWithOrders);
    const body = JSON.stringify({ query: SESSION, variables: { code } });
    const hangingUp = request(test.url, { method: 'POST', headers: { 'content-type': 'application/json' } });
    hangingUp.on('error', () => undefined);
    hangingUp.end(body);
    await waitFor(async () => (await waiting()) === 1, 'the operation in line');
    hangingUp.destroy();
    await waitFor(async () => (await waiting()) === 0, 'the line empty');
    // Counted as the client's cancellation, not as an unexpected error of the service.
    const metrics = await (await fetch(test.url.replace('/graphql', '/metrics'))).text();
    expect(metrics).toMatch(/ordered_graphql_errors_total\{transport="http",code="CANCELLED"\} 1/);

    await held.release();
    for (const answer of await Promise.all(running)) expect(answeredWithOrders(answer)).toBe(true);
  });

  it('does not run an operation its WebSocket client completed while it waited', async () => {
    const held = await holdSessionLogs(test.databaseUrl);
    const running = Array.from({ length: LARGE_OPERATIONS_PER_CLIENT }, sessionWithOrders);
    const { socket, messages } = await acknowledgedSocket(test.wsUrl);
    socket.send(JSON.stringify({ id: 'waits', type: 'subscribe', payload: { query: SESSION, variables: { code } } }));
    await waitFor(async () => (await waiting()) === 1, 'the operation in line');
    socket.send(JSON.stringify({ id: 'waits', type: 'complete' }));
    const readsBefore = await scrapeMetric(test.url, 'ordered_session_log_reads_total');

    await held.release();
    await Promise.all(running);
    await waitFor(async () => (await waiting()) === 0, 'the line empty');
    // Its turn came and passed: a full round runs again, and nothing was read or sent for it.
    for (const answer of await Promise.all(Array.from({ length: LARGE_OPERATIONS_PER_CLIENT }, sessionWithOrders))) expect(answeredWithOrders(answer)).toBe(true);
    expect(await scrapeMetric(test.url, 'ordered_session_log_reads_total')).toBe(readsBefore + LARGE_OPERATIONS_PER_CLIENT);
    expect(messages.filter((message) => message.id === 'waits')).toEqual([]);
    socket.close();
  });

  it('keeps the turn of a running operation when the client sends another under its id', async () => {
    const held = await holdSessionLogs(test.databaseUrl);
    const { socket, closed } = await acknowledgedSocket(test.wsUrl);
    socket.send(JSON.stringify({ id: 'a', type: 'subscribe', payload: { query: SESSION, variables: { code } } }));
    await waitFor(async () => (await heldReads(test.databaseUrl)) === 1, 'the first one running');
    socket.send(JSON.stringify({ id: 'a', type: 'complete' }));
    socket.send(JSON.stringify({ id: 'a', type: 'subscribe', payload: { query: SESSION, variables: { code } } }));
    expect(await closed).toBe(4409);

    // The first one still holds its turn: of two more, one runs and one waits.
    const more = Array.from({ length: LARGE_OPERATIONS_PER_CLIENT }, sessionWithOrders);
    await waitFor(async () => (await waiting()) === 1, 'one of them in line');
    await held.release();
    for (const answer of await Promise.all(more)) expect(answeredWithOrders(answer)).toBe(true);
  });
});
