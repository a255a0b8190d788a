import { Client } from 'pg';

/** Runs one query on a test app's database, for checking what was written. */
export async function queryRows<Row = Record<string, unknown>>(databaseUrl: string, sql: string, params: unknown[] = []): Promise<Row[]> {
  const client = new Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    return (await client.query(sql, params)).rows as Row[];
  } finally {
    await client.end();
  }
}

/** The seq numbers of a session's stored events, in order. */
export async function storedSeqs(databaseUrl: string, sessionId: string): Promise<number[]> {
  const rows = await queryRows<{ seq: number }>(databaseUrl, 'select seq from session_events where session_id = $1 order by seq', [sessionId]);
  return rows.map((row) => row.seq);
}

/** How many orders a session has in the database. */
export async function storedOrderCount(databaseUrl: string, sessionId: string): Promise<number> {
  const [row] = await queryRows<{ count: number }>(databaseUrl, 'select count(*)::int as count from orders where session_id = $1', [sessionId]);
  return row.count;
}

/** Holds a session's row lock in a transaction of its own until released: statements writing to the session wait. */
export async function holdSessionRow(databaseUrl: string, sessionId: string): Promise<{ release(): Promise<void> }> {
  const lock = new Client({ connectionString: databaseUrl });
  await lock.connect();
  await lock.query('begin');
  await lock.query('select 1 from sessions where id = $1 for update', [sessionId]);
  return {
    async release() {
      await lock.query('commit');
      await lock.end();
    },
  };
}

/** Statements of this database waiting on a lock. */
export async function lockWaits(databaseUrl: string): Promise<number> {
  const [row] = await queryRows<{ count: number }>(
    databaseUrl,
    "select count(*)::int as count from pg_stat_activity where datname = current_database() and wait_event_type = 'Lock'",
  );
  return row.count;
}
