import { queryRows } from './support/database';
import { DEMO, login, openSession } from './support/fixtures';
import { graphql } from './support/graphql-client';
import { SESSIONS } from './support/operations';
import { startTestApp, type TestApp } from './support/test-app';

/** The café's closed sessions: about a year of a busy place. */
const HISTORY = 100_000;

/**
 * `sessions(...)` on a location with a long history reads about a page of rows, whatever the
 * state asked for and however deep the cursor. Each statement the service sends is explained
 * with ANALYZE, and the rows its plan read and threw away are counted: a figure of the plan,
 * not of time.
 */
describe('sessions(locationId, state, first, after) on a location with a long history', () => {
  let test: TestApp;
  let token: string;
  const sent: string[] = [];

  beforeAll(async () => {
    test = await startTestApp();
    token = await login(test.url);
    await openSession(test.url, token, 'Table 1');
    await openSession(test.url, token, 'Table 2');
    // The closed sessions of the past year, oldest furthest back ("g…" is no hex code: none collides).
    await queryRows(
      test.databaseUrl,
      `insert into sessions (id, code, name, location_id, state, opened_at, closed_at, opened_by, last_seq)
       select gen_random_uuid(), 'g' || lpad(to_hex(i), 5, '0'), 'Table ' || (i % 30), $1, 'CLOSED',
              date_trunc('milliseconds', now()) - make_interval(secs => 300 * i), now() - make_interval(secs => 300 * i - 60), 1, 0
       from generate_series(1, $2::int) as i`,
      [DEMO.cafe, HISTORY],
    );
    // The chain's other locations, new this year: 500 of them with 10 tables open of 50 sessions each.
    // About 4 % of all sessions are then open, and the planner expects thousands of the café's to be.
    await queryRows(
      test.databaseUrl,
      `insert into sessions (id, code, name, location_id, state, opened_at, closed_at, opened_by, last_seq)
       select gen_random_uuid(), 'h' || lpad(to_hex(i), 5, '0'), 'Table ' || i, 1000 + i / 50,
              (case when i % 50 < 10 then 'OPEN' else 'CLOSED' end)::session_state,
              date_trunc('milliseconds', now()) - make_interval(secs => 60 * (i % 50)), null, 1, 0
       from generate_series(0, 24999) as i`,
    );
    await queryRows(test.databaseUrl, 'analyze sessions');
    test.app.services.orm.em.getKnex().on('query', (query: { sql: string }) => {
      if (/from "sessions"/.test(query.sql)) sent.push(query.sql);
    });
  }, 120_000);
  afterAll(() => test.stop());

  /** Rows the statement's plan read and then discarded by a filter. */
  async function rowsDiscarded(sql: string): Promise<number> {
    const [row] = await queryRows<{ 'QUERY PLAN': [{ Plan: PlanNode }] }>(test.databaseUrl, `explain (analyze, format json) ${sql}`);
    const discarded = (node: PlanNode): number =>
      Number(node['Rows Removed by Filter'] ?? 0) + (node.Plans ?? []).reduce((sum, child) => sum + discarded(child), 0);
    return discarded(row['QUERY PLAN'][0].Plan);
  }

  async function listed(variables: Record<string, unknown>): Promise<{ codes: string[]; sql: string }> {
    sent.length = 0;
    const answer = await graphql(test.url, SESSIONS, { locationId: DEMO.cafe, ...variables }, token);
    expect(answer.errors).toBeUndefined();
    expect(sent).toHaveLength(1);
    return { codes: answer.data.sessions.nodes.map((session: { code: string }) => session.code), sql: sent[0] };
  }

  it('reads about a page of rows for the OPEN sessions, not every closed one', async () => {
    const { codes, sql } = await listed({ state: 'OPEN' });

    expect(codes).toHaveLength(2);
    expect(await rowsDiscarded(sql)).toBeLessThan(100);
  });

  it('reads about a page of rows for a page deep in the history, not every row before its cursor', async () => {
    const [cursorRow, ...expected] = await queryRows<{ opened_at: Date; id: string; code: string }>(
      test.databaseUrl,
      'select opened_at, id, code from sessions where location_id = $1 order by opened_at desc, id desc offset 40000 limit 21',
      [DEMO.cafe],
    );
    const after = Buffer.from(JSON.stringify([cursorRow.opened_at.toISOString(), cursorRow.id])).toString('base64url');

    const { codes, sql } = await listed({ first: 20, after });

    expect(codes).toEqual(expected.map((row) => row.code));
    expect(await rowsDiscarded(sql)).toBeLessThan(100);
  });
});

interface PlanNode {
  'Rows Removed by Filter'?: number;
  Plans?: PlanNode[];
}
