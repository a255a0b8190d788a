import type { Session, SessionState } from '../entities';
import { BadInputError } from './errors';

const STATE_LITERALS: Record<SessionState, string> = { OPEN: "'OPEN'", CLOSED: "'CLOSED'" };
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

export interface SessionPageQuery {
  locationId: number;
  state?: SessionState;
  first: number;
  /** The opaque cursor of the last session of the page before. */
  after?: string;
}

/** A session's row, or nulls when the page is empty, beside the location's last seq. */
export type SessionPageRow = { location_last_seq: number; id: string | null } & Record<string, unknown>;

/**
 * One statement for a page of a location's sessions (one more than asked, to tell whether
 * another page follows) and the seq of the location's last event: one statement is one
 * snapshot, so the page shows the location exactly as its log stood at that seq. An empty page
 * is one row of nulls with the seq.
 */
export function sessionPageStatement(query: SessionPageQuery): { text: string; values: unknown[] } {
  const values: unknown[] = [query.locationId, query.first + 1];
  const where = ['location_id = $1'];
  // A literal, not a parameter: the statement runs with a generic plan, which can use the index of
  // open sessions only when the state is part of its text.
  if (query.state) where.push(`state = ${STATE_LITERALS[query.state]}`);
  if (query.after) {
    const { openedAt, id } = decodeCursor(query.after);
    values.push(openedAt, id);
    // One row comparison is a range of the (location_id, opened_at, id) indexes; the same as an `or`
    // is only a filter, and PostgreSQL read every newer session before the page.
    where.push(`(opened_at, id) < ($${values.length - 1}, $${values.length})`);
  }
  const text = `
    select coalesce(stream.last_seq, 0) as location_last_seq, page.*
    from (select $1::int as location_id) location
    left join location_streams stream using (location_id)
    left join lateral (
      select * from sessions where ${where.join(' and ')} order by opened_at desc, id desc limit $2
    ) page on true
    order by page.opened_at desc, page.id desc`;
  return { text, values };
}

export function encodeCursor(session: Session): string {
  return Buffer.from(JSON.stringify([session.openedAt.toISOString(), session.id])).toString('base64url');
}

function decodeCursor(cursor: string): { openedAt: Date; id: string } {
  try {
    const [at, id] = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
    const openedAt = new Date(at);
    // A time this API wrote: after 1970 and before the year 10000 (PostgreSQL refuses far-off dates).
    const sane = openedAt.getTime() >= 0 && openedAt.getUTCFullYear() < 10_000;
    if (typeof at === 'string' && typeof id === 'string' && UUID.test(id) && sane) return { openedAt, id };
  } catch {
    // fall through
  }
  throw new BadInputError('The cursor "after" is not one this API gave out', { field: 'after' });
}
