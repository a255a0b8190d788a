import { Redis } from 'ioredis';
import { Topics } from '../src/pubsub/topics';
import { closedPort } from './support/dead-servers';
import { testRedisUrl } from './support/environment';
import { DEMO } from './support/fixtures';
import { errorCode, graphql, graphqlFrom, type GraphQLResponse } from './support/graphql-client';
import { LOGIN } from './support/operations';
import { representativeClient } from './support/sdk';
import { startTestApp, type TestApp } from './support/test-app';

const LIMIT = 3;

/** How many of the test app's keys in Redis start with `prefix` (after its namespace). */
async function redisKeys(test: TestApp, prefix: string): Promise<number> {
  const redis = new Redis(testRedisUrl());
  try {
    return (await redis.keys(`${Topics.namespaceFor(test.databaseUrl)}${prefix}*`)).length;
  } finally {
    redis.disconnect();
  }
}
const wrongPassword: { username: string; password: string } = { username: DEMO.representative.username, password: 'not-the-password' };

describe('throttling failed logins per username and client, over all instances', () => {
  let test: TestApp;

  beforeEach(async () => {
    test = await startTestApp({ loginFailureLimitPerHour: LIMIT });
  });
  afterEach(() => test.stop());

  const logIn = (who: { username: string; password: string }, url = test.url) => graphql(url, LOGIN, who);
  async function codesOf(logins: Promise<GraphQLResponse>[]): Promise<(string | undefined)[]> {
    return (await Promise.all(logins)).map(errorCode);
  }
  async function failInTurn(count: number, who = wrongPassword, url = test.url): Promise<(string | undefined)[]> {
    const codes = [];
    for (let i = 0; i < count; i++) codes.push(errorCode(await logIn(who, url)));
    return codes;
  }

  it('answers three wrong passwords with UNAUTHENTICATED, then refuses even the right one with RATE_LIMITED', async () => {
    expect(await failInTurn(LIMIT)).toEqual(Array(LIMIT).fill('UNAUTHENTICATED'));
    const refused = await logIn(DEMO.representative);
    expect(refused.data ?? null).toBeNull();
    expect(refused.errors?.[0]).toMatchObject({
      message: 'Too many failed logins; try again in 60 minutes',
      extensions: { code: 'RATE_LIMITED', retryAfterSeconds: expect.any(Number) },
    });
    expect(refused.errors?.[0].extensions?.retryAfterSeconds).toBeGreaterThan(3500);
  });

  it('counts the spellings of a username as one: any case, full-width letters, spaces around it', async () => {
    for (const username of ['DEMO', '\uff44\uff45\uff4d\uff4f', ' demo ']) await logIn({ ...wrongPassword, username });
    expect(errorCode(await logIn(DEMO.representative))).toBe('RATE_LIMITED');
  });

  it('refuses a username over 256 characters as BAD_USER_INPUT before counting it, however it is spelled', async () => {
    // 130,000 combining marks took 16 s of the event loop to normalise.
    for (const username of ['d'.repeat(257), '😀'.repeat(257), `a${'\u0300'.repeat(65_000)}${'\u0316'.repeat(65_000)}`]) {
      const refused = await logIn({ username, password: 'x' });
      expect(errorCode(refused)).toBe('BAD_USER_INPUT');
      expect(refused.errors?.[0].message).toMatch(/^A (username|string in the variables) has at most (256|1024) characters$/);
    }
    expect(errorCode(await logIn(DEMO.representative))).toBeUndefined();
    // Counted in characters: 256 emoji are a username.
    expect(errorCode(await logIn({ username: '😀'.repeat(256), password: 'x' }))).toBe('UNAUTHENTICATED');
  });

  it('keeps letting that username in from another client address', async () => {
    await failInTurn(LIMIT);
    const elsewhere = await graphqlFrom('127.0.0.2', test.url, LOGIN, DEMO.representative);
    expect(elsewhere.errors).toBeUndefined();
    expect(elsewhere.data?.login.token).toEqual(expect.any(String));
  });

  it('keeps counting the failures before a login that succeeded, which gives its own attempt back', async () => {
    expect(await failInTurn(LIMIT - 1)).toEqual(Array(LIMIT - 1).fill('UNAUTHENTICATED'));
    expect((await logIn(DEMO.representative)).errors).toBeUndefined();
    expect(await failInTurn(2)).toEqual(['UNAUTHENTICATED', 'RATE_LIMITED']);
  });

  it('counts guesses answered after a login that succeeded beside them', async () => {
    const guesses = Array.from({ length: LIMIT - 1 }, () => logIn(wrongPassword));
    const [right] = await Promise.all([logIn(DEMO.representative), ...guesses]);
    expect(right.errors).toBeUndefined();
    expect(await failInTurn(2)).toEqual(['UNAUTHENTICATED', 'RATE_LIMITED']);
  });

  it('makes no count per username for a client already refused', async () => {
    const usernames = Array.from({ length: 10 * LIMIT }, (_, i) => `guesser-${i}`);
    for (const username of usernames) await logIn({ username, password: 'guess' });
    const keysBefore = await redisKeys(test, 'failed-logins:user');
    for (let i = 0; i < 20; i++) expect(errorCode(await logIn({ username: `refused-${i}`, password: 'guess' }))).toBe('RATE_LIMITED');
    expect(await redisKeys(test, 'failed-logins:user')).toBe(keysBefore);
  });

  it('counts guesses sent all at once before any is answered', async () => {
    const codes = await codesOf(Array.from({ length: 10 }, () => logIn(wrongPassword)));
    expect(codes.filter((code) => code === 'UNAUTHENTICATED')).toHaveLength(LIMIT);
    expect(codes.filter((code) => code === 'RATE_LIMITED')).toHaveLength(10 - LIMIT);
  });

  it('does not count logins that succeed: one in flight holds an attempt only until it is answered', async () => {
    for (let round = 0; round < 2; round++) expect(await codesOf(Array.from({ length: LIMIT }, () => logIn(DEMO.representative)))).toEqual(Array(LIMIT).fill(undefined));
    expect(await failInTurn(LIMIT)).toEqual(Array(LIMIT).fill('UNAUTHENTICATED'));
  });

  it('limits a client to ten times as many failures over all usernames', async () => {
    const usernames = Array.from({ length: 10 }, (_, i) => `guesser-${i}`);
    for (const username of usernames) expect(await failInTurn(LIMIT, { username, password: 'guess' })).toEqual(Array(LIMIT).fill('UNAUTHENTICATED'));
    expect(errorCode(await logIn({ username: 'one-more', password: 'guess' }))).toBe('RATE_LIMITED');
    expect(errorCode(await logIn(DEMO.representative))).toBe('RATE_LIMITED');
    expect((await graphqlFrom('127.0.0.2', test.url, LOGIN, DEMO.representative)).errors).toBeUndefined();
  });

  it('adds up the failures a client spreads over two instances', async () => {
    const other = await test.startAnotherInstance();
    const codes = [];
    for (let i = 0; i <= LIMIT; i++) codes.push(errorCode(await logIn(wrongPassword, i % 2 === 0 ? test.url : other.url)));
    expect(codes).toEqual([...Array(LIMIT).fill('UNAUTHENTICATED'), 'RATE_LIMITED']);
  });

  it('does not count a login the verification service could not answer', async () => {
    const down = await closedPort();
    const { url: doubles } = test.doubles;
    const cut = await test.startAnotherInstance({ siblings: { verification: down.url, locations: doubles, products: doubles, codes: doubles } });
    expect(await failInTurn(LIMIT + 2, wrongPassword, cut.url)).toEqual(Array(LIMIT + 2).fill('SERVICE_UNAVAILABLE'));
    expect(await failInTurn(LIMIT + 1)).toEqual([...Array(LIMIT).fill('UNAUTHENTICATED'), 'RATE_LIMITED']);
  });

  describe('from a device the username logged in from before (its deviceKey)', () => {
    const deviceKeyOf = async (url = test.url) => {
      const answer = await logIn(DEMO.representative, url);
      expect(answer.errors).toBeUndefined();
      return answer.data.login.deviceKey as string;
    };
    const withKey = (deviceKey: string, password: string = DEMO.representative.password, url = test.url) =>
      graphql(url, LOGIN, { ...DEMO.representative, password, deviceKey });

    it('logs in while others at its address have locked the username there', async () => {
      const deviceKey = await deviceKeyOf();
      expect(await failInTurn(LIMIT)).toEqual(Array(LIMIT).fill('UNAUTHENTICATED'));
      expect(errorCode(await logIn(DEMO.representative))).toBe('RATE_LIMITED');

      const answer = await withKey(deviceKey);
      expect(answer.errors).toBeUndefined();
      expect(answer.data.login).toMatchObject({ userId: 1, deviceKey });
    });

    it("counts that device's failures on its own, without locking the address", async () => {
      const deviceKey = await deviceKeyOf();
      const codes = [];
      for (let i = 0; i < LIMIT; i++) codes.push(errorCode(await withKey(deviceKey, 'not-the-password')));
      expect(codes).toEqual(Array(LIMIT).fill('UNAUTHENTICATED'));
      expect(errorCode(await withKey(deviceKey))).toBe('RATE_LIMITED');
      expect((await logIn(DEMO.representative)).errors).toBeUndefined();
    });

    it('is known on every instance', async () => {
      const other = await test.startAnotherInstance();
      const deviceKey = await deviceKeyOf(other.url);
      await failInTurn(LIMIT);
      expect((await withKey(deviceKey)).errors).toBeUndefined();
    });

    it('counts as no key when made up, or handed out to another username', async () => {
      const rivalKey = (await logIn(DEMO.rival)).data.login.deviceKey as string;
      await failInTurn(LIMIT);
      expect(errorCode(await withKey('made-up'))).toBe('RATE_LIMITED');
      expect(errorCode(await withKey(rivalKey))).toBe('RATE_LIMITED');
    });

    it('counts as no key for a username spelled otherwise, though this throttle counts both as one', async () => {
      const registered = await fetch(`${test.doubles.url}/verification/register/`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ username: 'DEMO', password: 'another-password', email: 'other@example.com', first_name: 'O', last_name: 'Ther' }),
      });
      expect(registered.status).toBe(200);
      const otherAccountsKey = (await logIn({ username: 'DEMO', password: 'another-password' })).data.login.deviceKey as string;
      await failInTurn(LIMIT);
      expect(errorCode(await withKey(otherAccountsKey))).toBe('RATE_LIMITED');
    });

    it('keeps the last 20 devices of a username', async () => {
      const keys = [];
      for (let i = 0; i < 21; i++) keys.push((await logIn(DEMO.representative)).data.login.deviceKey as string);
      expect(new Set(keys).size).toBe(21);
      await failInTurn(LIMIT);
      expect(errorCode(await withKey(keys[0]))).toBe('RATE_LIMITED');
      expect((await withKey(keys[1])).errors).toBeUndefined();
    });

    it("keeps the key a shared device brings from another username's login for this one too", async () => {
      const rivalKey = (await logIn(DEMO.rival)).data.login.deviceKey as string;
      const answer = await withKey(rivalKey);
      expect(answer.data.login.deviceKey).toBe(rivalKey);
      await failInTurn(LIMIT);
      expect((await withKey(rivalKey)).errors).toBeUndefined();
    });

    it('answers null, and the SDK keeps the key it has, when Redis cannot keep one', async () => {
      const panel = representativeClient(test);
      await panel.login(DEMO.representative);
      const kept = panel.deviceKey;
      const nowhere = await closedPort();
      const cutOff = await test.startAnotherInstance({ redisUrl: nowhere.url.replace('http:', 'redis:') });
      expect((await logIn(DEMO.representative, cutOff.url)).data.login.deviceKey).toBeNull();
      const panelThere = representativeClient({ url: cutOff.url, wsUrl: cutOff.wsUrl }, { deviceKey: kept });
      await expect(panelThere.login(DEMO.representative)).resolves.toMatchObject({ deviceKey: null });
      expect(panelThere.deviceKey).toBe(kept);
    });

    it('is kept and sent by the SDK', async () => {
      const panel = representativeClient(test);
      await panel.login(DEMO.representative);
      expect(panel.deviceKey).toEqual(expect.any(String));
      await failInTurn(LIMIT);
      await expect(panel.login(DEMO.representative)).resolves.toMatchObject({ userId: 1, deviceKey: panel.deviceKey });
      const restored = representativeClient(test, { deviceKey: panel.deviceKey });
      await expect(restored.login(DEMO.representative)).resolves.toMatchObject({ userId: 1 });
    });
  });

  it('still throttles, on its own, an instance that cannot reach Redis', async () => {
    const nowhere = await closedPort();
    const cutOff = await test.startAnotherInstance({ redisUrl: nowhere.url.replace('http:', 'redis:') });
    expect(await failInTurn(LIMIT + 1, wrongPassword, cutOff.url)).toEqual([...Array(LIMIT).fill('UNAUTHENTICATED'), 'RATE_LIMITED']);
  });
});
