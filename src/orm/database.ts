import { MikroORM } from '@mikro-orm/postgresql';
import { ormConfig } from './orm-config';

/** Connects, creates the database if it is missing, and runs the pending migrations. */
export async function openDatabase(databaseUrl: string): Promise<MikroORM> {
  await ensureDatabaseExists(databaseUrl);
  const orm = await MikroORM.init(ormConfig(databaseUrl));
  await orm.getMigrator().up();
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
    // Another instance may have created it at the same moment.
    if (!String((error as Error).message).includes('already exists')) throw error;
  } finally {
    await admin.close();
  }
}
