import { randomBytes } from 'node:crypto';
import { Client } from 'pg';
import { createApp, type App } from '../src/app';
import { loadConfig } from '../src/config';
import { startSiblingDoubles, type SiblingDoubles } from '../src/dev/siblings';
import { createLogger } from '../src/logger';
import { testDatabaseServerUrl, testRedisUrl } from './support/environment';
import { login, openSession } from './support/fixtures';
import { queryRows } from './support/database';
import { dropDatabase } from './support/test-app';

let doubles: SiblingDoubles;
beforeAll(async () => {
  doubles = await startSiblingDoubles();
});
afterAll(() => doubles.stop());

const admin = `${testDatabaseServerUrl()}/postgres`;

const configFor = (databaseName: string) => ({
  ...loadConfig({}),
  port: 0,
  host: '127.0.0.1',
  databaseUrl: `${testDatabaseServerUrl()}/${databaseName}`,
  redisUrl: testRedisUrl(),
  siblings: { verification: doubles.url, locations: doubles.url, products: doubles.url, codes: doubles.url },
});

describe('instances starting at the same moment on a new database', () => {
  const databaseName = `ordered_test_${randomBytes(6).toString('hex')}`;
  let apps: App[] = [];

  afterAll(async () => {
    await Promise.all(apps.map((app) => app.stop()));
    await dropDatabase(databaseName);
  });

  it('all come up: one creates the database and migrates, the others wait for it', async () => {
    const config = configFor(databaseName);
    const started = await Promise.allSettled([1, 2, 3].map(() => createApp(config, createLogger('silent'))));
    apps = started.flatMap((result) => (result.status === 'fulfilled' ? [result.value] : []));
    expect(started.filter((result) => result.status === 'rejected')).toEqual([]);

    const token = await login(apps[0].url);
    const session = await openSession(apps[1].url, token, 'Table 1');
    expect(session.code).toMatch(/^[0-9a-f]{6}$/);
  });
});

describe('an instance starting while another migrates for longer than DATABASE_QUERY_TIMEOUT_MS', () => {
  const databaseName = `ordered_test_${randomBytes(6).toString('hex')}`;
  afterAll(() => dropDatabase(databaseName));

  it('waits for the migration lock, which no statement time limit cuts short, and comes up', async () => {
    await queryRows(admin, `create database ${databaseName} encoding 'UTF8' template template0`);
    // Another instance in a long migration: it holds the migration lock (src/orm/database.ts).
    const migrating = new Client({ connectionString: `${testDatabaseServerUrl()}/${databaseName}` });
    await migrating.connect();
    await migrating.query('select pg_advisory_lock(7260331)');
    const starting = createApp({ ...configFor(databaseName), databaseQueryTimeoutMs: 200 }, createLogger('silent'));
    await new Promise((resolve) => setTimeout(resolve, 1_000));
    await migrating.query('select pg_advisory_unlock(7260331)');
    await migrating.end();

    const app = await starting;
    try {
      expect((await openSession(app.url, await login(app.url), 'Table 1')).code).toMatch(/^[0-9a-f]{6}$/);
    } finally {
      await app.stop();
    }
  });
});

describe('a database in another encoding than UTF8', () => {
  const databaseName = `ordered_test_${randomBytes(6).toString('hex')}`;
  const databaseUrl = `${testDatabaseServerUrl()}/${databaseName}`;

  beforeAll(async () => {
    // What initdb makes when it runs without a locale, as in a bare container.
    await queryRows(admin, `create database ${databaseName} encoding 'SQL_ASCII' lc_collate 'C' lc_ctype 'C' template template0`);
  });
  afterAll(() => dropDatabase(databaseName));

  it('stops the start with a message naming the encoding, and migrates nothing', async () => {
    await expect(createApp(configFor(databaseName), createLogger('silent'))).rejects.toThrow(
      `The database ${databaseName} is encoded SQL_ASCII; ordered needs UTF8`,
    );
    expect(await queryRows(databaseUrl, "select table_name from information_schema.tables where table_schema = 'public'")).toEqual([]);
  });
});

/**
 * A new role (`login` and `attributes`) and a database it owns, made and dropped around a
 * describe block; gives the database's URL as that role, its name written `pathName`.
 */
function databaseOfItsOwn(databaseName: string, attributes = '') {
  const role = `ordered_test_role_${randomBytes(6).toString('hex')}`;
  beforeAll(async () => {
    await queryRows(admin, `create role ${role} login ${attributes}`);
    await queryRows(admin, `create database "${databaseName}" owner ${role} encoding 'UTF8' template template0`);
  });
  afterAll(async () => {
    await dropDatabase(databaseName);
    await queryRows(admin, `drop role ${role}`);
  });
  return (pathName = databaseName) => {
    const url = new URL(testDatabaseServerUrl());
    url.username = role;
    url.pathname = `/${pathName}`;
    return url.toString();
  };
}

describe('a role that may connect only to its own database', () => {
  const databaseName = `ordered_test_${randomBytes(6).toString('hex')}`;
  const urlAs = databaseOfItsOwn(databaseName);
  beforeAll(async () => {
    // As on managed PostgreSQL: the maintenance database is not every role's.
    await queryRows(admin, 'revoke connect on database postgres from public');
  });
  afterAll(() => queryRows(admin, 'grant connect on database postgres to public'));

  it('starts on that database, which exists, without asking the postgres database', async () => {
    const app = await createApp({ ...configFor(databaseName), databaseUrl: urlAs() }, createLogger('silent'));
    try {
      const session = await openSession(app.url, await login(app.url), 'Table 1');
      expect(session.code).toMatch(/^[0-9a-f]{6}$/);
    } finally {
      await app.stop();
    }
  });
});

describe('a database whose name is percent-encoded in its URL, owned by a role that may not create databases', () => {
  const databaseName = `ordered_test_${randomBytes(6).toString('hex')}#1`;
  const urlAs = databaseOfItsOwn(databaseName, 'nocreatedb');

  it('starts on it instead of trying to create it', async () => {
    const app = await createApp({ ...configFor(databaseName), databaseUrl: urlAs(encodeURIComponent(databaseName)) }, createLogger('silent'));
    try {
      expect((await openSession(app.url, await login(app.url), 'Table 1')).code).toMatch(/^[0-9a-f]{6}$/);
    } finally {
      await app.stop();
    }
  });
});
