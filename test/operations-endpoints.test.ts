import { DEMO, login, openSession, placeOrder } from './support/fixtures';
import { errorCode, graphql, Subscriber, webSocketClient } from './support/graphql-client';
import { testRedisUrl } from './support/environment';
import { TcpProxy } from './support/tcp-proxy';
import { metricValue } from './support/metrics';
import { startTestApp, type TestApp } from './support/test-app';
import { waitFor } from './support/wait';

const INTROSPECTION = '{ __schema { queryType { name } } }';

describe('with the playground disabled', () => {
  let test: TestApp;
  beforeAll(async () => {
    test = await startTestApp({ playground: false });
  });
  afterAll(() => test.stop());

  it('serves no page at / or /graphql', async () => {
    const root = await fetch(test.url.replace('/graphql', '/'), { headers: { accept: 'text/html' } });
    expect(root.status).toBe(404);
    const page = await fetch(test.url, { headers: { accept: 'text/html' } });
    expect(page.headers.get('content-type') ?? '').not.toContain('text/html');
    const asset = await fetch(test.url.replace('/graphql', '/playground/graphiql.min.js'));
    expect(asset.status).toBe(404);
  });

  it('answers a path it does not serve with a JSON 404, whatever the method', async () => {
    for (const [method, path] of [['POST', '/graphql/x'], ['GET', '/nope']]) {
      const answer = await fetch(test.url.replace('/graphql', path), { method, headers: { 'content-type': 'application/json' }, body: method === 'POST' ? '{}' : undefined });
      expect(answer.status).toBe(404);
      expect(answer.headers.get('content-type')).toContain('application/json');
      expect(((await answer.json()) as { errors: unknown[] }).errors).toEqual([expect.objectContaining({ extensions: { code: 'NOT_FOUND' } })]);
    }
  });

  it('refuses introspection over HTTP and over WebSocket, while ordinary operations work', async () => {
    const overHttp = await graphql(test.url, INTROSPECTION);
    expect(overHttp.data ?? undefined).toBeUndefined();
    expect(errorCode(overHttp)).toBe('GRAPHQL_VALIDATION_FAILED');

    const client = webSocketClient(test.wsUrl);
    const overWebSocket = new Subscriber(client, INTROSPECTION, {});
    await overWebSocket.done;
    expect(overWebSocket.items).toEqual([]);
    expect(JSON.stringify(overWebSocket.errors)).toMatch(/introspection/i);
    await client.dispose();

    expect((await graphql(test.url, 'mutation { login(username: "demo", password: "demo-password") { userId } }')).data).toEqual({
      login: { userId: 1 },
    });
  });
});

describe('health, readiness and metrics', () => {
  let test: TestApp;
  let proxy: TcpProxy;
  beforeAll(async () => {
    // The service reaches PostgreSQL through a proxy the test can cut.
    proxy = new TcpProxy('127.0.0.1', 5432);
    await proxy.open();
    const base = await startTestApp();
    const databaseUrl = new URL(base.databaseUrl);
    databaseUrl.port = String(proxy.port);
    await base.app.stop();
    test = { ...base, app: await base.startAnotherInstance({ databaseUrl: databaseUrl.toString() }) };
  });
  afterAll(async () => {
    await proxy.open().catch(() => undefined);
    await test.stop();
    await proxy.cut();
  });

  it('is ready while PostgreSQL and Redis answer, and not while PostgreSQL is unreachable', async () => {
    const base = test.app.url.replace('/graphql', '');
    expect((await fetch(`${base}/healthz`)).status).toBe(200);
    expect((await fetch(`${base}/readyz`)).status).toBe(200);

    await proxy.cut();
    const down = await fetch(`${base}/readyz`);
    expect(down.status).toBe(503);
    expect(await down.json()).toMatchObject({ status: 'unavailable', database: false, pubSub: true });
    expect((await fetch(`${base}/healthz`)).status).toBe(200);

    await proxy.open();
    expect((await fetch(`${base}/readyz`)).status).toBe(200);
  });

  it('is not ready while PostgreSQL holds its answers, and says so without waiting for it', async () => {
    const base = test.app.url.replace('/graphql', '');
    expect((await fetch(`${base}/readyz`)).status).toBe(200);
    proxy.hold();
    try {
      const held = await fetch(`${base}/readyz`, { signal: AbortSignal.timeout(10_000) });
      expect(held.status).toBe(503);
      expect(await held.json()).toMatchObject({ database: false, pubSub: true });
    } finally {
      proxy.release();
    }
  });

  it('stops, even while a query waits on a PostgreSQL that holds its answers', async () => {
    const databaseUrl = new URL(test.databaseUrl);
    databaseUrl.port = String(proxy.port);
    const instance = await test.startAnotherInstance({ databaseUrl: databaseUrl.toString() });
    proxy.hold();
    try {
      // Its readiness query stays in flight on a pooled connection after the probe has its answer.
      expect((await fetch(instance.url.replace('/graphql', '/readyz'), { signal: AbortSignal.timeout(10_000) })).status).toBe(503);
      let stopped = false;
      const stopping = instance.stop().then(() => (stopped = true));
      await waitFor(async () => stopped, 'the stop to finish', 20_000);
      await stopping;
    } finally {
      proxy.release();
    }
  });

  it('listens only once its Redis connections are up, so it is ready as soon as it listens', async () => {
    const redis = new URL(testRedisUrl());
    const slowRedis = new TcpProxy(redis.hostname, Number(redis.port || 6379), 300);
    await slowRedis.open();
    const instance = await test.startAnotherInstance({ redisUrl: `redis://127.0.0.1:${slowRedis.port}` });
    try {
      const ready = await fetch(instance.url.replace('/graphql', '/readyz'));
      expect(await ready.json()).toEqual({ status: 'ready', database: true, pubSub: true });
    } finally {
      await instance.stop();
      await slowRedis.cut();
    }
  });

  it('counts orders placed, requests and errors by code in Prometheus format', async () => {
    const base = test.app.url.replace('/graphql', '');
    const before = await (await fetch(`${base}/metrics`)).text();
    const token = await login(test.app.url);
    const session = await openSession(test.app.url, token, 'Metrics table');
    expect((await placeOrder(test.app.url, session.code, [{ productId: DEMO.espresso.id, quantity: 1 }])).errors).toBeUndefined();
    expect(errorCode(await graphql(test.app.url, '{ session(code: "abcdef") { id } }'))).toBe('NOT_FOUND');

    const after = await (await fetch(`${base}/metrics`)).text();
    expect(metricValue(after, 'ordered_orders_placed_total') - (metricValue(before, 'ordered_orders_placed_total') || 0)).toBe(1);
    expect(after).toMatch(/ordered_graphql_errors_total\{transport="http",code="NOT_FOUND"\} 1/);
    expect(after).toMatch(/ordered_graphql_requests_total\{transport="http",operation="mutation"\} \d+/);
    expect(after).toMatch(/ordered_sibling_request_duration_seconds_count\{service="products",outcome="ok"\} \d+/);
    expect(after).toContain('ordered_websockets_open');
    expect(after).toContain('ordered_event_delivery_seconds');
    expect(after).toContain('ordered_process_open_fds');
    // Listing every handle per scrape costs the event loop milliseconds per thousand sockets.
    expect(after).not.toContain('ordered_nodejs_active_handles');
    expect(after).not.toContain('ordered_nodejs_active_resources');
  });

  it('answers only the metrics named in ?name=, and says which names it does not know', async () => {
    const metrics = test.app.url.replace('/graphql', '/metrics');
    const session = await openSession(test.app.url, await login(test.app.url), 'Metrics by name');
    expect((await placeOrder(test.app.url, session.code, [{ productId: DEMO.espresso.id, quantity: 1 }])).errors).toBeUndefined();

    const named = await fetch(`${metrics}?name=ordered_orders_placed_total&name=ordered_websockets_open`);
    expect(named.status).toBe(200);
    expect(named.headers.get('content-type')).toContain('text/plain');
    const text = await named.text();
    expect(text).toContain('# TYPE ordered_orders_placed_total counter');
    expect(text).toContain('# TYPE ordered_websockets_open gauge');
    expect(text).not.toContain('ordered_process_open_fds');
    expect(text).not.toContain('ordered_graphql_requests_total');
    const all = await (await fetch(metrics)).text();
    expect(metricValue(text, 'ordered_orders_placed_total')).toBeGreaterThanOrEqual(1);
    expect(metricValue(text, 'ordered_orders_placed_total')).toBe(metricValue(all, 'ordered_orders_placed_total'));

    const unknown = await fetch(`${metrics}?name=ordered_orders_placed_total&name=ordered_no_such_thing`);
    expect(unknown.status).toBe(404);
    expect(await unknown.text()).toBe('no metric named ordered_no_such_thing');
  });

  it('answers 404 for a name the registry inherits rather than holds, like any unknown name', async () => {
    const metrics = test.app.url.replace('/graphql', '/metrics');
    for (const name of ['constructor', '__proto__', 'toString']) {
      const answer = await fetch(`${metrics}?name=${name}`);
      expect(answer.status).toBe(404);
      expect(await answer.text()).toBe(`no metric named ${name}`);
    }
  });

  it('writes a metric named twice in ?name= once', async () => {
    const metrics = test.app.url.replace('/graphql', '/metrics');
    const text = await (await fetch(`${metrics}?name=ordered_websockets_open&name=ordered_websockets_open`)).text();
    expect(text.match(/# TYPE ordered_websockets_open gauge/g)).toHaveLength(1);
  });

  it('counts requests refused before any operation ran, by their code', async () => {
    const url = test.app.url;
    const errorsOf = async (code: string) =>
      metricValue(await (await fetch(url.replace('/graphql', '/metrics'))).text(), `ordered_graphql_errors_total{transport="http",code="${code}"}`) || 0;
    const post = (body: string, type = 'application/json') => fetch(url, { method: 'POST', headers: { 'content-type': type }, body });
    const before = { badRequest: await errorsOf('BAD_REQUEST'), unsupported: await errorsOf('UNSUPPORTED_MEDIA_TYPE') };

    expect((await post('{ not json')).status).toBe(400);
    // A batch: Apollo refuses it before its request pipeline.
    expect((await post(JSON.stringify([{ query: '{ __typename }' }]))).status).toBe(400);
    expect((await post('{}', 'application/json; charset=latin1')).status).toBe(415);

    expect(await errorsOf('BAD_REQUEST')).toBe(before.badRequest + 2);
    expect(await errorsOf('UNSUPPORTED_MEDIA_TYPE')).toBe(before.unsupported + 1);
  });

  it('counts a WebSocket operation by the type of the one that ran, as named by operationName', async () => {
    const metrics = test.app.url.replace('/graphql', '/metrics');
    const mutations = async () => metricValue(await (await fetch(metrics)).text(), 'ordered_graphql_requests_total{transport="ws",operation="mutation"}') || 0;
    const before = await mutations();
    const client = webSocketClient(test.app.wsUrl);
    const ran = new Subscriber(client, 'query First { __typename } mutation Second { logout }', {}, 'Second');
    await ran.done;
    await client.dispose();
    // Without a credential the mutation is refused, but it is the operation that ran.
    expect(ran.errors).toEqual([expect.objectContaining({ extensions: expect.objectContaining({ code: 'UNAUTHENTICATED' }) })]);
    expect(await mutations()).toBe(before + 1);
  });
});
