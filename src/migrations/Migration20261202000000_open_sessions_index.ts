import { Migration } from '@mikro-orm/migrations';

/**
 * The order panel lists a location's OPEN sessions newest first. With only the index on all of
 * its sessions, PostgreSQL may walk every closed one to find the few open ones. Built in the
 * migration's transaction, which holds up writes to sessions while it runs (well under a second
 * for a million sessions); CONCURRENTLY would wait forever on the migration lock's transaction.
 */
export class Migration20261202000000_open_sessions_index extends Migration {
  override async up(): Promise<void> {
    this.addSql(`create index "sessions_open_location_opened_index" on "sessions" ("location_id", "opened_at" desc, "id" desc) where "state" = 'OPEN';`);
  }

  override async down(): Promise<void> {
    this.addSql(`drop index if exists "sessions_open_location_opened_index";`);
  }
}
