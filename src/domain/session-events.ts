import type { OrderStatus, SessionState } from '../entities';
import type { Sql, SqlTransaction } from '../orm/sql';
import { Topics } from '../pubsub/topics';
import type { Outgoing } from './event-publisher';
import { appendLocationEvent, type LocationEventPayloads, type LocationEventRecord } from './location-events';
import type { PlacedSeqs } from './order-statement';
import type { SessionKey } from './sessions';
import type { OrderView } from './views';

/** What each event says: only what changed, never the whole session again. */
export interface SessionEventPayloads {
  OrderPlaced: { order: OrderView };
  OrderStatusChanged: { orderId: string; status: OrderStatus; previousStatus: OrderStatus };
  SessionClosed: { closedAt: string };
}
export type SessionEventType = keyof SessionEventPayloads;

/** One event of a session's log as stored, published and replayed (plain JSON). */
export type SessionEventRecord = {
  [Type in SessionEventType]: { sessionId: string; seq: number; type: Type; at: string; payload: SessionEventPayloads[Type] };
}[SessionEventType];

/**
 * Records a change of the session in its log and in its location's log, inside the caller's
 * transaction; publish what it returns once that commits. The caller holds the session's row
 * lock, so the session's seq numbers are gap-free and never repeat; the location's counter
 * row is locked after it (always in this order: session, then location).
 */
export async function recordSessionEvent<Type extends SessionEventType>(
  tx: SqlTransaction,
  session: SessionKey,
  type: Type,
  payload: SessionEventPayloads[Type],
  at = new Date(),
): Promise<Outgoing[]> {
  const [{ seq }] = await tx.rows<{ seq: number }>(RECORD_SESSION_EVENT, [session.id, type, JSON.stringify(payload), at]);
  const event = { sessionId: session.id, seq, type, at: at.toISOString(), payload } as SessionEventRecord;
  const atLocation = await appendLocationEvent(tx, session, type, payload as LocationEventPayloads[Type], at);
  return [{ topic: Topics.session(session.id), event }, atLocation];
}

const RECORD_SESSION_EVENT = `
  with bumped as (update sessions set last_seq = last_seq + 1 where id = $1 returning last_seq)
  insert into session_events (session_id, seq, type, payload, at)
  select $1, bumped.last_seq, $2, $3::jsonb, $4 from bumped
  returning seq`;

/** The OrderPlaced events of an order written by insertPlacedOrder, for its session's and its location's topics. */
export function orderPlacedEvents(session: SessionKey, order: OrderView, seqs: PlacedSeqs): Outgoing[] {
  const payload = { order };
  const sessionEvent: SessionEventRecord = { sessionId: session.id, seq: seqs.sessionSeq, type: 'OrderPlaced', at: order.placedAt, payload };
  const locationEvent: LocationEventRecord = {
    locationId: session.locationId,
    seq: seqs.locationSeq,
    type: 'OrderPlaced',
    at: order.placedAt,
    sessionId: session.id,
    payload,
  };
  return [
    { topic: Topics.session(session.id), event: sessionEvent },
    { topic: Topics.location(session.locationId), event: locationEvent },
  ];
}

/** The session's events with `seq > afterSeq`, oldest first. */
export async function readEvents(sql: Sql, sessionId: string, afterSeq: number, limit = 2 ** 31 - 1): Promise<SessionEventRecord[]> {
  const rows = await sql.logRows<{ session_id: string; seq: number; type: SessionEventType; at: string; payload: never }>(
    'select session_id, seq, type, at, payload from session_events where session_id = $1 and seq > $2 order by seq limit $3',
    [sessionId, afterSeq, limit],
  );
  return rows.map((row) => ({ sessionId: row.session_id, seq: row.seq, type: row.type, at: new Date(row.at).toISOString(), payload: row.payload }));
}

/** The seq of the last event of each session whose log is past the seq given for it, by session id. */
export async function sessionHeadsPast(sql: Sql, seen: ReadonlyMap<string, number>): Promise<Map<string, number>> {
  const rows = await sql.rows<{ id: string; last_seq: number }>(
    `select s.id, s.last_seq from unnest($1::uuid[], $2::int[]) as seen (id, seq)
     join sessions s on s.id = seen.id where s.last_seq > seen.seq`,
    [[...seen.keys()], [...seen.values()]],
  );
  return new Map(rows.map((row) => [row.id, row.last_seq]));
}

/** Where each session's log stands: whether it still takes events, and the seq of its last one. */
export async function sessionLogStates(sql: Sql, sessionIds: readonly string[]): Promise<Map<string, SessionLogState>> {
  const rows = await sql.rows<{ id: string; state: SessionState; last_seq: number }>(
    'select id, state, last_seq from sessions where id = any($1::uuid[])',
    [sessionIds],
  );
  return new Map(rows.map((row) => [row.id, { state: row.state, lastSeq: row.last_seq }]));
}

export interface SessionLogState {
  state: SessionState;
  lastSeq: number;
}
