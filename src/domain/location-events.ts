import type { Sql, SqlTransaction } from '../orm/sql';
import { Topics } from '../pubsub/topics';
import type { Outgoing } from './event-publisher';
import type { SessionEventPayloads } from './session-events';
import type { SessionKey } from './sessions';

/** A location's stream carries every session event of the location, and the sessions' opening. */
export interface LocationEventPayloads extends SessionEventPayloads {
  SessionOpened: { code: string; name: string };
}
export type LocationEventType = keyof LocationEventPayloads;

/** One event of a location's log as stored, published and replayed (plain JSON). */
export type LocationEventRecord = {
  [Type in LocationEventType]: {
    locationId: number;
    seq: number;
    type: Type;
    at: string;
    sessionId: string;
    payload: LocationEventPayloads[Type];
  };
}[LocationEventType];

/**
 * Appends an event about `session` to its location's log inside the caller's transaction.
 * The upsert takes the location's next seq and holds its counter row locked until commit.
 */
export async function appendLocationEvent<Type extends LocationEventType>(
  tx: SqlTransaction,
  session: SessionKey,
  type: Type,
  payload: LocationEventPayloads[Type],
  at: Date,
): Promise<Outgoing> {
  const [{ seq }] = await tx.rows<{ seq: number }>(APPEND_LOCATION_EVENT, [session.locationId, type, session.id, JSON.stringify(payload), at]);
  const event = { locationId: session.locationId, seq, type, at: at.toISOString(), sessionId: session.id, payload } as LocationEventRecord;
  return { topic: Topics.location(session.locationId), event };
}

const APPEND_LOCATION_EVENT = `
  with stream as (
    insert into location_streams (location_id, last_seq) values ($1, 1)
    on conflict (location_id) do update set last_seq = location_streams.last_seq + 1
    returning last_seq
  )
  insert into location_events (location_id, seq, type, session_id, payload, at)
  select $1, stream.last_seq, $2, $3, $4::jsonb, $5 from stream
  returning seq`;

/** The location's events with `seq > afterSeq`, oldest first. */
export async function readLocationEvents(sql: Sql, locationId: number, afterSeq: number, limit = 2 ** 31 - 1): Promise<LocationEventRecord[]> {
  const rows = await sql.logRows<{ seq: number; type: LocationEventType; at: string; session_id: string; payload: never }>(
    'select seq, type, at, session_id, payload from location_events where location_id = $1 and seq > $2 order by seq limit $3',
    [locationId, afterSeq, limit],
  );
  return rows.map((row) => ({ locationId, seq: row.seq, type: row.type, at: new Date(row.at).toISOString(), sessionId: row.session_id, payload: row.payload }));
}

/** The seq of the last event of each location whose log is past the seq given for it, by location id (as a string, like topic keys). */
export async function locationHeadsPast(sql: Sql, seen: ReadonlyMap<string, number>): Promise<Map<string, number>> {
  const rows = await sql.rows<{ location_id: number; last_seq: number }>(
    `select l.location_id, l.last_seq from unnest($1::int[], $2::int[]) as seen (location_id, seq)
     join location_streams l on l.location_id = seen.location_id where l.last_seq > seen.seq`,
    [[...seen.keys()].map(Number), [...seen.values()]],
  );
  return new Map(rows.map((row) => [String(row.location_id), row.last_seq]));
}

/** The seq of each location's last event, by location id (as a string, like topic keys). */
export async function locationHeads(sql: Sql, locationIds: string[]): Promise<Map<string, number>> {
  const rows = await sql.rows<{ location_id: number; last_seq: number }>(
    'select location_id, last_seq from location_streams where location_id = any($1::int[])',
    [locationIds.map(Number)],
  );
  return new Map(rows.map((row) => [String(row.location_id), row.last_seq]));
}
