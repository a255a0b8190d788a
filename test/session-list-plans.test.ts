import { Client } from 'pg';
import { SessionState } from '../src/entities';
import { sessionPageStatement, type SessionPageQuery } from '../src/domain/session-page';
import { queryRows } from './support/database';
import { DEMO, login, openSession } from './support/fixtures';
import { graphql } from './support/graphql-client';
import { SESSIONS } from './support/operations';
import { startTestApp, type TestApp } from './support/test-app';

/** The café's closed sessions: about a year of a busy place. */
const HISTORY = 100_000;

/**
 * `sessions(...)` on a location with a long history reads about a page of rows, whatever the
 * state asked for and however deep the cursor. The statement the service sends for a page is
 * prepared with a generic plan, as on the service's connections, and run with EXPLAIN ANALYZE;
 * the rows its plan read and threw away are counted: a figure of the plan, not of time.
 */
describe('sessions(locationId, state, first, after) on a location with a long history', () => {
  let test: TestApp;
  let token: string;

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
  }, 120_000);
  afterAll(() => test.stop());

  /** Rows the plan of the page's statement read and then discarded by a filter. */
  async function rowsDiscarded(query: SessionPageQuery): Promise<number> {
    const { text, values } = sessionPageStatement(query);
    const client = new Client({ connectionString: test.databaseUrl });
    await client.connect();
    try {
      await client.query('set plan_cache_mode = force_generic_plan');
      await client.query(`prepare page as ${text}`);
      const literals = values.map((value) => client.escapeLiteral(value instanceof Date ? value.toISOString() : String(value))).join(', ');
      const [row] = (await client.query(`explain (analyze, format json) execute page(${literals})`)).rows as { 'QUERY PLAN': [{ Plan: PlanNode }] }[];
      const discarded = (node: PlanNode): number =>
        Number(node['Rows Removed by Filter'] ?? 0) + (node.Plans ?? []).reduce((sum, child) => sum + discarded(child), 0);
      return discarded(row['QUERY PLAN'][0].Plan);
    } finally {
      await client.end();
    }
  }

  async function listed(variables: { state?: SessionState; first?: number; after?: string }): Promise<string[]> {
    const answer = await graphql(test.url, SESSIONS, { locationId: DEMO.cafe, ...variables }, token);
    expect(answer.errors).toBeUndefined();
    return answer.data.sessions.nodes.map((session: { code: string }) => session.code);
  }

  it('reads about a page of rows for the OPEN sessions, not every closed one', async () => {
    const codes = await listed({ state: SessionState.OPEN });

    expect(codes).toHaveLength(2);
    expect(await rowsDiscarded({ locationId: DEMO.cafe, state: SessionState.OPEN, first: 20 })).toBeLessThan(100);
  });

  it('reads about a page of rows for a page deep in the history, not every row before its cursor', async () => {
    const [cursorRow, ...expected] = await queryRows<{ opened_at: Date; id: string; code: string }>(
      test.databaseUrl,
      'select opened_at, id, code from sessions where location_id = $1 order by opened_at desc, id desc offset 40000 limit 21',
      [DEMO.cafe],
    );
    const after = Buffer.from(JSON.stringify([cursorRow.opened_at.toISOString(), cursorRow.id])).toString('base64url');

    const codes = await listed({ first: 20, after });

    expect(codes).toEqual(expected.map((row) => row.code));
    expect(await rowsDiscarded({ locationId: DEMO.cafe, first: 20, after })).toBeLessThan(100);
  });
});

interface PlanNode {
  'Rows Removed by Filter'?: number;
  Plans?: PlanNode[];
}
