import { defineConfig } from '@mikro-orm/postgresql';
import { Migrator } from '@mikro-orm/migrations';
import { entities } from '../entities';
import type { Logger } from '../logger';
import { migrations } from '../migrations';

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
    pool: { min: 0, max: 10 },
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
