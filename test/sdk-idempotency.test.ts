import { isOrderedError, OrderedError, type RepresentativeClient } from '../sdk/src';
import { storedOrderCount, storedSeqs } from './support/database';
import { DEMO } from './support/fixtures';
import { startLossyProxy } from './support/lossy-proxy';
import { customerClient, representativeClient } from './support/sdk';
import { startTestApp, type TestApp } from './support/test-app';

const ESPRESSO = [{ productId: DEMO.espresso.id, quantity: 1 }];
const isPlaceOrder = (body: { query: string }) => body.query.includes('mutation PlaceOrder');

// One service and one proxy that can lose its answers, for both describes.
let test: TestApp;
let proxy: Awaited<ReturnType<typeof startLossyProxy>>;
beforeAll(async () => {
  test = await startTestApp();
  proxy = await startLossyProxy(test.url);
});
afterAll(async () => {
  await proxy.stop();
  await test.stop();
});

describe('placeOrder through the SDK when an answer is lost', () => {

  async function openTable(name: string) {
    const representative = representativeClient(test);
    await representative.login(DEMO.representative);
    const session = await representative.openSession({ locationId: DEMO.cafe, name });
    return session;
  }

  it('retries with the same idempotency key and makes one order', async () => {
    const session = await openTable('Table lost answer');
    const customer = customerClient({ url: proxy.url, wsUrl: test.wsUrl }, { placeOrderRetry: { delayMs: () => 10 } });
    proxy.requests.length = 0;
    proxy.loseAnswers(1, isPlaceOrder);

    const order = await customer.placeOrder({ code: session.code, items: ESPRESSO });

    const attempts = proxy.requests.filter((request) => isPlaceOrder(request.body));
    expect(attempts.map((attempt) => attempt.answerLost)).toEqual([true, false]);
    const keys = attempts.map((attempt) => attempt.body.variables?.idempotencyKey);
    expect(keys[0]).toEqual(expect.any(String));
    expect(keys[1]).toBe(keys[0]);
    expect(await storedOrderCount(test.databaseUrl, session.id)).toBe(1);
    expect(await storedSeqs(test.databaseUrl, session.id)).toEqual([1]);
    expect((await customer.session(session.code)).orders.map((stored) => stored.id)).toEqual([order.id]);
  });

  it('gives up with a NETWORK_ERROR carrying the key, and a retry with that key still makes one order', async () => {
    const session = await openTable('Table lost answers');
    const customer = customerClient({ url: proxy.url, wsUrl: test.wsUrl }, { placeOrderRetry: { retries: 2, delayMs: () => 10 } });
    proxy.requests.length = 0;
    proxy.loseAnswers(3, isPlaceOrder);

    const failure = await customer.placeOrder({ code: session.code, items: ESPRESSO }).catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(OrderedError);
    if (!isOrderedError(failure, 'NETWORK_ERROR')) throw failure;
    expect(failure.idempotencyKey).toEqual(expect.any(String));
    expect(proxy.requests.filter((request) => isPlaceOrder(request.body))).toHaveLength(3);

    const order = await customer.placeOrder({ code: session.code, items: ESPRESSO }, { idempotencyKey: failure.idempotencyKey });
    expect(await storedOrderCount(test.databaseUrl, session.id)).toBe(1);
    expect((await customer.session(session.code)).orders.map((stored) => stored.id)).toEqual([order.id]);
  });

  it('does not retry an answered failure, and a new call makes a new key', async () => {
    const session = await openTable('Table answered');
    const customer = customerClient({ url: proxy.url, wsUrl: test.wsUrl });
    proxy.requests.length = 0;

    await expect(customer.placeOrder({ code: session.code, items: [{ productId: DEMO.steakFrites.id, quantity: 1 }] })).rejects.toMatchObject({ code: 'BAD_USER_INPUT' });
    await customer.placeOrder({ code: session.code, items: ESPRESSO });
    await customer.placeOrder({ code: session.code, items: ESPRESSO });

    const attempts = proxy.requests.filter((request) => isPlaceOrder(request.body));
    expect(attempts).toHaveLength(3);
    expect(new Set(attempts.map((attempt) => attempt.body.variables?.idempotencyKey)).size).toBe(3);
    expect(await storedOrderCount(test.databaseUrl, session.id)).toBe(2);
  });
});

describe('openSession through the SDK when an answer is lost', () => {
  const isOpenSession = (body: { query: string }) => body.query.includes('mutation OpenSession');

  async function representativeThroughProxy(retries?: number) {
    const representative = representativeClient({ url: proxy.url, wsUrl: test.wsUrl }, { openSessionRetry: { retries, delayMs: () => 10 } });
    await representative.login(DEMO.representative);
    proxy.requests.length = 0;
    return representative;
  }
  const sessionsNamed = async (representative: RepresentativeClient, name: string) => {
    const page = await representative.sessions({ locationId: DEMO.cafe, first: 100 });
    return page.nodes.filter((session) => session.name === name);
  };

  it('retries with the same idempotency key and opens one session, not CONFLICT on its own name', async () => {
    const representative = await representativeThroughProxy();
    proxy.loseAnswers(1, isOpenSession);

    const session = await representative.openSession({ locationId: DEMO.cafe, name: 'Table lost open' });

    const attempts = proxy.requests.filter((request) => isOpenSession(request.body));
    expect(attempts.map((attempt) => attempt.answerLost)).toEqual([true, false]);
    const keys = attempts.map((attempt) => attempt.body.variables?.idempotencyKey);
    expect(keys[0]).toEqual(expect.any(String));
    expect(keys[1]).toBe(keys[0]);
    expect((await sessionsNamed(representative, 'Table lost open')).map((stored) => stored.id)).toEqual([session.id]);
  });

  it('gives up with a NETWORK_ERROR carrying the key, and a retry with that key answers with the session', async () => {
    const representative = await representativeThroughProxy(1);
    proxy.loseAnswers(2, isOpenSession);

    const failure = await representative.openSession({ locationId: DEMO.cafe, name: 'Table lost opens' }).catch((error: unknown) => error);
    if (!isOrderedError(failure, 'NETWORK_ERROR')) throw failure;
    expect(failure.idempotencyKey).toEqual(expect.any(String));

    const session = await representative.openSession({ locationId: DEMO.cafe, name: 'Table lost opens' }, { idempotencyKey: failure.idempotencyKey });
    expect((await sessionsNamed(representative, 'Table lost opens')).map((stored) => stored.id)).toEqual([session.id]);
  });

  it('makes a new key for each call: opening an open name again is CONFLICT', async () => {
    const representative = await representativeThroughProxy();
    await representative.openSession({ locationId: DEMO.cafe, name: 'Table twice' });
    await expect(representative.openSession({ locationId: DEMO.cafe, name: 'Table twice' })).rejects.toMatchObject({ code: 'CONFLICT' });
    const keys = proxy.requests.filter((request) => isOpenSession(request.body)).map((attempt) => attempt.body.variables?.idempotencyKey);
    expect(new Set(keys).size).toBe(2);
  });
});
