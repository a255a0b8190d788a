import type { EntityManager } from '@mikro-orm/postgresql';
import { SessionEvent, type OrderStatus, type Session } from '../entities';
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
 * Appends an event to the session's log inside the caller's transaction. The caller
 * holds the session's row lock, so seq numbers are gap-free and never repeat.
 */
export function appendEvent<Type extends SessionEventType>(
  em: EntityManager,
  session: Session,
  type: Type,
  payload: SessionEventPayloads[Type],
): SessionEventRecord {
  session.lastSeq += 1;
  const event = em.create(SessionEvent, { session, seq: session.lastSeq, type, payload, at: new Date() });
  return toRecord(event);
}

/** The session's events with `afterSeq < seq <= untilSeq`, oldest first. */
export async function readEvents(
  em: EntityManager,
  sessionId: string,
  afterSeq: number,
  untilSeq?: number,
  limit?: number,
): Promise<SessionEventRecord[]> {
  const seq = untilSeq === undefined ? { $gt: afterSeq } : { $gt: afterSeq, $lte: untilSeq };
  const events = await em.find(SessionEvent, { session: sessionId, seq }, { orderBy: { seq: 'asc' }, limit });
  return events.map(toRecord);
}

function toRecord(event: SessionEvent): SessionEventRecord {
  return {
    sessionId: event.session.id,
    seq: event.seq,
    type: event.type,
    at: event.at.toISOString(),
    payload: event.payload,
  } as SessionEventRecord;
}
