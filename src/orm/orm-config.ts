import { defineConfig } from '@mikro-orm/postgresql';
import { Migrator } from '@mikro-orm/migrations';
import { entities } from '../entities';
import { migrations } from '../migrations';

export function ormConfig(databaseUrl: string) {
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
  });
}
