import { Client } from 'pg';
import type { App } from '../src/app';
import { createLogger } from '../src/logger';
import { holdSessionRow, lockWaits, queryRows, storedOrderCount } from './support/database';
import { DEMO, login, openSession, placeOrder } from './support/fixtures';
import { graphql, type GraphQLResponse } from './support/graphql-client';
import { SET_ORDER_STATUS } from './support/operations';
import { TcpProxy } from './support/tcp-proxy';
import { startTestApp, type TestApp } from './support/test-app';
import { waitFor } from './support/wait';

/** DATABASE_QUERY_TIMEOUT_MS of the instances here: short, so a test waits little for it. */
const QUERY_TIMEOUT_MS = 500;
const ESPRESSO = [{ productId: DEMO.espresso.id, quantity: 1 }];

const expectDatabaseUnavailable = (answer: GraphQLResponse) =>
  expect(answer.errors).toEqual([expect.objectContaining({ extensions: expect.objectContaining({ code: 'SERVICE_UNAVAILABLE', service: 'database' }) })]);

/** Connections of this database left idle inside a transaction: they hold its locks, and its writes are not committed. */
const idleInTransaction = (databaseUrl: string) =>
  queryRows(databaseUrl, "select pid from pg_stat_activity where datname = current_database() and state like 'idle in transaction%'");

/**
 * PostgreSQL that stops answering: the connections the instance holds go silent (a failed-over
 * host, a partition), with or without new ones being answered. Requests are then told
 * SERVICE_UNAVAILABLE naming the database instead of waiting for ever, and the instance takes
 * orders again as soon as a connection answers.
 */
describe('an instance whose PostgreSQL stops answering', () => {
  let test: TestApp;
  let proxy: TcpProxy;
  let instance: App;
  let code: string;
  beforeAll(async () => {
    test = await startTestApp();
    code = (await openSession(test.url, await login(test.url), 'Table through the proxy')).code;
  });
  afterAll(() => test.stop());

  beforeEach(async () => {
    const database = new URL(test.databaseUrl);
    proxy = new TcpProxy('127.0.0.1', Number(database.port || 5432));
    await proxy.open();
    database.port = String(proxy.port);
    instance = await test.startAnotherInstance({ databaseUrl: database.toString(), databaseQueryTimeoutMs: QUERY_TIMEOUT_MS });
    expect((await placeOrder(instance.url, code, ESPRESSO)).errors).toBeUndefined();
  });
  afterEach(async () => {
    // Cut, not released: what the silent connections hold must never reach PostgreSQL.
    await proxy.cut();
    await instance.stop();
  });

  it('answers SERVICE_UNAVAILABLE naming the database while no connection answers', async () => {
    proxy.holdAll();

    expectDatabaseUnavailable(await placeOrder(instance.url, code, ESPRESSO));
    expectDatabaseUnavailable(await placeOrder(instance.url, code, ESPRESSO));
  });

  it('takes orders again on new connections once the silent ones are dropped, and writes none it refused', async () => {
    const before = await ordersOf(code);
    proxy.hold(); // The open connections go silent; new ones are answered.

    const answers: GraphQLResponse[] = [];
    do answers.push(await placeOrder(instance.url, code, ESPRESSO));
    while (answers.at(-1)?.errors && answers.length <= 10);

    const refused = answers.slice(0, -1);
    for (const answer of refused) expectDatabaseUnavailable(answer);
    expect(answers.at(-1)?.errors).toBeUndefined();
    expect(await ordersOf(code)).toBe(before + 1);
  });

  it('ends a transaction whose statement went unanswered: the orders placed afterwards on the same pool are all committed', async () => {
    const session = await openSession(test.url, await login(test.url), 'Table went silent mid-transaction');
    const token = await login(test.url);
    const order = await placeOrder(instance.url, session.code, ESPRESSO);
    // The transaction's lock statement waits on this; meanwhile PostgreSQL goes silent on that connection.
    const lock = await holdSessionRow(test.databaseUrl, session.id);
    const moving = graphql(instance.url, SET_ORDER_STATUS, { orderId: order.data.placeOrder.id, status: 'ACCEPTED' }, token);
    await waitFor(async () => (await lockWaits(test.databaseUrl)) === 1, 'the transaction waiting on the lock');
    proxy.hold();
    expectDatabaseUnavailable(await moving);
    // PostgreSQL answers again, late: whatever the silent connection still held arrives now,
    // well within the pause (loopback), before the next request takes a connection.
    await lock.release();
    proxy.release();
    await new Promise((resolve) => setTimeout(resolve, 200));

    const answers: GraphQLResponse[] = [];
    for (let sent = 0; sent < 4; sent++) answers.push(await placeOrder(instance.url, session.code, ESPRESSO));
    expect(answers.flatMap((answer) => answer.errors ?? [])).toEqual([]);
    expect(await storedOrderCount(test.databaseUrl, session.id)).toBe(1 + answers.length);
    await waitFor(async () => (await idleInTransaction(test.databaseUrl)).length === 0, 'no transaction left open');
  });

  async function ordersOf(sessionCode: string): Promise<number> {
    const [{ count }] = await queryRows<{ count: string }>(
      test.databaseUrl,
      'select count(*) from orders o join sessions s on s.id = o.session_id where s.code = $1',
      [sessionCode],
    );
    return Number(count);
  }
});

/**
 * PostgreSQL that answers, but not in time: a statement waits on a lock past
 * DATABASE_QUERY_TIMEOUT_MS. PostgreSQL cancels it, so what the client is told failed was not
 * written, and the connection serves the next request outside any transaction.
 */
describe('an instance whose statements wait on PostgreSQL past the time limit', () => {
  let test: TestApp;
  let token: string;
  beforeAll(async () => {
    test = await startTestApp({ databaseQueryTimeoutMs: QUERY_TIMEOUT_MS });
    token = await login(test.url);
  });
  afterAll(() => test.stop());

  it('answers an order it could not write in time SERVICE_UNAVAILABLE, and has not written it', async () => {
    const session = await openSession(test.url, token, 'Table locked too long');
    const lock = await holdSessionRow(test.databaseUrl, session.id);
    expectDatabaseUnavailable(await placeOrder(test.url, session.code, ESPRESSO));
    await lock.release();

    expect(await storedOrderCount(test.databaseUrl, session.id)).toBe(0);
    // Once the lock is free it takes the next order at once, as the first of the session.
    expect((await placeOrder(test.url, session.code, ESPRESSO)).data.placeOrder.status).toBe('PLACED');
    expect(await storedOrderCount(test.databaseUrl, session.id)).toBe(1);
  });

  it('answers an order moved along as committed, also when reading it back would have waited past the limit', async () => {
    const session = await openSession(test.url, token, 'Read back slowly');
    const order = (await placeOrder(test.url, session.code, ESPRESSO)).data.placeOrder;
    // The change waits on its session's row; by the time it commits, the order's items (which
    // the change does not write, and an answer read back would) are locked.
    const row = await holdSessionRow(test.databaseUrl, session.id);
    const moving = graphql(test.url, SET_ORDER_STATUS, { orderId: order.id, status: 'ACCEPTED' }, token);
    await waitFor(async () => (await lockWaits(test.databaseUrl)) === 1, 'the change waiting on the session row');
    const items = new Client({ connectionString: test.databaseUrl });
    await items.connect();
    await items.query('begin');
    await items.query('lock table order_items in access exclusive mode');
    await row.release();

    const moved = await moving;
    await items.query('commit');
    await items.end();
    expect(moved.errors).toBeUndefined();
    expect(moved.data.setOrderStatus).toMatchObject({ id: order.id, status: 'ACCEPTED' });
  });

  it('rolls back a transaction whose statement timed out: the orders placed afterwards are all committed', async () => {
    const session = await openSession(test.url, token, 'Order moved too late');
    const order = await placeOrder(test.url, session.code, ESPRESSO);
    const lock = await holdSessionRow(test.databaseUrl, session.id);
    expectDatabaseUnavailable(await graphql(test.url, SET_ORDER_STATUS, { orderId: order.data.placeOrder.id, status: 'ACCEPTED' }, token));
    await lock.release();

    const answers: GraphQLResponse[] = [];
    for (let sent = 0; sent < 4; sent++) answers.push(await placeOrder(test.url, session.code, ESPRESSO));
    expect(answers.flatMap((answer) => answer.errors ?? [])).toEqual([]);
    expect(await storedOrderCount(test.databaseUrl, session.id)).toBe(1 + answers.length);
    expect(await idleInTransaction(test.databaseUrl)).toEqual([]);
  });
});

describe('an instance started before its PostgreSQL takes connections', () => {
  let test: TestApp;
  beforeAll(async () => {
    test = await startTestApp();
  });
  afterAll(() => test.stop());

  it('waits for it, saying so, and then serves', async () => {
    const database = new URL(test.databaseUrl);
    const proxy = new TcpProxy('127.0.0.1', Number(database.port || 5432));
    await proxy.open();
    await proxy.cut(); // refused, as by a PostgreSQL not listening yet
    database.port = String(proxy.port);
    const logged: { message: string }[] = [];
    const starting = test.startAnotherInstance({ databaseUrl: database.toString() }, createLogger('info', (line) => logged.push(JSON.parse(line))));
    await waitFor(async () => logged.some((line) => line.message === 'waiting for the database'), 'the instance waiting');
    await proxy.open();

    const instance = await starting;
    const session = await openSession(instance.url, await login(instance.url), 'Started early');
    expect((await placeOrder(instance.url, session.code, ESPRESSO)).errors).toBeUndefined();
    await instance.stop();
    await proxy.cut();
  });
});

