import { DEMO, login, openSession, placeOrder, type OrderLine } from './support/fixtures';
import { errorCode, graphql } from './support/graphql-client';
import { SESSION, SESSION_EVENTS_QUERY } from './support/operations';
import { countRows, startTestApp, type TestApp } from './support/test-app';

const STILL_WATER = { id: 5, price: '0.80' };
const ORANGE_JUICE = { id: 4, price: '3.50' };
const UNKNOWN_PRODUCT = 999;

describe('the products of an order', () => {
  // Prices are changed between orders below: the menu is asked for every time.
  let test: TestApp;
  let token: string;
  let tables = 0;
  let originalPrices: Map<number, string>;
  beforeAll(async () => {
    test = await startTestApp({ productCacheTtlMs: 0 });
    token = await login(test.url);
    originalPrices = new Map(test.doubles.data.products.map((product) => [product.id, product.price]));
  });
  afterEach(() => {
    originalPrices.forEach((price, id) => test.doubles.control.setProductPrice(id, price));
  });
  afterAll(() => test.stop());

  const newSession = () => openSession(test.url, token, `Table ${++tables}`);

  async function writtenRows() {
    const [orders, orderItems, events] = await Promise.all([
      countRows(test.databaseUrl, 'orders'),
      countRows(test.databaseUrl, 'order_items'),
      countRows(test.databaseUrl, 'session_events'),
    ]);
    return { orders, orderItems, events };
  }

  it.each<[string, OrderLine[]]>([
    ['an unknown product', [{ productId: UNKNOWN_PRODUCT, quantity: 1 }]],
    ["a product of another location", [{ productId: DEMO.steakFrites.id, quantity: 1 }]],
    ['a good product beside an unknown one', [{ productId: DEMO.espresso.id, quantity: 1 }, { productId: UNKNOWN_PRODUCT, quantity: 1 }]],
    ["a good product beside another location's", [{ productId: DEMO.espresso.id, quantity: 2 }, { productId: DEMO.steakFrites.id, quantity: 1 }]],
  ])('refuses an order with %s as BAD_USER_INPUT and writes nothing', async (_case, items) => {
    const { code } = await newSession();
    const before = await writtenRows();

    const refused = await placeOrder(test.url, code, items);

    expect(errorCode(refused)).toBe('BAD_USER_INPUT');
    expect(refused.data ?? null).toBeNull();
    expect(await writtenRows()).toEqual(before);
    const session = await graphql(test.url, SESSION, { code });
    expect(session.data.session).toMatchObject({ lastSeq: 0, orders: [] });
  });

  it('answers a retry with its order even when prices have since risen past what Money holds', async () => {
    const { code } = await newSession();
    const items = [{ productId: DEMO.espresso.id, quantity: 2 }];
    const first = await placeOrder(test.url, code, items, 'before the rise');
    test.doubles.control.setProductPrice(DEMO.espresso.id, '60000000.00');

    const retry = await placeOrder(test.url, code, items, 'before the rise');

    expect(retry.errors).toBeUndefined();
    expect(retry.data.placeOrder).toEqual(first.data.placeOrder);
  });

  it('refuses an order whose total is past what Money holds as BAD_USER_INPUT, writes nothing, and takes one at the limit', async () => {
    const { code } = await newSession();
    test.doubles.control.setProductPrice(DEMO.espresso.id, '99999999.99');
    const before = await writtenRows();

    const refused = await placeOrder(test.url, code, [{ productId: DEMO.espresso.id, quantity: 2 }]);

    expect(errorCode(refused)).toBe('BAD_USER_INPUT');
    expect(refused.data ?? null).toBeNull();
    expect(await writtenRows()).toEqual(before);
    const atTheLimit = await placeOrder(test.url, code, [{ productId: DEMO.espresso.id, quantity: 1 }]);
    expect(atTheLimit.data.placeOrder.total).toBe('99999999.99');
    const replay = await graphql(test.url, SESSION_EVENTS_QUERY, { code });
    expect(replay.errors).toBeUndefined();
    expect(replay.data.sessionEvents).toEqual([expect.objectContaining({ seq: 1, order: expect.objectContaining({ total: '99999999.99' }) })]);
  });

  it.each([
    ['a name longer than an order keeps (501 characters)', 'x'.repeat(501)],
    ['a name with half of a surrogate pair', 'Espresso \ud83d'],
  ])('answers SERVICE_UNAVAILABLE naming products, and writes nothing, when that service gives %s', async (_case, name) => {
    const { code } = await newSession();
    const espresso = test.doubles.data.products.find((product) => product.id === DEMO.espresso.id)!;
    const originalName = espresso.name;
    espresso.name = name;
    const before = await writtenRows();
    try {
      const refused = await placeOrder(test.url, code, [{ productId: DEMO.espresso.id, quantity: 1 }]);
      expect(refused.errors).toEqual([expect.objectContaining({ extensions: expect.objectContaining({ code: 'SERVICE_UNAVAILABLE', service: 'products' }) })]);
      expect(await writtenRows()).toEqual(before);
    } finally {
      espresso.name = originalName;
    }
  });

  it("keeps an earlier order at the price it was placed at when the product's price changes", async () => {
    const { code } = await newSession();
    const earlier = await placeOrder(test.url, code, [{ productId: DEMO.espresso.id, quantity: 2 }]);
    expect(earlier.data.placeOrder).toMatchObject({ total: '4.80', items: [{ unitPrice: '2.40', lineTotal: '4.80' }] });

    test.doubles.control.setProductPrice(DEMO.espresso.id, '9.99');
    const later = await placeOrder(test.url, code, [{ productId: DEMO.espresso.id, quantity: 1 }]);
    expect(later.data.placeOrder).toMatchObject({ total: '9.99', items: [{ unitPrice: '9.99', lineTotal: '9.99' }] });

    const session = await graphql(test.url, SESSION, { code });
    expect(session.data.session.orders).toEqual([
      expect.objectContaining({ id: earlier.data.placeOrder.id, total: '4.80', items: [expect.objectContaining({ unitPrice: '2.40', quantity: 2 })] }),
      expect.objectContaining({ id: later.data.placeOrder.id, total: '9.99', items: [expect.objectContaining({ unitPrice: '9.99', quantity: 1 })] }),
    ]);

    const replay = await graphql(test.url, SESSION_EVENTS_QUERY, { code });
    expect(replay.data.sessionEvents).toEqual([
      expect.objectContaining({ seq: 1, order: expect.objectContaining({ total: '4.80', items: [expect.objectContaining({ unitPrice: '2.40' })] }) }),
      expect.objectContaining({ seq: 2, order: expect.objectContaining({ total: '9.99', items: [expect.objectContaining({ unitPrice: '9.99' })] }) }),
    ]);
  });

  it('computes line totals and totals as exact decimals', async () => {
    const { code } = await newSession();
    const water = await placeOrder(test.url, code, [{ productId: STILL_WATER.id, quantity: 3 }]);
    expect(water.data.placeOrder).toMatchObject({ total: '2.40', items: [{ unitPrice: STILL_WATER.price, lineTotal: '2.40' }] });

    // 0.1 + 0.2 and 99 × 0.29 are where floating point goes wrong (0.30000000000000004, 28.709999999999997).
    test.doubles.control.setProductPrice(ORANGE_JUICE.id, '0.10');
    test.doubles.control.setProductPrice(STILL_WATER.id, '0.20');
    const small = await placeOrder(test.url, code, [
      { productId: ORANGE_JUICE.id, quantity: 1 },
      { productId: STILL_WATER.id, quantity: 1 },
    ]);
    expect(small.data.placeOrder.total).toBe('0.30');

    test.doubles.control.setProductPrice(ORANGE_JUICE.id, '0.29');
    const many = await placeOrder(test.url, code, [{ productId: ORANGE_JUICE.id, quantity: 99 }]);
    expect(many.data.placeOrder).toMatchObject({ total: '28.71', items: [{ unitPrice: '0.29', lineTotal: '28.71' }] });
  });
});

describe("a location's menu, reused for a short time", () => {
  const TTL_MS = 1500;
  let test: TestApp;
  let token: string;
  beforeAll(async () => {
    test = await startTestApp({ productCacheTtlMs: TTL_MS });
    token = await login(test.url);
  });
  afterAll(() => test.stop());

  it('asks the products service once for many orders, and new orders take a changed price once the menu is asked again', async () => {
    const { code } = await openSession(test.url, token, 'Cached menu');
    test.doubles.control.resetRequestCounts();
    const espresso = [{ productId: DEMO.espresso.id, quantity: 1 }];
    const first = await Promise.all(Array.from({ length: 10 }, () => placeOrder(test.url, code, espresso)));
    expect(first.map((answer) => answer.data.placeOrder.total)).toEqual(Array(10).fill(DEMO.espresso.price));
    expect(test.doubles.control.requestCount('/products/')).toBe(1);

    test.doubles.control.setProductPrice(DEMO.espresso.id, '9.99');
    await new Promise((resolve) => setTimeout(resolve, TTL_MS + 100));
    const later = await placeOrder(test.url, code, espresso);
    expect(later.data.placeOrder.total).toBe('9.99');
    expect(test.doubles.control.requestCount('/products/')).toBe(2);
  });

  it('still refuses a product of another location and an unknown one, asking for each on its own', async () => {
    const { code } = await openSession(test.url, token, 'Off the menu');
    for (const [productId, message] of [[DEMO.steakFrites.id, /not on this location's menu/], [UNKNOWN_PRODUCT, /does not exist/]] as const) {
      const refused = await placeOrder(test.url, code, [{ productId: DEMO.espresso.id, quantity: 1 }, { productId, quantity: 1 }]);
      expect(errorCode(refused)).toBe('BAD_USER_INPUT');
      expect(refused.errors?.[0].message).toMatch(message);
    }
    const session = await graphql(test.url, SESSION, { code });
    expect(session.data.session).toMatchObject({ lastSeq: 0, orders: [] });
  });
});
