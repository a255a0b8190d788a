import { Redis } from 'ioredis';
import { Client } from 'pg';
import { testDatabaseServerUrl, testRedisUrl } from './environment';

/** Fails fast, with a clear message, when the PostgreSQL or Redis the tests need is not running. */
export default async function globalSetup(): Promise<void> {
  const pg = new Client({ connectionString: `${testDatabaseServerUrl()}/postgres` });
  try {
    await pg.connect();
    await pg.query('select 1');
  } catch (error) {
    throw new Error(`PostgreSQL is not reachable at ${testDatabaseServerUrl()} (${String(error)}); start it or set TEST_DATABASE_SERVER_URL`);
  } finally {
    await pg.end().catch(() => undefined);
  }
  const redis = new Redis(testRedisUrl(), { lazyConnect: true, maxRetriesPerRequest: 0 });
  try {
    await redis.connect();
    await redis.ping();
  } catch (error) {
    throw new Error(`Redis is not reachable at ${testRedisUrl()} (${String(error)}); start it or set TEST_REDIS_URL`);
  } finally {
    redis.disconnect();
  }
}
