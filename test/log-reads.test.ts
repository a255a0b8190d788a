import { LOG_READS_AT_ONCE } from '../src/orm/sql';
import { queryRows } from './support/database';
import { startTestApp, type TestApp } from './support/test-app';
import { waitFor } from './support/wait';

/** Statements of the test app's pool that are sleeping in PostgreSQL now. */
async function sleepingStatements(test: TestApp): Promise<number> {
  const [row] = await queryRows<{ count: number }>(
    test.databaseUrl,
    "select count(*)::int as count from pg_stat_activity where datname = current_database() and state = 'active' and query like 'select pg_sleep%'",
  );
  return row.count;
}

describe('reads of an event log, which can be megabytes', () => {
  let test: TestApp;
  beforeAll(async () => {
    test = await startTestApp();
  });
  afterAll(() => test.stop());

  it(`run ${LOG_READS_AT_ONCE} at once, leaving the pool's other connections to every other statement`, async () => {
    const { sql } = test.app.services;
    let readsDone = 0;
    let mostAtOnce = 0;
    const reads = Array.from({ length: 12 }, () => sql.logRows('select pg_sleep(0.4)').then(() => (readsDone += 1)));
    await waitFor(async () => (mostAtOnce = Math.max(mostAtOnce, await sleepingStatements(test))) === LOG_READS_AT_ONCE, 'the first reads running');

    // Twelve reads wait or run; a write still finds a connection before any of them is done.
    await sql.rows('select 1');
    expect(readsDone).toBe(0);

    while (readsDone < reads.length) mostAtOnce = Math.max(mostAtOnce, await sleepingStatements(test));
    await Promise.all(reads);
    expect(mostAtOnce).toBe(LOG_READS_AT_ONCE);
  });

  it('wait for their turn at most DATABASE_QUERY_TIMEOUT_MS, as a statement waits for a connection, then SERVICE_UNAVAILABLE', async () => {
    const instance = await test.startAnotherInstance({ databaseQueryTimeoutMs: 2_000 });
    const { sql } = instance.services;
    // Three rounds of three reads of 1.5 s: the third round's turn would come after 3 s.
    const outcomes = await Promise.allSettled(Array.from({ length: 3 * LOG_READS_AT_ONCE }, () => sql.logRows('select pg_sleep(1.5)')));
    expect(outcomes.map((outcome) => outcome.status)).toEqual([
      ...Array(2 * LOG_READS_AT_ONCE).fill('fulfilled'),
      ...Array(LOG_READS_AT_ONCE).fill('rejected'),
    ]);
    const refused = outcomes[outcomes.length - 1] as PromiseRejectedResult;
    expect(refused.reason).toMatchObject({ code: 'SERVICE_UNAVAILABLE', service: 'database', message: 'The database service is unavailable: no turn to read a log within 2000 ms' });
  });
});
