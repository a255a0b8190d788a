import { Migration } from '@mikro-orm/migrations';

/**
 * The location's event log behind `locationEvents`, and its per-location counter. Sessions
 * and events written before this migration are copied in, oldest first, so a panel that
 * subscribes from the start sees the location's whole history.
 */
export class Migration20261201000000_location_events extends Migration {
  override async up(): Promise<void> {
    this.addSql(`create table "location_streams" (
      "location_id" int not null, "last_seq" int not null check ("last_seq" >= 0),
      constraint "location_streams_pkey" primary key ("location_id"));`);

    this.addSql(`create table "location_events" (
      "location_id" int not null, "seq" int not null check ("seq" > 0), "type" varchar(40) not null,
      "session_id" uuid not null, "payload" jsonb not null, "at" timestamptz not null,
      constraint "location_events_pkey" primary key ("location_id", "seq"),
      constraint "location_events_session_id_foreign" foreign key ("session_id") references "sessions" ("id") on update cascade on delete cascade);`);
    this.addSql(`create index "location_events_session_id_index" on "location_events" ("session_id");`);

    this.addSql(`insert into "location_events" ("location_id", "seq", "type", "session_id", "payload", "at")
      select "location_id", row_number() over (partition by "location_id" order by "at", "kind", "session_id", "session_seq"),
             "type", "session_id", "payload", "at"
      from (
        select s."location_id", s."opened_at" as "at", 0 as "kind", s."id" as "session_id", 0 as "session_seq",
               'SessionOpened' as "type", jsonb_build_object('code', s."code", 'name', s."name") as "payload"
        from "sessions" s
        union all
        select s."location_id", e."at", 1, e."session_id", e."seq", e."type", e."payload"
        from "session_events" e join "sessions" s on s."id" = e."session_id"
      ) as "history";`);
    this.addSql(`insert into "location_streams" ("location_id", "last_seq")
      select "location_id", max("seq") from "location_events" group by "location_id";`);
  }

  override async down(): Promise<void> {
    this.addSql(`drop table if exists "location_events", "location_streams";`);
  }
}
