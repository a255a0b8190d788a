import { randomBytes } from 'node:crypto';
import { Client } from 'pg';
import { createApp, type App } from '../../src/app';
import { loadConfig, type Config } from '../../src/config';
import { startSiblingDoubles, type SiblingDoubles } from '../../src/dev/siblings';
import { createLogger, type Logger } from '../../src/logger';
import { testDatabaseServerUrl, testRedisUrl } from './environment';

export interface TestApp {
  app: App;
  url: string;
  wsUrl: string;
  doubles: SiblingDoubles;
  databaseUrl: string;
  /** Another instance sharing this one's database, Redis and sibling doubles (and logger, unless given one). */
  startAnotherInstance(overrides?: Partial<Config>, logger?: Logger): Promise<App>;
  /** Stops every instance, the doubles, and drops the database. */
  stop(): Promise<void>;
}

/**
 * The service on a free port with its own fresh database on the real PostgreSQL, the real
 * Redis, and sibling doubles reached over HTTP — the way clients and deployments see it.
 */
export async function startTestApp(overrides: Partial<Config> = {}): Promise<TestApp> {
  const databaseName = `ordered_test_${randomBytes(6).toString('hex')}`;
  const databaseUrl = `${testDatabaseServerUrl()}/${databaseName}`;
  const doubles = await startSiblingDoubles();
  const config: Config = {
    ...loadConfig({}),
    port: 0,
    host: '127.0.0.1',
    databaseUrl,
    redisUrl: testRedisUrl(),
    siblings: { verification: doubles.url, locations: doubles.url, products: doubles.url, codes: doubles.url },
    siblingTimeoutMs: 1000,
    wrongCodeLimitPerMinute: 1000,
    ...overrides,
  };
  const logger = createLogger(process.env.TEST_LOG === '1' ? 'debug' : 'silent');
  const instances: App[] = [];
  try {
    instances.push(await createApp(config, logger));
  } catch (error) {
    await doubles.stop();
    await dropDatabase(databaseName).catch(() => undefined);
    throw error;
  }

  return {
    app: instances[0],
    url: instances[0].url,
    wsUrl: instances[0].wsUrl,
    doubles,
    databaseUrl,
    async startAnotherInstance(more = {}, ownLogger = logger) {
      const another = await createApp({ ...config, ...more }, ownLogger);
      instances.push(another);
      return another;
    },
    async stop() {
      await Promise.all(instances.map((instance) => instance.stop()));
      await doubles.stop();
      await dropDatabase(databaseName);
    },
  };
}

/** Drops a test database, closing whatever still holds it. */
export async function dropDatabase(name: string): Promise<void> {
  const admin = new Client({ connectionString: `${testDatabaseServerUrl()}/postgres` });
  await admin.connect();
  try {
    await admin.query(`drop database if exists "${name}" with (force)`);
  } finally {
    await admin.end();
  }
}

/** A direct connection to a test app's database, for checking what was (not) written. */
export async function countRows(databaseUrl: string, table: 'sessions' | 'orders' | 'order_items' | 'session_events'): Promise<number> {
  const client = new Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    const { rows } = await client.query(`select count(*)::int as count from ${table}`);
    return rows[0].count;
  } finally {
    await client.end();
  }
}
