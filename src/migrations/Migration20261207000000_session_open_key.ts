import { Migration } from '@mikro-orm/migrations';

/**
 * The idempotency key an openSession was sent with, unique per location: a retry of an open
 * whose answer was lost finds the session it made instead of a CONFLICT on its own name.
 */
export class Migration20261207000000_session_open_key extends Migration {
  override async up(): Promise<void> {
    this.addSql(`alter table "sessions" add column "open_key" varchar(100) null;`);
    this.addSql(`create unique index "sessions_location_open_key_unique" on "sessions" ("location_id", "open_key") where "open_key" is not null;`);
  }

  override async down(): Promise<void> {
    this.addSql(`drop index if exists "sessions_location_open_key_unique";`);
    this.addSql(`alter table "sessions" drop column if exists "open_key";`);
  }
}
