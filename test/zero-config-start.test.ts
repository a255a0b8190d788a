import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { chmodSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CONFIG_VARIABLES } from '../src/config-variables';
import { startChildService, type ChildService } from './support/child-service';
import { testDatabaseServerUrl } from './support/environment';
import { DEMO, login, openSession, placeOrder } from './support/fixtures';
import { graphql, Subscriber, webSocketClient } from './support/graphql-client';
import { SESSION_EVENTS_SUBSCRIPTION, SESSIONS } from './support/operations';
import { ServiceProcess } from './support/service-process';
import { dropDatabase } from './support/test-app';

jest.setTimeout(180_000);

/** Empty locale variables count as unset. */
const WITHOUT_LOCALE = { LANG: '', LC_ALL: '', LC_CTYPE: '', LC_COLLATE: '' };

describe('npm start with nothing configured', () => {
  let dataDir: string;
  let service: ChildService | undefined;

  beforeAll(() => {
    dataDir = mkdtempSync(join(tmpdir(), 'ordered-start-'));
    // As root, the embedded PostgreSQL runs as its own user, which must reach the folder.
    chmodSync(dataDir, 0o755);
  });
  afterEach(async () => {
    await service?.stop();
    service = undefined;
  });
  afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

  it('runs the whole service, prints the demo credentials, and keeps its sessions across a restart', async () => {
    // No locale in the environment, as in a bare container: initdb would then choose SQL_ASCII unless told.
    service = await startChildService(['npm', 'start'], { PORT: '0', DATA_DIR: dataDir, ...WITHOUT_LOCALE });
    expect(service.output()).toContain(`username "${DEMO.representative.username}", password "${DEMO.representative.password}"`);

    const token = await login(service.url);
    // As many characters as a name may have, each two bytes in UTF-8.
    expect((await openSession(service.url, token, 'é'.repeat(200))).name).toBe('é'.repeat(200));
    const opened = await openSession(service.url, token, 'Table 2');
    const client = webSocketClient(service.url.replace(/^http/, 'ws'));
    const events = new Subscriber(client, SESSION_EVENTS_SUBSCRIPTION, { code: opened.code });
    expect((await placeOrder(service.url, opened.code)).errors).toBeUndefined();
    const [placed] = await events.waitFor(1);
    expect(placed.sessionEvents).toMatchObject({ __typename: 'OrderPlaced', seq: 1 });
    await client.dispose();
    await service.stop();
    expect(service.output()).toContain('"message":"stopped"');

    service = await startChildService(['npm', 'start'], { PORT: '0', DATA_DIR: dataDir });
    const again = await login(service.url);
    const sessions = await graphql(service.url, SESSIONS, { locationId: DEMO.cafe }, again);
    expect(sessions.data.sessions.nodes).toContainEqual(expect.objectContaining({ code: opened.code, name: 'Table 2', state: 'OPEN' }));
  });
});

describe('LOG_LEVEL, checked with the rest of the configuration', () => {
  it('stops the start with exit code 2 and names LOG_LEVEL and the levels it may be', () => {
    const inherited = Object.fromEntries(Object.entries(process.env).filter(([name]) => !CONFIG_VARIABLES.includes(name)));
    const started = spawnSync(process.execPath, ['-r', './test/support/swc-register.js', 'src/main.ts'], {
      cwd: join(__dirname, '..'),
      env: { ...inherited, LOG_LEVEL: 'verbose', PORT: 'x' },
      encoding: 'utf8',
      timeout: 30_000,
    });
    expect(started.status).toBe(2);
    expect(started.stderr).toBe(
      'Invalid configuration:\n' +
        '  - PORT must be an integer from 0 to 65535, got "x"\n' +
        '  - LOG_LEVEL must be one of trace, debug, info, warn, error, fatal, silent, got "verbose"\n',
    );
  });

  it('takes an empty LOG_LEVEL as unset: info', async () => {
    const databaseName = `ordered_test_${randomBytes(6).toString('hex')}`;
    const service = new ServiceProcess('empty-log-level', {
      PORT: '0',
      HOST: '127.0.0.1',
      DATABASE_URL: `${testDatabaseServerUrl()}/${databaseName}`,
      LOG_LEVEL: '',
    });
    try {
      await service.start();
      expect(service.messages.get('ordered is listening')).toBe(1);
    } finally {
      await service.stop();
      await dropDatabase(databaseName);
    }
  });
});
