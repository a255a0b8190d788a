import { MAX_ALIASES } from '../src/server/query-limits';
import { login, openSession, placeOrder } from './support/fixtures';
import { errorCode, graphql } from './support/graphql-client';
import { scrapeMetric } from './support/metrics';
import { SESSION_QR } from './support/operations';
import { startTestApp, type TestApp } from './support/test-app';

const QR_RENDERS = '/codes/render/qr/';
const LOG_READS = 'ordered_session_log_reads_total';

/** `field` asked under every alias one operation may use. */
const aliased = (field: string) => Array.from({ length: MAX_ALIASES }, (_, index) => `a${index}: ${field}`).join('\n');

const SESSION_ORDERS = /* GraphQL */ `
  query SessionOrders($code: String!) { session(code: $code) { orders { id status } } }
`;

const SESSION_ORDERS_ALIASED = /* GraphQL */ `
  query SessionOrdersAliased($code: String!) { ${aliased('session(code: $code) { orders { id status } }')} }
`;

/** The QR codes of `codes`, every alias an operation may use asking for one of them. */
const sessionQrCodesAliased = (codes: string[]) => /* GraphQL */ `
  query SessionQrCodesAliased {
    ${Array.from({ length: MAX_ALIASES }, (_, index) => `a${index}: session(code: "${codes[index % codes.length]}") { code qrCode { content } }`).join('\n')}
  }
`;

let test: TestApp;
let token: string;
let tables = 0;

beforeAll(async () => {
  test = await startTestApp();
  token = await login(test.url);
});

afterAll(async () => {
  await test?.stop();
});

const openedCode = async () => (await openSession(test.url, token, `Table ${++tables}`)).code;
const qrRenders = () => test.doubles.control.requestCount(QR_RENDERS);

describe("a session's orders", () => {
  it('are read from its log once per request, and asked for under several aliases are refused before any read', async () => {
    const code = await openedCode();
    for (let order = 0; order < 3; order++) expect((await placeOrder(test.url, code)).errors).toBeUndefined();

    const readsBefore = await scrapeMetric(test.url, LOG_READS);
    const first = await graphql(test.url, SESSION_ORDERS, { code });
    expect(first.data.session.orders).toHaveLength(3);
    expect((await scrapeMetric(test.url, LOG_READS)) - readsBefore).toBe(1);

    expect(errorCode(await graphql(test.url, SESSION_ORDERS_ALIASED, { code }))).toBe('GRAPHQL_VALIDATION_FAILED');
    expect((await scrapeMetric(test.url, LOG_READS)) - readsBefore).toBe(1);

    // The next request reads the log again, and sees the order placed since.
    expect((await placeOrder(test.url, code)).errors).toBeUndefined();
    const second = await graphql(test.url, SESSION_ORDERS, { code });
    expect(second.data.session.orders).toHaveLength(4);
    expect((await scrapeMetric(test.url, LOG_READS)) - readsBefore).toBe(2);
  });
});

describe('QR codes', () => {
  it('are rendered by the codes service once per session, however many aliases ask for them, and then reused', async () => {
    const codes = [];
    for (let session = 0; session < 10; session++) codes.push(await openedCode());
    const rendersBefore = qrRenders();

    const first = await graphql(test.url, sessionQrCodesAliased(codes), {}, token);
    expect(first.errors).toBeUndefined();
    const answered = Object.values(first.data) as { code: string; qrCode: { content: string } }[];
    expect(new Set(answered.map((session) => session.code))).toEqual(new Set(codes));
    for (const session of answered) expect(session.qrCode.content).toContain(session.code);
    expect(qrRenders() - rendersBefore).toBe(10);

    const again = await graphql(test.url, sessionQrCodesAliased(codes), {}, token);
    expect(again.errors).toBeUndefined();
    expect(qrRenders() - rendersBefore).toBe(10);
  });

  it('are asked for again after the codes service failed to render one, and kept once rendered', async () => {
    const code = await openedCode();
    const rendersBefore = qrRenders();

    test.doubles.control.setUnavailable('codes');
    try {
      const failed = await graphql(test.url, SESSION_QR, { code });
      expect(failed.data?.session.qrCode).toBeNull();
      expect(failed.errors?.[0]?.extensions).toMatchObject({ code: 'SERVICE_UNAVAILABLE', service: 'codes' });
    } finally {
      test.doubles.control.setUnavailable('codes', false);
    }
    expect(qrRenders() - rendersBefore).toBe(1);

    const rendered = await graphql(test.url, SESSION_QR, { code });
    expect(rendered.errors).toBeUndefined();
    expect(rendered.data?.session.qrCode.content).toContain(code);
    expect(qrRenders() - rendersBefore).toBe(2);

    const reused = await graphql(test.url, SESSION_QR, { code });
    expect(reused.data).toEqual(rendered.data);
    expect(qrRenders() - rendersBefore).toBe(2);
  });
});
