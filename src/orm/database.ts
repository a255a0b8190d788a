import { MikroORM } from '@mikro-orm/postgresql';
import type { Logger } from '../logger';
import { ormConfig } from './orm-config';

/** Any fixed number: the key of the advisory lock that lets one instance at a time migrate. */
const MIGRATION_LOCK = 7_260_331;

/** Connects, creates the database if it is missing, and runs the pending migrations. */
export async function openDatabase(databaseUrl: string, logger?: Logger): Promise<MikroORM> {
  await ensureDatabaseExists(databaseUrl);
  const orm = await MikroORM.init(ormConfig(databaseUrl, logger));
  try {
    // Instances starting together take turns: the first migrates, the others then find nothing to do.
    await orm.em.getKnex().transaction(async (lock) => {
      await lock.raw('select pg_advisory_xact_lock(?)', [MIGRATION_LOCK]);
      await orm.getMigrator().up();
    });
  } catch (error) {
    await orm.close();
    throw error;
  }
  return orm;
}

async function ensureDatabaseExists(databaseUrl: string): Promise<void> {
  const url = new URL(databaseUrl);
  const name = decodeURIComponent(url.pathname.slice(1));
  if (!name) return;
  url.pathname = '/postgres';
  const admin = await MikroORM.init({ ...ormConfig(url.toString()), entities: [], migrations: {}, discovery: { warnWhenNoEntities: false } });
  try {
    const rows = await admin.em.getConnection().execute('select 1 from pg_database where datname = ?', [name]);
    if (rows.length === 0) await admin.em.getConnection().execute(`create database "${name.replace(/"/g, '""')}"`);
  } catch (error) {
    // Another instance may have created it at the same moment (a duplicate name, 23505).
    const message = String((error as Error).message);
    if (!message.includes('already exists') && (error as { code?: string }).code !== '23505') throw error;
  } finally {
    await admin.close();
  }
}
