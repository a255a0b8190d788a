import { defineConfig, type PoolConfig } from '@mikro-orm/postgresql';
import { Migrator } from '@mikro-orm/migrations';
import { parse } from 'pg-connection-string';
import { entities } from '../entities';
import type { Logger } from '../logger';
import { migrations } from '../migrations';
import { awaitingAnswer } from './sql';

type PgConnection = { query(text: string, callback: (error: Error | undefined) => void): void; _ending?: boolean };

/**
 * How much longer than PostgreSQL's own statement_timeout the client waits for an answer:
 * PostgreSQL cancels a slow statement itself (rolling it back) and says so in time; only one
 * that went silent is given up on here, not knowing whether its statement ran.
 */
export const SILENT_DATABASE_GRACE_MS = 1000;

export interface OrmOptions {
  logger?: Logger;
  /**
   * The longest any statement, or the wait for a pooled connection, may take: PostgreSQL
   * cancels a statement that runs (or waits for a lock) longer, and one that stops answering
   * fails requests SILENT_DATABASE_GRACE_MS later instead of holding them (and their
   * connections) for ever. None for migrations, which may build an index for minutes.
   */
  queryTimeoutMs?: number;
}

export function ormConfig(databaseUrl: string, { logger, queryTimeoutMs }: OrmOptions = {}) {
  const limited = queryTimeoutMs !== undefined;
  return defineConfig({
    clientUrl: databaseUrl,
    entities,
    extensions: [Migrator],
    discovery: { warnWhenNoEntities: true },
    // Migrations are listed in code, so the same list runs from TypeScript (tests) and the build.
    migrations: { migrationsList: migrations, silent: true, snapshot: false, transactional: true, allOrNothing: true },
    // Errors reach clients only through the error mapping; the ORM stays quiet.
    debug: false,
    // knex passes `validate` on to its pool (tarn); MikroORM's type does not list it.
    pool: {
      min: 0,
      max: 10,
      ...(limited ? { acquireTimeoutMillis: queryTimeoutMs, createTimeoutMillis: queryTimeoutMs } : {}),
      // A statement that timed out leaves pg waiting for its answer on that connection (a
      // PostgreSQL that went silent, or failed over), and a connection being closed is gone:
      // neither is handed out again.
      validate: (connection: PgConnection) => !awaitingAnswer(connection) && !connection._ending,
      // Statements we prepare (src/orm/sql.ts) are planned once per connection, not per run: the
      // order statement's custom plans cost more to make than to run. MikroORM prepares none.
      afterCreate: (connection: PgConnection, done: (error: Error | null, connection: PgConnection) => void) =>
        connection.query('set plan_cache_mode = force_generic_plan', (error) => done(error ?? null, connection)),
    } as PoolConfig,
    allowGlobalContext: false,
    // knex reports pool trouble (a connection PostgreSQL dropped) with console.log; say it in our logs.
    driverOptions: {
      connection: {
        ...connectionParameters(databaseUrl),
        ...(limited
          ? {
              statement_timeout: queryTimeoutMs,
              // A transaction our code left open by mistake would hold its rows' locks: PostgreSQL ends it.
              idle_in_transaction_session_timeout: queryTimeoutMs,
              query_timeout: queryTimeoutMs + SILENT_DATABASE_GRACE_MS,
            }
          : {}),
      },
      ...(logger
        ? {
            log: {
              warn: (message: unknown) => logger.warn('database', { detail: String(message) }),
              error: (message: unknown) => logger.error('database', { detail: String(message) }),
              deprecate: () => undefined,
              debug: () => undefined,
            },
          }
        : {}),
    },
  });
}

const WHERE_TO_CONNECT = new Set(['host', 'port', 'user', 'password', 'database']);

/**
 * DATABASE_URL's parameters as pg reads them (sslmode as `ssl`, application_name, options, a
 * host given as a parameter …): MikroORM reads only host, port, user, password and database
 * from its clientUrl, and the connections would silently go without TLS. Where to connect is
 * taken from here only when a parameter says it: MikroORM decodes the URL's own parts as
 * the start does when it creates the database (a percent-encoded name), and pg would not.
 */
function connectionParameters(databaseUrl: string): Record<string, unknown> {
  const given = new URL(databaseUrl).searchParams;
  return Object.fromEntries(
    Object.entries(parse(databaseUrl)).filter(([key, value]) => value != null && (!WHERE_TO_CONNECT.has(key) || given.has(key))),
  );
}
