import { randomBytes } from 'node:crypto';
import { createApp, type App } from '../src/app';
import { loadConfig } from '../src/config';
import { startSiblingDoubles, type SiblingDoubles } from '../src/dev/siblings';
import { createLogger } from '../src/logger';
import { testDatabaseServerUrl, testRedisUrl } from './support/environment';
import { login, openSession } from './support/fixtures';
import { dropDatabase } from './support/test-app';

describe('instances starting at the same moment on a new database', () => {
  const databaseName = `ordered_test_${randomBytes(6).toString('hex')}`;
  let doubles: SiblingDoubles;
  let apps: App[] = [];

  beforeAll(async () => {
    doubles = await startSiblingDoubles();
  });
  afterAll(async () => {
    await Promise.all(apps.map((app) => app.stop()));
    await doubles.stop();
    await dropDatabase(databaseName);
  });

  it('all come up: one creates the database and migrates, the others wait for it', async () => {
    const config = {
      ...loadConfig({}),
      port: 0,
      host: '127.0.0.1',
      databaseUrl: `${testDatabaseServerUrl()}/${databaseName}`,
      redisUrl: testRedisUrl(),
      siblings: { verification: doubles.url, locations: doubles.url, products: doubles.url, codes: doubles.url },
    };
    const started = await Promise.allSettled([1, 2, 3].map(() => createApp(config, createLogger('silent'))));
    apps = started.flatMap((result) => (result.status === 'fulfilled' ? [result.value] : []));
    expect(started.filter((result) => result.status === 'rejected')).toEqual([]);

    const token = await login(apps[0].url);
    const session = await openSession(apps[1].url, token, 'Table 1');
    expect(session.code).toMatch(/^[0-9a-f]{6}$/);
  });
});
