import { request } from 'node:http';
import { DEMO, login, openSession } from './support/fixtures';
import { graphql } from './support/graphql-client';
import { PLACE_ORDER, SESSION, SESSION_EVENTS_SUBSCRIPTION } from './support/operations';
import { startTestApp, type TestApp } from './support/test-app';

/** A POST with exactly these headers and body chunks (no Content-Length: sent chunked). */
function post(url: string, headers: Record<string, string>, chunks: (string | Buffer)[], method = 'POST') {
  return new Promise<{ status: number; headers: Record<string, unknown>; body: any }>((resolve, reject) => {
    const req = request(url, { method, headers }, (res) => {
      const received: Buffer[] = [];
      res.on('data', (chunk: Buffer) => received.push(chunk));
      res.on('end', () => {
        const text = Buffer.concat(received).toString('utf8');
        try {
          resolve({ status: res.statusCode ?? 0, headers: res.headers, body: text ? JSON.parse(text) : undefined });
        } catch {
          reject(new Error(`HTTP ${res.statusCode} answered with a body that is not JSON: ${text.slice(0, 200)}`));
        }
      });
      res.on('error', reject);
    });
    // The service may answer and close before it has read all of a body it refuses.
    req.on('error', (error: NodeJS.ErrnoException) => (error.code === 'EPIPE' || error.code === 'ECONNRESET' ? undefined : reject(error)));
    for (const chunk of chunks) req.write(chunk);
    req.end();
  });
}

const JSON_TYPE = { 'content-type': 'application/json' };

function expectRefused(answer: { status: number; body: any }, status: number, code: string): void {
  expect(answer.status).toBe(status);
  expect(answer.body.errors[0].extensions.code).toBe(code);
}

describe('GraphQL over HTTP: what a request may carry', () => {
  let test: TestApp;
  let code: string;
  const placeOrderBody = () =>
    JSON.stringify({ query: PLACE_ORDER, variables: { code, items: [{ productId: DEMO.espresso.id, quantity: 1 }], idempotencyKey: 'http-test' } });
  const ordersOfSession = async () => (await graphql(test.url, SESSION, { code })).data.session.orders;

  beforeAll(async () => {
    test = await startTestApp();
    code = (await openSession(test.url, await login(test.url), 'Table 1')).code;
  });
  afterAll(() => test.stop());

  it('answers a body that is not JSON with 400 BAD_REQUEST and places nothing', async () => {
    const answer = await post(test.url, JSON_TYPE, [placeOrderBody().slice(0, -5)]);
    expectRefused(answer, 400, 'BAD_REQUEST');
    expect(await ordersOfSession()).toEqual([]);
  });

  it('answers a body over 256 KiB with 413 PAYLOAD_TOO_LARGE, declared or sent in chunks, and places nothing', async () => {
    const padding = ' '.repeat(100 * 1024);
    const large = placeOrderBody().replace('{', `{${padding}${padding}${padding}`);
    const declared = await post(test.url, { ...JSON_TYPE, 'content-length': String(Buffer.byteLength(large)) }, [large]);
    expectRefused(declared, 413, 'PAYLOAD_TOO_LARGE');
    const chunked = await post(test.url, JSON_TYPE, [`{${padding}`, padding, padding, placeOrderBody().slice(1)]);
    expectRefused(chunked, 413, 'PAYLOAD_TOO_LARGE');
    expect(await ordersOfSession()).toEqual([]);
  });

  it('refuses bodies in another charset or compressed with 415 UNSUPPORTED_MEDIA_TYPE', async () => {
    const latin1 = await post(test.url, { 'content-type': 'application/json; charset=ISO-8859-1' }, [placeOrderBody()]);
    expectRefused(latin1, 415, 'UNSUPPORTED_MEDIA_TYPE');
    const gzipped = await post(test.url, { ...JSON_TYPE, 'content-encoding': 'gzip' }, [placeOrderBody()]);
    expectRefused(gzipped, 415, 'UNSUPPORTED_MEDIA_TYPE');
    expect(await ordersOfSession()).toEqual([]);
  });

  it('does not take a body of another content type (400 BAD_REQUEST)', async () => {
    const plain = await post(test.url, { 'content-type': 'text/plain' }, [placeOrderBody()]);
    expectRefused(plain, 400, 'BAD_REQUEST');
    expect(await ordersOfSession()).toEqual([]);
  });

  it('answers the same way a body it cannot read with another method (PUT)', async () => {
    expectRefused(await post(test.url, JSON_TYPE, ['{bad'], 'PUT'), 400, 'BAD_REQUEST');
    const padding = ' '.repeat(300 * 1024);
    expectRefused(await post(test.url, JSON_TYPE, [`{${padding}}`], 'PUT'), 413, 'PAYLOAD_TOO_LARGE');
    expectRefused(await post(test.url, { ...JSON_TYPE, 'content-encoding': 'gzip' }, ['{}'], 'PUT'), 415, 'UNSUPPORTED_MEDIA_TYPE');
  });

  it('reads a Content-Type header padded with thousands of spaces at once, and takes the order', async () => {
    // A backtracking pattern over its parameters took minutes of the event loop for this one header.
    const padded = `application/json; charset=${' '.repeat(8000)}"utf-8"x`;
    const answer = await post(test.url, { 'content-type': padded }, [placeOrderBody()]);
    expect(answer.status).toBe(200);
    expect(answer.body.data.placeOrder.status).toBe('PLACED');
  });

  it('places an order from a UTF-8 body sent in chunks, with a request id echoed', async () => {
    const body = placeOrderBody();
    const answer = await post(test.url, { 'content-type': 'application/json; charset=utf-8', 'x-request-id': 'order-42' }, [
      body.slice(0, 10),
      body.slice(10),
    ]);
    expect(answer.status).toBe(200);
    expect(answer.headers['x-request-id']).toBe('order-42');
    expect(answer.body.data.placeOrder.items).toEqual([expect.objectContaining({ productId: DEMO.espresso.id, quantity: 1 })]);
    expect(await ordersOfSession()).toHaveLength(1);
  });

  it('treats /graphql/ like /graphql: the same coded answer to a bad body, an order from a good one', async () => {
    const refused = await post(`${test.url}/`, JSON_TYPE, [placeOrderBody().slice(0, -5)]);
    expectRefused(refused, 400, 'BAD_REQUEST');
    const placed = await post(`${test.url}/`, JSON_TYPE, [placeOrderBody().replace('http-test', 'trailing-slash')]);
    expect(placed.status).toBe(200);
    expect(placed.body.data.placeOrder.id).toMatch(/^[0-9a-f-]{36}$/);
  });

  it('refuses a subscription with 400 BAD_REQUEST that says where subscriptions go, instead of executing it', async () => {
    const answer = await post(test.url, JSON_TYPE, [JSON.stringify({ query: SESSION_EVENTS_SUBSCRIPTION, variables: { code, afterSeq: 0 } })]);
    expectRefused(answer, 400, 'BAD_REQUEST');
    expect(answer.body.errors[0].message).toMatch(/WebSocket/);
    expect(answer.body.data).toBeUndefined();
  });

  it('still answers queries sent with GET', async () => {
    const response = await fetch(`${test.url}?query=${encodeURIComponent('{ __typename }')}`, { headers: { 'apollo-require-preflight': 'true' } });
    expect(response.status).toBe(200);
    expect(response.headers.get('x-request-id')).toMatch(/^[0-9a-f-]{36}$/);
    expect(await response.json()).toEqual({ data: { __typename: 'Query' } });
  });
});
