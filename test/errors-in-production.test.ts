import { randomUUID } from 'node:crypto';
import { Client } from 'pg';
import { countRows, startTestApp, type TestApp } from './support/test-app';
import { errorCode, graphql, Subscriber, webSocketClient, type GraphQLResponse } from './support/graphql-client';
import { DEMO, login, openSession } from './support/fixtures';
import { MENU, PLACE_ORDER, SESSION } from './support/operations';
import { createLogger } from '../src/logger';

/** What a client reads: the raw response text and its parsed body. */
async function rawGraphQL(url: string, query: string, variables: Record<string, unknown>) {
  const response = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ query, variables }) });
  const text = await response.text();
  return { text, body: JSON.parse(text) as GraphQLResponse };
}

/** Breaks the app's own database under it: placing an order now fails inside PostgreSQL. */
async function loseTheOrderItemsTable(databaseUrl: string): Promise<void> {
  const client = new Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    await client.query('alter table order_items rename to order_items_gone');
  } finally {
    await client.end();
  }
}

const anOrder = (code: string) => ({ code, items: [{ productId: DEMO.espresso.id, quantity: 1 }], idempotencyKey: randomUUID() });

describe('errors in production mode', () => {
  let test: TestApp;
  let code: string;

  beforeAll(async () => {
    test = await startTestApp({ production: true });
    code = (await openSession(test.url, await login(test.url), 'Table 1')).code;
    await loseTheOrderItemsTable(test.databaseUrl);
  });
  afterAll(() => test.stop());

  it('shows an unexpected failure as "Internal server error", without stack trace or SQL', async () => {
    const { text, body } = await rawGraphQL(test.url, PLACE_ORDER, anOrder(code));
    expect(body.errors).toHaveLength(1);
    expect(body.errors?.[0]).toMatchObject({ message: 'Internal server error', extensions: { code: 'INTERNAL_SERVER_ERROR' } });
    expect(body.errors?.[0].extensions).not.toHaveProperty('stacktrace');
    expect(text).not.toMatch(/order_items|select|insert|stacktrace|\.ts:\d/i);
  });

  it('leaves no partial order behind', async () => {
    await rawGraphQL(test.url, PLACE_ORDER, anOrder(code));
    expect(await countRows(test.databaseUrl, 'orders')).toBe(0);
    expect(await countRows(test.databaseUrl, 'session_events')).toBe(0);
  });

  it('shows the same over WebSocket', async () => {
    const client = webSocketClient(test.wsUrl);
    const placing = new Subscriber(client, PLACE_ORDER, anOrder(code));
    await placing.done;
    await client.dispose();
    expect(placing.errors).toEqual([expect.objectContaining({ message: 'Internal server error', extensions: { code: 'INTERNAL_SERVER_ERROR' } })]);
    expect(JSON.stringify(placing.errors)).not.toMatch(/order_items|select|insert|stacktrace/i);
  });

  it('shows a value the schema cannot represent as "Internal server error", over HTTP and WebSocket, and logs it', async () => {
    // A product id past GraphQL's Int, from the products service: its serialisation fails.
    const errors: string[] = [];
    const logged = createLogger('error', (line) => errors.push(JSON.parse(line).message));
    const instance = await test.startAnotherInstance({ productCacheTtlMs: 0 }, logged);
    test.doubles.data.products.push({ ...test.doubles.data.products[0], id: 2 ** 31, name: 'Too far' });
    try {
      const overHttp = await rawGraphQL(instance.url, MENU, { code });
      const client = webSocketClient(instance.wsUrl);
      const overWebSocket = new Subscriber(client, MENU, { code });
      await overWebSocket.done;
      await client.dispose();

      for (const answered of [overHttp.body.errors, overWebSocket.errors]) {
        expect(answered).toEqual([expect.objectContaining({ message: 'Internal server error', extensions: { code: 'INTERNAL_SERVER_ERROR' } })]);
      }
      expect(errors).toEqual(['unexpected error', 'unexpected error']);
    } finally {
      test.doubles.data.products.pop();
      await instance.stop();
    }
  });

  it('shows a domain error with its code and no stack trace', async () => {
    const { text, body } = await rawGraphQL(test.url, SESSION, { code: 'abcdef' });
    expect(errorCode(body)).toBe('NOT_FOUND');
    expect(body.errors?.[0].extensions).not.toHaveProperty('stacktrace');
    expect(text).not.toMatch(/stacktrace|\.ts:\d/);
  });

  it('shows a query that does not fit the schema with its code and no stack trace', async () => {
    const { text, body } = await rawGraphQL(test.url, '{ session(code: "abcdef") { nonsense } }', {});
    expect(errorCode(body)).toBe('GRAPHQL_VALIDATION_FAILED');
    expect(text).not.toMatch(/stacktrace|\.ts:\d/);
  });
});

describe('errors outside production mode', () => {
  let test: TestApp;

  beforeAll(async () => {
    test = await startTestApp({ production: false });
  });
  afterAll(() => test.stop());

  it('still gives an unexpected failure the code INTERNAL_SERVER_ERROR', async () => {
    const { code } = await openSession(test.url, await login(test.url), 'Table 1');
    await loseTheOrderItemsTable(test.databaseUrl);
    const response = await graphql(test.url, PLACE_ORDER, anOrder(code));
    expect(errorCode(response)).toBe('INTERNAL_SERVER_ERROR');
    expect(response.data).toBeNull();
  });
});

describe('a query that does not fit the schema, without introspection (production without the playground)', () => {
  let test: TestApp;
  beforeAll(async () => {
    test = await startTestApp({ production: true, playground: false });
  });
  afterAll(() => test.stop());

  const misspelled = '{ sesion(code: "abcdef") { id } }';

  it('is refused over HTTP without naming the fields it may have meant', async () => {
    const response = await graphql(test.url, misspelled);
    expect(errorCode(response)).toBe('GRAPHQL_VALIDATION_FAILED');
    expect(response.errors?.[0].message).toBe('Cannot query field "sesion" on type "Query".');
  });

  it('is refused over WebSocket the same way', async () => {
    const client = webSocketClient(test.wsUrl);
    const asking = new Subscriber(client, misspelled, {});
    await asking.done;
    await client.dispose();
    expect(asking.errors.flat()).toEqual([
      expect.objectContaining({ message: 'Cannot query field "sesion" on type "Query".', extensions: { code: 'GRAPHQL_VALIDATION_FAILED' } }),
    ]);
  });
});
