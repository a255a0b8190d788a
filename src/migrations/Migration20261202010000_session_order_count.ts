import { Migration } from '@mikro-orm/migrations';

/** How many orders each session has, kept by the order statements: a session takes a bounded number. */
export class Migration20261202010000_session_order_count extends Migration {
  override async up(): Promise<void> {
    this.addSql(`alter table "sessions" add column "order_count" int not null default 0 check ("order_count" >= 0);`);
    this.addSql(`update "sessions" s set "order_count" = counted.n
      from (select "session_id", count(*)::int as n from "orders" group by "session_id") as counted
      where counted."session_id" = s."id";`);
  }

  override async down(): Promise<void> {
    this.addSql(`alter table "sessions" drop column if exists "order_count";`);
  }
}
