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
  constructor(private readonly orm: MikroORM) {}

  async rows<Row extends QueryResultRow>(text: string, values: unknown[] = []): Promise<Row[]> {
    const pool = this.orm.em.getConnection().getKnex().client as PooledClient;
    const connection = await pool.acquireConnection();
    try {
      return (await connection.query<Row>(text, values)).rows;
    } catch (error) {
      throw this.orm.em.getDriver().convertException(error as Error);
    } finally {
      await pool.releaseConnection(connection);
    }
  }
}
