import { defineConfig } from '@mikro-orm/postgresql';
import { Migrator } from '@mikro-orm/migrations';
import { entities } from '../entities';
import type { Logger } from '../logger';
import { migrations } from '../migrations';

type PgConnection = { query(text: string, callback: (error: Error | undefined) => void): void };

export function ormConfig(databaseUrl: string, logger?: Logger) {
  return defineConfig({
    clientUrl: databaseUrl,
    entities,
    extensions: [Migrator],
    discovery: { warnWhenNoEntities: true },
    // Migrations are listed in code, so the same list runs from TypeScript (tests) and the build.
    migrations: { migrationsList: migrations, silent: true, snapshot: false, transactional: true, allOrNothing: true },
    // Errors reach clients only through the error mapping; the ORM stays quiet.
    debug: false,
    pool: {
      min: 0,
      max: 10,
      // Statements we prepare (src/orm/sql.ts) are planned once per connection, not per run: the
      // order statement's custom plans cost more to make than to run. MikroORM prepares none.
      afterCreate: (connection: PgConnection, done: (error: Error | null, connection: PgConnection) => void) =>
        connection.query('set plan_cache_mode = force_generic_plan', (error) => done(error ?? null, connection)),
    },
    allowGlobalContext: false,
    // knex reports pool trouble (a connection PostgreSQL dropped) with console.log; say it in our logs.
    driverOptions: logger
      ? {
          log: {
            warn: (message: unknown) => logger.warn('database', { detail: String(message) }),
            error: (message: unknown) => logger.error('database', { detail: String(message) }),
            deprecate: () => undefined,
            debug: () => undefined,
          },
        }
      : {},
  });
}
