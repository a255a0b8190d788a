import { ormConfig } from '../src/orm/orm-config';
import { queryRows } from './support/database';
import { login, openSession } from './support/fixtures';
import { startTestApp, type TestApp } from './support/test-app';

/** DATABASE_URL's parameters reach every connection, not only the start's first check. */
describe('the parameters of DATABASE_URL', () => {
  let test: TestApp;
  beforeAll(async () => {
    test = await startTestApp();
  });
  afterAll(() => test.stop());

  it('name the connections of the pool (application_name)', async () => {
    const instance = await test.startAnotherInstance({ databaseUrl: `${test.databaseUrl}?application_name=ordered-named` });
    await openSession(instance.url, await login(instance.url), 'Named connections');
    const names = await queryRows<{ application_name: string }>(
      test.databaseUrl,
      'select application_name from pg_stat_activity where datname = current_database() and pid <> pg_backend_pid()',
    );
    await instance.stop();

    expect(names.map((row) => row.application_name)).toContain('ordered-named');
  });

  it('tell where to connect also as parameters (a socket directory as host)', async () => {
    const { pathname } = new URL(test.databaseUrl);
    const instance = await test.startAnotherInstance({ databaseUrl: `postgresql://postgres@db.invalid:5432${pathname}?host=/var/run/postgresql` });
    const session = await openSession(instance.url, await login(instance.url), 'Over the socket');
    await instance.stop();

    expect(session.code).toMatch(/^[0-9a-f]{6}$/);
  });

  it('ask for TLS on the connections of the pool when sslmode says so', () => {
    const connection = ormConfig('postgresql://ordered:secret@db.example:5432/ordered?sslmode=require').driverOptions?.connection as Record<string, unknown>;
    expect(connection.ssl).toBeTruthy();
  });
});
