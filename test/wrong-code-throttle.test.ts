import { request } from 'node:http';
import { startTestApp, type TestApp } from './support/test-app';
import { errorCode, graphql, Subscriber, webSocketClient, type GraphQLResponse } from './support/graphql-client';
import { login, openSession, placeOrder } from './support/fixtures';
import { MENU, SESSION, SESSION_EVENTS_SUBSCRIPTION } from './support/operations';

const LIMIT = 5;
const WRONG_CODES = ['abcdef', '012345', 'xyz!', 'ffffff', '999999', 'a1b2c3'];

/** One GraphQL request over HTTP from another loopback address, i.e. from another client. */
function graphqlFrom(localAddress: string, url: string, query: string, variables: Record<string, unknown>): Promise<GraphQLResponse> {
  return new Promise((resolve, reject) => {
    const body = JSON.stringify({ query, variables });
    const sending = request(url, { method: 'POST', localAddress, headers: { 'content-type': 'application/json' } }, (response) => {
      let text = '';
      response.setEncoding('utf8');
      response.on('data', (chunk) => (text += chunk));
      response.on('end', () => resolve(JSON.parse(text)));
    });
    sending.on('error', reject);
    sending.end(body);
  });
}

describe('throttling wrong session codes per client', () => {
  let test: TestApp;
  let code: string;

  beforeEach(async () => {
    test = await startTestApp({ wrongCodeLimitPerMinute: LIMIT });
    code = (await openSession(test.url, await login(test.url), 'Table 1')).code;
  });
  afterEach(() => test.stop());

  async function useUpTheAllowance(): Promise<(string | undefined)[]> {
    const answers = [];
    for (const wrong of WRONG_CODES.slice(0, LIMIT)) answers.push(errorCode(await graphql(test.url, SESSION, { code: wrong })));
    return answers;
  }

  it('answers five wrong codes with NOT_FOUND and the sixth with RATE_LIMITED', async () => {
    expect(await useUpTheAllowance()).toEqual(Array(LIMIT).fill('NOT_FOUND'));
    expect(errorCode(await graphql(test.url, SESSION, { code: WRONG_CODES[LIMIT] }))).toBe('RATE_LIMITED');
  });

  it('does not count right codes against the allowance', async () => {
    for (let i = 0; i < 2 * LIMIT; i++) expect((await graphql(test.url, MENU, { code })).errors).toBeUndefined();
    expect(await useUpTheAllowance()).toEqual(Array(LIMIT).fill('NOT_FOUND'));
  });

  it('then refuses even a right code from that client, for every operation that takes one', async () => {
    await useUpTheAllowance();
    expect(errorCode(await graphql(test.url, SESSION, { code }))).toBe('RATE_LIMITED');
    expect(errorCode(await graphql(test.url, MENU, { code }))).toBe('RATE_LIMITED');
    expect(errorCode(await placeOrder(test.url, code))).toBe('RATE_LIMITED');
  });

  it('refuses that client over WebSocket too', async () => {
    await useUpTheAllowance();
    const client = webSocketClient(test.wsUrl);
    const events = new Subscriber(client, SESSION_EVENTS_SUBSCRIPTION, { code });
    await events.done;
    await client.dispose();
    expect(events.items).toEqual([]);
    expect(events.errors).toEqual([expect.objectContaining({ extensions: expect.objectContaining({ code: 'RATE_LIMITED' }) })]);
  });

  it('counts wrong codes sent over WebSocket as well', async () => {
    const client = webSocketClient(test.wsUrl);
    for (const wrong of WRONG_CODES.slice(0, LIMIT)) {
      const lookup = new Subscriber(client, SESSION, { code: wrong });
      await lookup.done;
    }
    await client.dispose();
    expect(errorCode(await graphql(test.url, SESSION, { code }))).toBe('RATE_LIMITED');
  });

  it('keeps serving another client address', async () => {
    await useUpTheAllowance();
    const elsewhere = await graphqlFrom('127.0.0.2', test.url, SESSION, { code });
    expect(elsewhere.errors).toBeUndefined();
    expect(elsewhere.data?.session.code).toBe(code);
  });
});
