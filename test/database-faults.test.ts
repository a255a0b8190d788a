import type { App } from '../src/app';
import { queryRows } from './support/database';
import { DEMO, login, openSession, placeOrder } from './support/fixtures';
import type { GraphQLResponse } from './support/graphql-client';
import { TcpProxy } from './support/tcp-proxy';
import { startTestApp, type TestApp } from './support/test-app';

/** DATABASE_QUERY_TIMEOUT_MS of the instances here: short, so a test waits little for it. */
const QUERY_TIMEOUT_MS = 500;
const ESPRESSO = [{ productId: DEMO.espresso.id, quantity: 1 }];

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

  const expectDatabaseUnavailable = (answer: GraphQLResponse) =>
    expect(answer.errors).toEqual([expect.objectContaining({ extensions: expect.objectContaining({ code: 'SERVICE_UNAVAILABLE', service: 'database' }) })]);

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

  async function ordersOf(sessionCode: string): Promise<number> {
    const [{ count }] = await queryRows<{ count: string }>(
      test.databaseUrl,
      'select count(*) from orders o join sessions s on s.id = o.session_id where s.code = $1',
      [sessionCode],
    );
    return Number(count);
  }
});
