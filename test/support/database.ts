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
