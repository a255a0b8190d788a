import { MikroORM } from '@mikro-orm/postgresql';
import { setTimeout as sleep } from 'node:timers/promises';
import { Client } from 'pg';
import type { Logger } from '../logger';
import { migrations } from '../migrations';
import { databaseOutage } from './database-outage';
import { ormConfig } from './orm-config';

/**
 * How long a start waits for PostgreSQL to take connections: an orchestrator may start the
 * instances before it (or while its first start-up restarts it), and one that exited at once
 * would stay down.
 */
export const DATABASE_START_WAIT_MS = 30_000;

/** Any fixed number: the key of the advisory lock that lets one instance at a time migrate. */
const MIGRATION_LOCK = 7_260_331;
/** Where MikroORM records the migrations that ran (its default). */
const MIGRATIONS_TABLE = 'mikro_orm_migrations';
/** PostgreSQL's code for "database does not exist". */
const INVALID_CATALOG_NAME = '3D000';

/**
 * Connects, creates the database if it is missing, and runs the pending migrations. Every
 * statement of the ORM returned is limited to `queryTimeoutMs`; the migrations, on a pool of
 * their own, are not.
 */
export async function openDatabase(databaseUrl: string, { logger, queryTimeoutMs }: { logger?: Logger; queryTimeoutMs: number }): Promise<MikroORM> {
  await ensureDatabaseExists(databaseUrl, logger);
  const orm = await MikroORM.init(ormConfig(databaseUrl, { logger, queryTimeoutMs }));
  try {
    await requireUtf8(orm, databaseUrl);
    if (await migrationsPending(orm)) await migrate(databaseUrl, logger);
  } catch (error) {
    await orm.close();
    throw error;
  }
  return orm;
}

/** Whether a migration of the list has not run here: read only, so instances starting together may all ask. */
async function migrationsPending(orm: MikroORM): Promise<boolean> {
  const connection = orm.em.getConnection();
  const [{ table }] = await connection.execute<{ table: string | null }[]>(`select to_regclass('${MIGRATIONS_TABLE}')::text as "table"`);
  if (!table) return true;
  const done = new Set((await connection.execute<{ name: string }[]>(`select name from ${MIGRATIONS_TABLE}`)).map((row) => row.name));
  return migrations.some((migration) => !done.has(migration.name));
}

/** Runs the pending migrations on a pool without the statements' time limit: one may build an index for minutes. */
async function migrate(databaseUrl: string, logger?: Logger): Promise<void> {
  const unlimited = await MikroORM.init(ormConfig(databaseUrl, { logger }));
  try {
    // Instances starting together take turns: the first migrates, the others then find nothing to do.
    await unlimited.em.getKnex().transaction(async (lock) => {
      await lock.raw('select pg_advisory_xact_lock(?)', [MIGRATION_LOCK]);
      await unlimited.getMigrator().up();
    });
  } finally {
    await unlimited.close();
  }
}

async function ensureDatabaseExists(databaseUrl: string, logger?: Logger): Promise<void> {
  const url = new URL(databaseUrl);
  const name = decodeURIComponent(url.pathname.slice(1));
  if (!name || (await databaseExists(databaseUrl, logger))) return;
  url.pathname = '/postgres';
  // One plain connection (a second MikroORM for one query took twice as long).
  const admin = new Client({ connectionString: url.toString() });
  await admin.connect();
  try {
    // The probe may have missed it: pg decodes the URL's path with decodeURI, MikroORM (and `name`) with decodeURIComponent.
    const { rowCount } = await admin.query('select 1 from pg_database where datname = $1', [name]);
    // template0: template1 may be in another encoding (SQL_ASCII where initdb ran without a locale).
    if (rowCount === 0) await admin.query(`create database "${name.replace(/"/g, '""')}" encoding 'UTF8' template template0`);
  } catch (error) {
    // Another instance may have created it at the same moment (42P04, or 23505 from the catalog's index).
    const code = (error as { code?: string }).code;
    if (code !== '42P04' && code !== '23505') throw error;
  } finally {
    await admin.end();
  }
}

/**
 * Whether the database can be connected to: asked of the database itself, so that a role
 * that may reach only its own database (as on managed PostgreSQL) can start. A PostgreSQL
 * that does not take connections yet is asked again, for up to DATABASE_START_WAIT_MS.
 */
async function databaseExists(databaseUrl: string, logger?: Logger): Promise<boolean> {
  const giveUpAt = Date.now() + DATABASE_START_WAIT_MS;
  for (let attempt = 1; ; attempt++) {
    const probe = new Client({ connectionString: databaseUrl });
    try {
      await probe.connect();
      await probe.end();
      return true;
    } catch (error) {
      // A connection that failed has closed itself.
      if ((error as { code?: string }).code === INVALID_CATALOG_NAME) return false;
      const { host } = new URL(databaseUrl);
      if (!databaseOutage(error)) throw error;
      if (Date.now() >= giveUpAt) throw new Error(`The database at ${host} cannot be reached: ${(error as Error).message}`);
      logger?.warn('waiting for the database', { host, attempt, reason: (error as Error).message });
      await sleep(Math.min(2_000, 100 * 2 ** attempt));
    }
  }
}

/**
 * Lengths are checked in characters and text is Unicode: in another encoding (SQL_ASCII
 * counts bytes) valid names and notes would fail with errors of the database's own.
 */
async function requireUtf8(orm: MikroORM, databaseUrl: string): Promise<void> {
  const [{ server_encoding: encoding }] = await orm.em.getConnection().execute<{ server_encoding: string }[]>('show server_encoding');
  if (encoding !== 'UTF8') {
    const name = decodeURIComponent(new URL(databaseUrl).pathname.slice(1));
    throw new Error(`The database ${name} is encoded ${encoding}; ordered needs UTF8 (create database ... encoding 'UTF8' template template0)`);
  }
}
