import type { MikroORM } from '@mikro-orm/postgresql';
import type { PoolClient, QueryResultRow } from 'pg';

interface PooledClient {
  acquireConnection(): Promise<PoolClient>;
  releaseConnection(connection: PoolClient): Promise<void>;
}

/**
 * Plain SQL (`$1` parameters) on the ORM's own connection pool, for the paths every order
 * and every subscription takes: there, building a query and hydrating entities costs more
 * than the query. Errors come back as MikroORM's exceptions (UniqueConstraintViolationException…).
 */
export class Sql {
  private readonly prepared = new Map<string, string>();

  constructor(private readonly orm: MikroORM) {}

  /**
   * The rows of one statement. Each text is prepared once per connection (named by its
   * position in `prepared`): PostgreSQL then skips parsing and, soon, planning.
   */
  async rows<Row extends QueryResultRow>(text: string, values: unknown[] = []): Promise<Row[]> {
    const pool = this.orm.em.getConnection().getKnex().client as PooledClient;
    const connection = await pool.acquireConnection();
    try {
      return (await connection.query<Row>({ name: this.nameOf(text), text, values })).rows;
    } catch (error) {
      throw this.orm.em.getDriver().convertException(error as Error);
    } finally {
      await pool.releaseConnection(connection);
    }
  }

  private nameOf(text: string): string {
    let name = this.prepared.get(text);
    if (!name) this.prepared.set(text, (name = `ordered_${this.prepared.size + 1}`));
    return name;
  }
}
