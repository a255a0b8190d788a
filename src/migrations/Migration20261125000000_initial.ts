import { Migration } from '@mikro-orm/migrations';

export class Migration20261125000000_initial extends Migration {
  override async up(): Promise<void> {
    this.addSql(`create type "session_state" as enum ('OPEN', 'CLOSED');`);
    this.addSql(`create type "order_status" as enum ('PLACED', 'ACCEPTED', 'PREPARING', 'SERVED', 'CANCELLED');`);

    this.addSql(`create table "sessions" (
      "id" uuid not null, "code" varchar(6) not null, "name" varchar(200) not null,
      "location_id" int not null, "state" "session_state" not null default 'OPEN',
      "opened_at" timestamptz not null, "closed_at" timestamptz null, "opened_by" int not null,
      "last_seq" int not null default 0,
      constraint "sessions_pkey" primary key ("id"),
      constraint "sessions_code_unique" unique ("code"));`);
    // A name is unique among the OPEN sessions of a location; closed names may be reused.
    this.addSql(`create unique index "sessions_open_name_unique" on "sessions" ("location_id", "name") where "state" = 'OPEN';`);
    // Newest-first pagination of a location's sessions.
    this.addSql(`create index "sessions_location_opened_index" on "sessions" ("location_id", "opened_at" desc, "id" desc);`);

    this.addSql(`create table "orders" (
      "id" uuid not null, "session_id" uuid not null, "status" "order_status" not null default 'PLACED',
      "placed_at" timestamptz not null, "idempotency_key" varchar(100) not null,
      constraint "orders_pkey" primary key ("id"),
      constraint "orders_session_id_idempotency_key_unique" unique ("session_id", "idempotency_key"),
      constraint "orders_session_id_foreign" foreign key ("session_id") references "sessions" ("id") on update cascade on delete cascade);`);

    this.addSql(`create table "order_items" (
      "id" uuid not null, "order_id" uuid not null, "position" smallint not null, "product_id" int not null,
      "product_name" varchar(500) not null, "unit_price" numeric(10,2) not null,
      "quantity" smallint not null check ("quantity" between 1 and 99), "note" varchar(500) null,
      constraint "order_items_pkey" primary key ("id"),
      constraint "order_items_order_id_foreign" foreign key ("order_id") references "orders" ("id") on update cascade on delete cascade);`);
    this.addSql(`create index "order_items_order_id_index" on "order_items" ("order_id", "position");`);

    this.addSql(`create table "session_events" (
      "session_id" uuid not null, "seq" int not null check ("seq" > 0), "type" varchar(40) not null,
      "payload" jsonb not null, "at" timestamptz not null,
      constraint "session_events_pkey" primary key ("session_id", "seq"),
      constraint "session_events_session_id_foreign" foreign key ("session_id") references "sessions" ("id") on update cascade on delete cascade);`);
  }

  override async down(): Promise<void> {
    this.addSql(`drop table if exists "session_events", "order_items", "orders", "sessions";`);
    this.addSql(`drop type if exists "order_status", "session_state";`);
  }
}
