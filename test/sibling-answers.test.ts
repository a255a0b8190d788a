import type { App } from '../src/app';
import { MAX_SIBLING_ANSWER_BYTES } from '../src/datasources/sibling-data-source';
import type { SiblingService } from '../src/dev/siblings';
import { createDemoData } from '../src/dev/siblings/demo-data';
import { DEMO, login, openSession } from './support/fixtures';
import { graphql, type GraphQLResponse } from './support/graphql-client';
import { LOGIN, OPEN_SESSION, PLACE_ORDER, SESSION_QR, WHO_AM_I } from './support/operations';
import { metricValue } from './support/metrics';
import { SiblingProxy, type ReplacedAnswer } from './support/sibling-proxy';
import { startTestApp, type TestApp } from './support/test-app';

const MENU_IN_FULL = /* GraphQL */ `
  query MenuInFull($code: String!) {
    menu(code: $code) { id name description price tags categories additives }
  }
`;

const MY_LOCATIONS_IN_FULL = /* GraphQL */ `
  query MyLocationsInFull { myLocations { id name description address } }
`;

let test: TestApp;
let proxy: SiblingProxy;
let app: App;
let tables = 0;

beforeAll(async () => {
  test = await startTestApp();
  proxy = new SiblingProxy(test.doubles.url);
  await proxy.start();
});

beforeEach(async () => {
  // A fresh instance reaching every sibling through the proxy, with the service's own caches
  // as short as they go: every operation asks the siblings, and nothing stays from another test.
  const siblings = { verification: proxy.url, locations: proxy.url, products: proxy.url, codes: proxy.url };
  app = await test.startAnotherInstance({ siblings, authCacheTtlMs: 0, productCacheTtlMs: 0 });
});

afterEach(async () => {
  proxy.reset();
  await app.stop();
});

afterAll(async () => {
  await proxy.stop();
  await test.stop();
});

const nextTable = () => `Table ${++tables}`;

async function openedCode(): Promise<string> {
  return (await openSession(app.url, await login(app.url), nextTable())).code;
}

function expectUnavailable(response: GraphQLResponse, service: SiblingService): void {
  expect(response.errors).toEqual([
    expect.objectContaining({
      message: expect.stringMatching(new RegExp(`\\b${service}\\b`)),
      extensions: expect.objectContaining({ code: 'SERVICE_UNAVAILABLE', service }),
    }),
  ]);
}

describe('sibling answers marked cacheable (Cache-Control: max-age=60)', () => {
  const cacheable = { 'cache-control': 'max-age=60' };

  it('still get a fresh code from the codes service for every session', async () => {
    proxy.addHeaders('/codes/new/', cacheable);
    const token = await login(app.url);

    const first = await graphql(app.url, OPEN_SESSION, { locationId: DEMO.cafe, name: nextTable() }, token);
    const second = await graphql(app.url, OPEN_SESSION, { locationId: DEMO.cafe, name: nextTable() }, token);

    expect(first.errors).toBeUndefined();
    expect(second.errors).toBeUndefined();
    expect(second.data.openSession.code).not.toBe(first.data.openSession.code);
  });

  it("do not keep a location's owner beyond AUTH_CACHE_TTL_MS", async () => {
    proxy.addHeaders('/locations/get/', cacheable);
    const token = await login(app.url);
    const cafe = test.doubles.data.locations.find((location) => location.id === DEMO.cafe)!;
    await openSession(app.url, token, nextTable());

    cafe.user_id = 2; // the café changes hands
    try {
      const opened = await graphql(app.url, OPEN_SESSION, { locationId: DEMO.cafe, name: nextTable() }, token);
      expect(opened.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    } finally {
      cafe.user_id = 1;
    }
  });

  it('do not keep a menu beyond PRODUCT_CACHE_TTL_MS', async () => {
    proxy.addHeaders('/products/find/', cacheable);
    const code = await openedCode();
    const espressoPrice = async () =>
      (await graphql(app.url, MENU_IN_FULL, { code })).data.menu.find((product: { id: number }) => product.id === DEMO.espresso.id).price;
    expect(await espressoPrice()).toBe(DEMO.espresso.price);

    test.doubles.control.setProductPrice(DEMO.espresso.id, '2.60');
    try {
      expect(await espressoPrice()).toBe('2.60');
    } finally {
      test.doubles.control.setProductPrice(DEMO.espresso.id, DEMO.espresso.price);
    }
  });
});

/** Something a client asks that needs a sibling; `prepare` runs first, while every sibling answers as it should. */
interface Operation {
  prepare?(): Promise<string>;
  ask(url: string, prepared: string): Promise<GraphQLResponse>;
}

interface Case extends Operation {
  case: string;
  service: SiblingService;
  path: string;
  answer: ReplacedAnswer;
}

const OPEN_SESSION_AT_CAFE: Operation = {
  ask: async (url) => graphql(url, OPEN_SESSION, { locationId: DEMO.cafe, name: nextTable() }, await login(url)),
};
const MENU_OF_A_SESSION: Operation = { prepare: openedCode, ask: (url, code) => graphql(url, MENU_IN_FULL, { code }) };
const MY_LOCATIONS: Operation = { ask: async (url) => graphql(url, MY_LOCATIONS_IN_FULL, {}, await login(url)) };
const LOG_IN: Operation = { ask: (url) => graphql(url, LOGIN, DEMO.representative) };
const WHO_AM_I_WITH_A_KEY: Operation = {
  prepare: async () => `1:${test.doubles.control.issueSessionKey(1)}`,
  ask: (url, token) => graphql(url, WHO_AM_I, {}, token),
};
const QR_CODE_OF_A_SESSION: Operation = { prepare: openedCode, ask: (url, code) => graphql(url, SESSION_QR, { code }) };
// Not on the café's menu, so the service asks the products service for it on its own.
const ORDER_OFF_THE_MENU: Operation = {
  prepare: openedCode,
  ask: (url, code) => graphql(url, PLACE_ORDER, { code, items: [{ productId: 999, quantity: 1 }], idempotencyKey: 'off-the-menu' }),
};

const answering =
  (service: SiblingService, path: string, operation: Operation) =>
  (name: string, answer: ReplacedAnswer): Case => ({ case: name, service, path, answer, ...operation });

const demo = createDemoData();
const tooManyRequests: ReplacedAnswer = { status: 429, json: { reason: 'too_many_requests' } };
const htmlNotFound: ReplacedAnswer = { status: 404, html: '<h1>Not Found</h1>' };
const products = (override: object): ReplacedAnswer => ({ json: [{ ...demo.products[0], ...override }] });
const locations = (override: object): ReplacedAnswer => ({ json: [{ ...demo.locations[0], ...override }] });
const session = (key: unknown, userId: unknown): ReplacedAnswer => ({ json: { session_key: key, session_data: { user_id: userId } } });

const newCodeAnswer = answering('codes', '/codes/new/', OPEN_SESSION_AT_CAFE);
const qrCodeAnswer = answering('codes', '/codes/render/qr/', QR_CODE_OF_A_SESSION);
const productListAnswer = answering('products', '/products/find/', MENU_OF_A_SESSION);
const productAnswer = answering('products', '/products/get/', ORDER_OFF_THE_MENU);
const locationListAnswer = answering('locations', '/locations/find/', MY_LOCATIONS);
const locationAnswer = answering('locations', '/locations/get/', OPEN_SESSION_AT_CAFE);
const loginAnswer = answering('verification', '/verification/login/', LOG_IN);
const verifyAnswer = answering('verification', '/verification/verify/', WHO_AM_I_WITH_A_KEY);

const CASES: Case[] = [
  // A refusal the contract does not list.
  newCodeAnswer('a 429 for a new code', tooManyRequests),
  productListAnswer("a 429 for a location's products", tooManyRequests),
  locationListAnswer("a 429 for a user's locations", tooManyRequests),
  // A success whose JSON is null.
  loginAnswer('null for a login', { json: null }),
  verifyAnswer('null for a verification', { json: null }),
  qrCodeAnswer('null for a QR code', { json: null }),
  // Fields of the wrong shape.
  productListAnswer('product tags [null]', products({ tags: [null] })),
  productListAnswer('product tags "x"', products({ tags: 'x' })),
  productListAnswer('product categories [{}]', products({ categories: [{}] })),
  productListAnswer('a product additive named 1', products({ additives: [{ name: 1 }] })),
  productListAnswer('a product description 5', products({ description: 5 })),
  locationListAnswer('a location without a name', locations({ name: undefined })),
  locationListAnswer('a location named 5', locations({ name: 5 })),
  locationListAnswer('a location description 5', locations({ description: 5 })),
  locationListAnswer('a location address {}', locations({ address: {} })),
  // A 404 that is not the contract's "does not exist".
  locationAnswer("a proxy's HTML 404 for a location", htmlNotFound),
  locationAnswer('a 404 not_found for a location', { status: 404, json: { reason: 'not_found' } }),
  productAnswer("a proxy's HTML 404 for a product", htmlNotFound),
  // A login whose credential no token ("Bearer <user id>:<session key>") can carry.
  loginAnswer('a session key with ":"', session('key:with:colons', 1)),
  loginAnswer('a session key with a space', session('key with space', 1)),
  loginAnswer('a session key of 201 characters', session('k'.repeat(201), 1)),
  loginAnswer('the user id -1', session('f'.repeat(32), -1)),
];

describe('a sibling answer outside its contract', () => {
  it.each(CASES)('gives SERVICE_UNAVAILABLE naming $service: $case', async ({ service, path, answer, prepare, ask }) => {
    const prepared = prepare ? await prepare() : '';
    proxy.replace(path, answer);

    expectUnavailable(await ask(app.url, prepared), service);
    const metrics = await (await fetch(app.url.replace('/graphql', '/metrics'))).text();
    expect(metricValue(metrics, `ordered_sibling_failures_total{service="${service}"}`)).toBe(1);
    expect(metrics).not.toContain(`{service="${service}",outcome="refused"}`);
  });

  it("counts the contract's own refusal as refused, not as a failure", async () => {
    const answer = await ORDER_OFF_THE_MENU.ask(app.url, await openedCode());

    expect(answer.errors?.[0].extensions?.code).toBe('BAD_USER_INPUT');
    const metrics = await (await fetch(app.url.replace('/graphql', '/metrics'))).text();
    expect(metricValue(metrics, 'ordered_sibling_request_duration_seconds_count{service="products",outcome="refused"}')).toBe(1);
    expect(metricValue(metrics, 'ordered_sibling_failures_total{service="products"}')).toBeNaN();
  });

  it("names what was wrong without repeating the sibling's value", async () => {
    const code = await openedCode();
    proxy.replace('/products/find/', products({ price: 'db-7.internal:5432 <b>secret</b>' }));

    const answer = await graphql(app.url, MENU_IN_FULL, { code });

    expectUnavailable(answer, 'products');
    expect(answer.errors?.[0].message).toBe('The products service is unavailable: it answered with an unexpected price');
  });
});

describe('a sibling answer larger than MAX_SIBLING_ANSWER_BYTES', () => {
  const overLimit = MAX_SIBLING_ANSWER_BYTES + 1024;
  const oversized = (description: string) => products({ description });

  it('is refused as SERVICE_UNAVAILABLE once it passes the limit', async () => {
    const code = await openedCode();
    proxy.replace('/products/find/', oversized('x'.repeat(overLimit)));

    const answer = await graphql(app.url, MENU_IN_FULL, { code });

    expectUnavailable(answer, 'products');
    expect(answer.errors?.[0].message).toBe('The products service is unavailable: it answered with more than 8 MiB');
  });

  it('is refused by its Content-Length, without waiting for a body that never comes', async () => {
    const code = await openedCode();
    proxy.replace('/products/find/', { ...oversized('short'), headers: { 'content-length': String(overLimit) } });

    const answer = await graphql(app.url, MENU_IN_FULL, { code });

    expect(answer.errors?.[0].message).toBe('The products service is unavailable: it answered with more than 8 MiB');
  });

  it('is not refused just under the limit', async () => {
    const code = await openedCode();
    const { json } = oversized('x'.repeat(MAX_SIBLING_ANSWER_BYTES - 4096)) as { json: object };
    proxy.replace('/products/find/', { json });

    const answer = await graphql(app.url, MENU_IN_FULL, { code });

    expect(answer.errors).toBeUndefined();
    expect(answer.data.menu[0].description).toHaveLength(MAX_SIBLING_ANSWER_BYTES - 4096);
  });
});
