import type { MikroORM } from '@mikro-orm/postgresql';
import pLimit from 'p-limit';
import type { PoolClient, QueryConfig, QueryResultRow } from 'pg';
import { ServiceUnavailableError } from '../domain/errors';

/** Reads of an event log that run at once: below the pool's 10 connections, which writes then always find. */
export const LOG_READS_AT_ONCE = 3;

interface PooledClient {
  acquireConnection(): Promise<PoolClient>;
  releaseConnection(connection: PoolClient): Promise<void>;
}

/** Statements run one after another on one connection, inside one transaction. */
export interface SqlTransaction {
  rows<Row extends QueryResultRow>(text: string, values?: unknown[]): Promise<Row[]>;
}

/**
 * Plain SQL (`$1` parameters) on the ORM's own connection pool, for the paths every order
 * and every subscription takes, and for every write: there, building a query and hydrating
 * entities costs more than the query, and MikroORM's unit of work runs its flushes and
 * transactions in an AsyncLocalStorage, which, once used, stays enabled and taxes every
 * promise the process makes from then on (about a fifth of the CPU per order, measured).
 * Errors come back as MikroORM's exceptions (UniqueConstraintViolationException…).
 */
export class Sql {
  private readonly prepared = new Map<string, string>();
  private readonly logReads = pLimit(LOG_READS_AT_ONCE);

  constructor(
    private readonly orm: MikroORM,
    /** How long a log read may wait for its turn, as any statement may wait for a pooled connection (DATABASE_QUERY_TIMEOUT_MS). */
    private readonly waitLimitMs: number,
  ) {}

  /**
   * The rows of a read of an event log, which can be megabytes (a session at its limits, a
   * replay from the start): at most LOG_READS_AT_ONCE wait on PostgreSQL at once, the others in
   * line here, each at most `waitLimitMs` (then SERVICE_UNAVAILABLE, as for a pooled
   * connection). Anyone holding a code may ask for a whole log, many times at once; the pool's
   * connections stay for orders and every other statement.
   */
  logRows<Row extends QueryResultRow>(text: string, values: unknown[] = []): Promise<Row[]> {
    return new Promise<Row[]>((resolve, reject) => {
      let waitedTooLong = false;
      const limit = setTimeout(() => {
        waitedTooLong = true;
        reject(new ServiceUnavailableError('database', `no turn to read a log within ${this.waitLimitMs} ms`));
      }, this.waitLimitMs);
      void this.logReads(async () => {
        clearTimeout(limit);
        if (!waitedTooLong) await this.rows<Row>(text, values).then(resolve, reject);
      });
    });
  }

  /**
   * The rows of one statement. Each text is prepared once per connection (named by its
   * position in `prepared`): PostgreSQL then skips parsing and, soon, planning.
   */
  async rows<Row extends QueryResultRow>(text: string, values: unknown[] = []): Promise<Row[]> {
    const pool = this.pool();
    const connection = await pool.acquireConnection();
    try {
      return await this.query<Row>(connection, text, values);
    } finally {
      await pool.releaseConnection(connection);
    }
  }

  /** `work` in one transaction on one connection: committed if it returns, rolled back if it throws. */
  async transaction<Result>(work: (tx: SqlTransaction) => Promise<Result>): Promise<Result> {
    const pool = this.pool();
    const connection = await pool.acquireConnection();
    try {
      await this.run(connection, 'begin');
      let result: Result;
      try {
        result = await work({ rows: (text, values = []) => this.query(connection, text, values) });
      } catch (error) {
        if (!awaitingAnswer(connection)) await connection.query('rollback').catch(() => undefined);
        throw error;
      }
      await this.run(connection, 'commit');
      return result;
    } finally {
      // A statement PostgreSQL never answered (it went silent) would take the rollback after it,
      // and its late answer would leave the connection idle inside the transaction, holding its
      // locks, for the next request to write into. Closed, it ends the transaction in PostgreSQL
      // and the pool never hands it out again.
      if (awaitingAnswer(connection)) void connection.end().catch(() => undefined);
      await pool.releaseConnection(connection);
    }
  }

  private pool(): PooledClient {
    return this.orm.em.getConnection().getKnex().client as PooledClient;
  }

  private query<Row extends QueryResultRow>(connection: PoolClient, text: string, values: unknown[]): Promise<Row[]> {
    return this.run<Row>(connection, { name: this.nameOf(text), text, values });
  }

  private async run<Row extends QueryResultRow>(connection: PoolClient, query: QueryConfig | 'begin' | 'commit'): Promise<Row[]> {
    try {
      return (await connection.query<Row>(query)).rows;
    } catch (error) {
      throw this.orm.em.getDriver().convertException(error as Error);
    }
  }

  private nameOf(text: string): string {
    let name = this.prepared.get(text);
    if (!name) this.prepared.set(text, (name = `ordered_${this.prepared.size + 1}`));
    return name;
  }
}

/** Whether pg still waits for the answer to a statement sent on this connection (one that timed out). */
export function awaitingAnswer(connection: object): boolean {
  return Boolean((connection as { _activeQuery?: unknown })._activeQuery);
}
