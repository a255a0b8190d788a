import type { App } from '../src/app';
import type { SiblingService } from '../src/dev/siblings';
import { closedPort, failingUnder, silentServer, type DeadSibling } from './support/dead-servers';
import { DEMO, login, openSession } from './support/fixtures';
import { graphql, type GraphQLResponse } from './support/graphql-client';
import { LOGIN, MENU, OPEN_SESSION, PLACE_ORDER, SESSION_QR, SESSIONS } from './support/operations';
import { countRows, startTestApp, type TestApp } from './support/test-app';

const SIBLING_TIMEOUT_MS = 300;

/** An instance of the service that reaches one sibling as down, the other three at the doubles. */
interface Outage {
  app: App;
  end(): Promise<void>;
}

async function instanceWithDeadSibling(test: TestApp, sibling: SiblingService, dead: DeadSibling): Promise<Outage> {
  const { url } = test.doubles;
  const app = await test.startAnotherInstance({
    siblings: { verification: url, locations: url, products: url, codes: url, [sibling]: dead.url },
    siblingTimeoutMs: SIBLING_TIMEOUT_MS,
  });
  return {
    app,
    end: async () => {
      await app.stop();
      await dead.stop();
    },
  };
}

const OUTAGES: { outage: string; start(test: TestApp, sibling: SiblingService): Promise<Outage> }[] = [
  { outage: 'on a closed port', start: async (test, sibling) => instanceWithDeadSibling(test, sibling, await closedPort()) },
  {
    outage: 'behind a server that never answers',
    start: async (test, sibling) => instanceWithDeadSibling(test, sibling, await silentServer()),
  },
  {
    outage: 'answering 503',
    start: async (test, sibling) => {
      test.doubles.control.setUnavailable(sibling);
      // A fresh instance: nothing it might have cached from the sibling spares it the call.
      const app = await test.startAnotherInstance({ siblingTimeoutMs: SIBLING_TIMEOUT_MS });
      return {
        app,
        end: async () => {
          test.doubles.control.setUnavailable(sibling, false);
          await app.stop();
        },
      };
    },
  },
];

interface Prepared {
  token: string;
  code: string;
}

/** What each sibling is needed for, prepared while every sibling is up, then tried while one is down. */
const SIBLINGS: { sibling: SiblingService; operations: string; check(url: string, prepared: Prepared): Promise<void> }[] = [
  {
    sibling: 'verification',
    operations: 'login, the sessions query and openSession',
    async check(url, { token }) {
      expectUnavailable(await graphql(url, LOGIN, DEMO.representative), 'verification');
      expectUnavailable(await graphql(url, SESSIONS, { locationId: DEMO.cafe }, token), 'verification');
      expectUnavailable(await graphql(url, OPEN_SESSION, { locationId: DEMO.cafe, name: 'Table 9' }, token), 'verification');
    },
  },
  {
    sibling: 'locations',
    operations: 'openSession and the sessions query',
    async check(url, { token }) {
      expectUnavailable(await graphql(url, OPEN_SESSION, { locationId: DEMO.cafe, name: 'Table 9' }, token), 'locations');
      expectUnavailable(await graphql(url, SESSIONS, { locationId: DEMO.cafe }, token), 'locations');
    },
  },
  {
    sibling: 'products',
    operations: 'placeOrder and menu',
    async check(url, { code }) {
      const items = [{ productId: DEMO.espresso.id, quantity: 1 }];
      expectUnavailable(await graphql(url, PLACE_ORDER, { code, items, idempotencyKey: 'down-1' }), 'products');
      expectUnavailable(await graphql(url, MENU, { code }), 'products');
    },
  },
  {
    sibling: 'codes',
    operations: "openSession and (beside the session) its qrCode",
    async check(url, { token, code }) {
      expectUnavailable(await graphql(url, OPEN_SESSION, { locationId: DEMO.cafe, name: 'Table 9' }, token), 'codes');
      const qr = await graphql(url, SESSION_QR, { code });
      expect(qr.data.session.qrCode).toBeNull();
      expectUnavailableBeside(qr, ['session', 'qrCode'], 'codes');
    },
  },
];

function expectUnavailable(response: GraphQLResponse, service: SiblingService): void {
  expect(response.data ?? null).toBeNull();
  expect(response.errors).toEqual([
    expect.objectContaining({
      message: expect.stringMatching(new RegExp(`\\b${service}\\b`)),
      extensions: expect.objectContaining({ code: 'SERVICE_UNAVAILABLE', service }),
    }),
  ]);
}

/** A field that needs the sibling is null, the rest of the data is there, and the error says why. */
function expectUnavailableBeside(response: GraphQLResponse, path: string[], service: SiblingService): void {
  expect(response.errors).toEqual([
    expect.objectContaining({ path, extensions: expect.objectContaining({ code: 'SERVICE_UNAVAILABLE', service }) }),
  ]);
}

async function rowCounts(test: TestApp) {
  const tables = ['sessions', 'orders', 'order_items', 'session_events'] as const;
  const counts = await Promise.all(tables.map((table) => countRows(test.databaseUrl, table)));
  return Object.fromEntries(tables.map((table, index) => [table, counts[index]]));
}

describe.each(SIBLINGS)('when $sibling is down', ({ sibling, operations, check }) => {
  let test: TestApp;
  let outage: Outage | undefined;
  let tables = 0;
  beforeAll(async () => {
    test = await startTestApp();
  });
  afterEach(async () => {
    await outage?.end();
    outage = undefined;
  });
  afterAll(() => test.stop());

  it.each(OUTAGES)(`${operations} answer SERVICE_UNAVAILABLE naming ${sibling} and write nothing ($outage)`, async ({ start }) => {
    const token = `1:${test.doubles.control.issueSessionKey(1)}`;
    const { code } = await openSession(test.url, await login(test.url), `Table ${++tables}`);
    const before = await rowCounts(test);

    outage = await start(test, sibling);
    await check(outage.app.url, { token, code });

    expect(await rowCounts(test)).toEqual(before);
  });
});

describe('when the codes service hands out codes but cannot render them', () => {
  const OPEN_SESSION_WITH_QR = /* GraphQL */ `
    mutation OpenSessionWithQr($locationId: Int!, $name: String!) {
      openSession(locationId: $locationId, name: $name) { code name state qrCode { content } }
    }
  `;
  let test: TestApp;
  beforeAll(async () => {
    test = await startTestApp();
  });
  afterAll(() => test.stop());

  it('opens the session all the same, with its qrCode null and SERVICE_UNAVAILABLE beside it', async () => {
    const { app, end } = await instanceWithDeadSibling(test, 'codes', await failingUnder(test.doubles.url, '/codes/render/'));
    try {
      const token = await login(app.url);
      const opened = await graphql(app.url, OPEN_SESSION_WITH_QR, { locationId: DEMO.cafe, name: 'Table without a QR code' }, token);

      expect(opened.data.openSession).toMatchObject({ name: 'Table without a QR code', state: 'OPEN', qrCode: null });
      expectUnavailableBeside(opened, ['openSession', 'qrCode'], 'codes');
      // The session is there, and its QR code renders where the codes service can.
      const qr = await graphql(test.url, SESSION_QR, { code: opened.data.openSession.code });
      expect(qr.data.session.qrCode.content).toContain(opened.data.openSession.code);
    } finally {
      await end();
    }
  });
});
