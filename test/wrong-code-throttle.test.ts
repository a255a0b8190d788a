import type { App } from '../src/app';
import { closedPort } from './support/dead-servers';
import { waitFor } from './support/wait';
import { startTestApp, type TestApp } from './support/test-app';
import { errorCode, graphql, graphqlFrom, Subscriber, webSocketClient, type GraphQLResponse } from './support/graphql-client';
import { DEMO, login, openSession, placeOrder } from './support/fixtures';
import { CLOSE_SESSION, MENU, SESSION, SESSION_EVENTS_SUBSCRIPTION } from './support/operations';

const LIMIT = 5;
const WRONG_CODES = ['abcdef', '012345', 'xyz!', 'ffffff', '999999', 'a1b2c3'];

describe('throttling wrong session codes per client, over all instances', () => {
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
    const token = await login(test.url);
    const others = [];
    for (let i = 0; i < LIMIT; i++) others.push((await openSession(test.url, token, `Table ${i + 2}`)).code);
    for (const right of [code, ...others, code]) expect((await graphql(test.url, MENU, { code: right })).errors).toBeUndefined();
    expect(await useUpTheAllowance()).toEqual(Array(LIMIT).fill('NOT_FOUND'));
  });

  it('then refuses even a right code from that client, for every operation that takes one', async () => {
    await useUpTheAllowance();
    expect(errorCode(await graphql(test.url, SESSION, { code }))).toBe('RATE_LIMITED');
    expect(errorCode(await graphql(test.url, MENU, { code }))).toBe('RATE_LIMITED');
    expect(errorCode(await placeOrder(test.url, code))).toBe('RATE_LIMITED');
  });

  it("lets a representative at that address close sessions, and counts the representative's own wrong codes apart", async () => {
    await useUpTheAllowance();
    const token = await login(test.url);
    const closed = await graphql(test.url, CLOSE_SESSION, { code }, token);
    expect(closed.errors).toBeUndefined();
    expect(closed.data.closeSession.state).toBe('CLOSED');

    const answers = [];
    for (const wrong of WRONG_CODES) answers.push(errorCode(await graphql(test.url, CLOSE_SESSION, { code: wrong }, token)));
    expect(answers).toEqual([...Array(LIMIT).fill('NOT_FOUND'), 'RATE_LIMITED']);
    // Without a credential, closing is refused before any code is looked at.
    expect(errorCode(await graphql(test.url, CLOSE_SESSION, { code }))).toBe('UNAUTHENTICATED');
  });

  it("tells another location's representative nothing of the codes they try to close, while the address is out of attempts", async () => {
    await useUpTheAllowance();
    const rival = await login(test.url, DEMO.rival);
    // A live code of another location counts as a wrong one, or the allowance would tell them apart.
    const answers = [];
    for (const tried of [code, WRONG_CODES[0], code, WRONG_CODES[1], code, code]) answers.push(errorCode(await graphql(test.url, CLOSE_SESSION, { code: tried }, rival)));
    expect(answers).toEqual([...Array(LIMIT).fill('NOT_FOUND'), 'RATE_LIMITED']);
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

  /** Another instance that trusts X-Forwarded-For, and how to ask it for a session as a client of a given address. */
  async function behindProxy(): Promise<(address: string, sessionCode: string) => Promise<GraphQLResponse>> {
    const instance = await test.startAnotherInstance({ trustProxy: true });
    return async (address, sessionCode) => {
      const body = JSON.stringify({ query: SESSION, variables: { code: sessionCode } });
      const response = await fetch(instance.url, { method: 'POST', headers: { 'content-type': 'application/json', 'x-forwarded-for': address }, body });
      return (await response.json()) as GraphQLResponse;
    };
  }

  /** `count` distinct well-formed codes, none of them the session's. */
  function wrongCodes(count: number): string[] {
    return Array.from({ length: count }, (_, i) => (0xa00000 + i).toString(16)).filter((wrong) => wrong !== code);
  }

  it('counts an IPv6 client by its /64 network, whichever of its addresses it sends from', async () => {
    const from = await behindProxy();
    const answers = [];
    for (const [index, wrong] of wrongCodes(LIMIT + 1).entries()) answers.push(errorCode(await from(`2001:db8:5:6::${index + 1}`, wrong)));
    expect(answers).toEqual([...Array(LIMIT).fill('NOT_FOUND'), 'RATE_LIMITED']);
    expect((await from('2001:db8:5:7::1', code)).data?.session.code).toBe(code);
  });

  it('counts a client behind a proxy that appends a port to X-Forwarded-For as one, whatever the port', async () => {
    const from = await behindProxy();
    const ports = wrongCodes(LIMIT + 1).map((wrong, index) => [wrong, 40_000 + index] as const);
    const overIPv4 = [];
    for (const [wrong, port] of ports) overIPv4.push(errorCode(await from(`203.0.113.7:${port}`, wrong)));
    const overIPv6 = [];
    for (const [wrong, port] of ports) overIPv6.push(errorCode(await from(`[2001:db8:9::1]:${port}`, wrong)));

    expect(overIPv4).toEqual([...Array(LIMIT).fill('NOT_FOUND'), 'RATE_LIMITED']);
    expect(overIPv6).toEqual([...Array(LIMIT).fill('NOT_FOUND'), 'RATE_LIMITED']);
    expect((await from('203.0.113.8', code)).data?.session.code).toBe(code);
  });

  it('counts guesses sent all at once before answering any of them', async () => {
    const answers = await Promise.all(wrongCodes(4 * LIMIT).map(async (wrong) => errorCode(await graphql(test.url, SESSION, { code: wrong }))));
    expect(answers.filter((answer) => answer === 'NOT_FOUND')).toHaveLength(LIMIT);
    expect(answers.filter((answer) => answer === 'RATE_LIMITED')).toHaveLength(answers.length - LIMIT);
  });

  it('adds up the wrong codes a client spreads over two instances', async () => {
    const b = await test.startAnotherInstance();
    const instances: App[] = [test.app, b];
    const answers = [];
    for (const [i, wrong] of wrongCodes(LIMIT + 1).entries()) answers.push(errorCode(await graphql(instances[i % 2].url, SESSION, { code: wrong })));
    expect(answers).toEqual([...Array(LIMIT).fill('NOT_FOUND'), 'RATE_LIMITED']);
    expect(errorCode(await graphql(test.url, SESSION, { code }))).toBe('RATE_LIMITED');
  });

  it('tells the other instance, which then refuses even a code it already knows', async () => {
    const b = await test.startAnotherInstance();
    expect((await graphql(b.url, SESSION, { code })).errors).toBeUndefined();

    for (const wrong of wrongCodes(LIMIT)) expect(errorCode(await graphql(test.url, SESSION, { code: wrong }))).toBe('NOT_FOUND');

    await waitFor(async () => errorCode(await graphql(b.url, SESSION, { code })) === 'RATE_LIMITED', 'B refusing the client');
    expect(errorCode(await graphql(b.url, MENU, { code }))).toBe('RATE_LIMITED');
  });

  it('throttles a single instance without Redis (in-process PubSub) the same way', async () => {
    const alone = await test.startAnotherInstance({ redisUrl: undefined });
    const answers = [];
    for (const wrong of wrongCodes(LIMIT + 1)) answers.push(errorCode(await graphql(alone.url, SESSION, { code: wrong })));
    expect(answers).toEqual([...Array(LIMIT).fill('NOT_FOUND'), 'RATE_LIMITED']);
    expect(errorCode(await graphql(alone.url, MENU, { code }))).toBe('RATE_LIMITED');
  });

  it('still throttles, on its own, an instance that cannot reach Redis', async () => {
    const nowhere = await closedPort();
    const cutOff = await test.startAnotherInstance({ redisUrl: nowhere.url.replace('http:', 'redis:') });
    const answers = [];
    for (const wrong of wrongCodes(LIMIT + 1)) answers.push(errorCode(await graphql(cutOff.url, SESSION, { code: wrong })));
    expect(answers).toEqual([...Array(LIMIT).fill('NOT_FOUND'), 'RATE_LIMITED']);
    expect(errorCode(await graphql(cutOff.url, SESSION, { code }))).toBe('RATE_LIMITED');
  });
});
