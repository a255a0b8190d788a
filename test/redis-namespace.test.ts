import { Redis } from 'ioredis';
import { ConfigError, loadConfig } from '../src/config';
import { testRedisUrl } from './support/environment';
import { startTestApp, type TestApp } from './support/test-app';

/** The channels this Redis has subscribers for, under `prefix`. */
async function channelsUnder(prefix: string): Promise<string[]> {
  const redis = new Redis(testRedisUrl());
  try {
    return ((await redis.pubsub('CHANNELS', `${prefix}*`)) as string[]).sort();
  } finally {
    redis.disconnect();
  }
}

describe('the Redis namespace', () => {
  let test: TestApp;
  beforeAll(async () => {
    test = await startTestApp();
  });
  afterAll(() => test.stop());

  it('is the database name unless told, and REDIS_NAMESPACE must be a short name', () => {
    expect(loadConfig({}).redisNamespace).toBeUndefined();
    expect(loadConfig({ REDIS_NAMESPACE: 'ordered:staging:' }).redisNamespace).toBe('ordered:staging:');
    expect(() => loadConfig({ REDIS_NAMESPACE: 'two words' })).toThrow(ConfigError);
    expect(() => loadConfig({ REDIS_NAMESPACE: 'x'.repeat(101) })).toThrow(/REDIS_NAMESPACE must be 1 to 100/);
  });

  it("prefixes every channel an instance listens to, the database's name by default, REDIS_NAMESPACE when set", async () => {
    const databaseName = new URL(test.databaseUrl).pathname.slice(1);
    expect(await channelsUnder(`ordered:${databaseName}:`)).toEqual([
      `ordered:${databaseName}:credentials:revoked`,
      `ordered:${databaseName}:wrong-codes:exhausted`,
    ]);

    const namespace = `ordered:another-${databaseName}:`;
    const another = await test.startAnotherInstance({ redisNamespace: namespace });
    try {
      expect(await channelsUnder(namespace)).toEqual([`${namespace}credentials:revoked`, `${namespace}wrong-codes:exhausted`]);
    } finally {
      await another.stop();
    }
  });
});
