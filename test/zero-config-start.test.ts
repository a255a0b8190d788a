import { chmodSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startChildService, type ChildService } from './support/child-service';
import { DEMO, login, openSession, placeOrder } from './support/fixtures';
import { graphql, Subscriber, webSocketClient } from './support/graphql-client';
import { SESSION_EVENTS_SUBSCRIPTION, SESSIONS } from './support/operations';

jest.setTimeout(180_000);

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
    service = await startChildService(['npm', 'start'], { PORT: '0', DATA_DIR: dataDir });
    expect(service.output()).toContain(`username "${DEMO.representative.username}", password "${DEMO.representative.password}"`);

    const token = await login(service.url);
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
    expect(sessions.data.sessions.nodes).toEqual([expect.objectContaining({ code: opened.code, name: 'Table 2', state: 'OPEN' })]);
  });
});
