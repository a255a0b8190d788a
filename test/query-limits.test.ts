import { MAX_ALIASES, MAX_DOCUMENT_LENGTH, MAX_TOKENS } from '../src/server/query-limits';
import { SESSION } from './support/operations';
import { DEMO, login, openSession } from './support/fixtures';
import { errorCode, graphql, Subscriber, webSocketClient } from './support/graphql-client';
import { startTestApp, type TestApp } from './support/test-app';

/** A session's QR code `count` times under as many aliases: each one a call to the codes service. */
const aliasedQrCodes = (count: number) => Array.from({ length: count }, (_, index) => `qr${index}: qrCode { content }`).join(' ');

const qrCodes = (count: number) => /* GraphQL */ `
  query ManyQrCodes($code: String!) {
    session(code: $code) { ${aliasedQrCodes(count)} }
  }
`;

describe('limits on what one operation may ask for', () => {
  let test: TestApp;
  let code: string;
  beforeAll(async () => {
    test = await startTestApp();
    code = (await openSession(test.url, await login(test.url), 'Table of aliases')).code;
  });
  afterAll(() => test.stop());
  beforeEach(() => test.doubles.control.resetRequestCounts());

  it(`answers ${MAX_ALIASES} aliases`, async () => {
    const response = await graphql(test.url, qrCodes(MAX_ALIASES), { code });
    expect(response.errors).toBeUndefined();
    expect(Object.keys(response.data.session)).toHaveLength(MAX_ALIASES);
  });

  it(`refuses ${MAX_ALIASES + 1} aliases over HTTP with GRAPHQL_VALIDATION_FAILED, before calling any sibling`, async () => {
    const response = await graphql(test.url, qrCodes(MAX_ALIASES + 1), { code });
    expect(response.data ?? null).toBeNull();
    expect(errorCode(response)).toBe('GRAPHQL_VALIDATION_FAILED');
    expect(test.doubles.control.requestCount('/codes/')).toBe(0);
  });

  it(`refuses ${MAX_ALIASES + 1} aliases over WebSocket the same way`, async () => {
    const client = webSocketClient(test.wsUrl);
    const asking = new Subscriber(client, qrCodes(MAX_ALIASES + 1), { code });
    await asking.done;
    await client.dispose();
    expect(asking.items).toEqual([]);
    expect(asking.errors.flat()).toEqual([expect.objectContaining({ extensions: { code: 'GRAPHQL_VALIDATION_FAILED' } })]);
    expect(test.doubles.control.requestCount('/codes/')).toBe(0);
  });

  it('counts an alias named __typename like any other', async () => {
    const query = `query ($code: String!) { session(code: $code) { __typename: qrCode { content } ${aliasedQrCodes(MAX_ALIASES)} } }`;
    expect(errorCode(await graphql(test.url, query, { code }))).toBe('GRAPHQL_VALIDATION_FAILED');
    expect(test.doubles.control.requestCount('/codes/')).toBe(0);
  });

  it(`refuses a document of more than ${MAX_TOKENS} tokens, over HTTP and over WebSocket, without validating it`, async () => {
    const huge = `{ ${'__typename '.repeat(MAX_TOKENS)} }`;
    const overHttp = await graphql(test.url, huge, {});
    expect(overHttp.data ?? null).toBeNull();
    expect(errorCode(overHttp)).toBe('GRAPHQL_PARSE_FAILED');
    expect(overHttp.errors?.[0].message).toMatch(new RegExp(`${MAX_TOKENS} tokens`));

    const client = webSocketClient(test.wsUrl);
    const asking = new Subscriber(client, huge, {});
    await asking.done;
    await client.dispose();
    expect(asking.items).toEqual([]);
    expect(JSON.stringify(asking.errors)).toMatch(new RegExp(`${MAX_TOKENS} tokens`));
  });

  it(`refuses a document of more than ${MAX_DOCUMENT_LENGTH} characters, line breaks and comments too, over HTTP and over WebSocket, without parsing it`, async () => {
    // Line breaks are no tokens, but each error's line is found by scanning the text from its start.
    const padded = `${'\n'.repeat(MAX_DOCUMENT_LENGTH)}query(${Array.from({ length: 100 }, () => '$a: Int').join(' ')}) { __typename }`;
    const overHttp = await graphql(test.url, padded, {});
    expect(overHttp.data ?? null).toBeNull();
    expect(errorCode(overHttp)).toBe('GRAPHQL_PARSE_FAILED');
    expect(overHttp.errors?.[0].message).toBe(`A GraphQL document has at most ${MAX_DOCUMENT_LENGTH} characters`);

    const client = webSocketClient(test.wsUrl);
    const asking = new Subscriber(client, padded, {});
    await asking.done;
    await client.dispose();
    expect(asking.items).toEqual([]);
    expect(JSON.stringify(asking.errors)).toContain(`A GraphQL document has at most ${MAX_DOCUMENT_LENGTH} characters`);
  });

  it('counts the aliases inside fragments too', async () => {
    const query = `query ($code: String!) { session(code: $code) { ...Codes } } fragment Codes on Session { ${aliasedQrCodes(MAX_ALIASES + 1)} }`;
    expect(errorCode(await graphql(test.url, query, { code }))).toBe('GRAPHQL_VALIDATION_FAILED');
  });

  describe('the fields whose answer can be large (a session\'s orders, a log\'s events)', () => {
    const refusedOverHttp = async (query: string) => {
      const response = await graphql(test.url, query, { code });
      expect(response.data ?? null).toBeNull();
      expect(errorCode(response)).toBe('GRAPHQL_VALIDATION_FAILED');
      return response.errors?.[0].message;
    };

    it('answers each of them once in an operation, as the SDK asks', async () => {
      const query = `query ($code: String!) { session(code: $code) { code orders { id } } sessionEvents(code: $code) { seq } }`;
      expect((await graphql(test.url, query, { code })).errors).toBeUndefined();
      expect((await graphql(test.url, SESSION, { code })).errors).toBeUndefined();
    });

    it('refuses a session\'s orders under two aliases, over HTTP and over WebSocket', async () => {
      const query = `query ($code: String!) { a: session(code: $code) { orders { id } } b: session(code: $code) { orders { id } } }`;
      expect(await refusedOverHttp(query)).toMatch(/Session\.orders may be asked for once per operation/);

      const client = webSocketClient(test.wsUrl);
      const asking = new Subscriber(client, query, { code });
      await asking.done;
      await client.dispose();
      expect(asking.items).toEqual([]);
      expect(asking.errors.flat()).toEqual([expect.objectContaining({ extensions: { code: 'GRAPHQL_VALIDATION_FAILED' } })]);
    });

    it("refuses a location's menu, or a page of its sessions, under two aliases: up to 1,000 products, or 100 sessions, each time", async () => {
      expect(await refusedOverHttp(`query ($code: String!) { a: menu(code: $code) { id } b: menu(code: $code) { id } }`)).toMatch(/Query\.menu may be asked for once per operation/);
      expect(await refusedOverHttp(`{ a: sessions(locationId: 1) { nodes { id } } b: sessions(locationId: 1, first: 100) { nodes { id } } }`)).toMatch(/Query\.sessions may be asked for once per operation/);
      expect((await graphql(test.url, `query ($code: String!) { menu(code: $code) { id } }`, { code })).errors).toBeUndefined();
    });

    it('refuses them in a fragment spread twice, and for each item of a list', async () => {
      await refusedOverHttp(`query ($code: String!) { session(code: $code) { ...Orders ...Orders } } fragment Orders on Session { more: orders { id } }`);
      await refusedOverHttp(`query ($code: String!) { ...Events a: session(code: $code) { code } ...Events } fragment Events on Query { e: sessionEvents(code: $code) { seq } }`);
      await refusedOverHttp(`query { sessions(locationId: 1) { nodes { orders { id } } } }`);
    });
  });
});
