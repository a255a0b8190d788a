import DataLoader from 'dataloader';
import { randomUUID } from 'node:crypto';
import { UniqueConstraintViolationException } from '@mikro-orm/core';
import type { EntityManager } from '@mikro-orm/postgresql';
import { LRUCache } from 'lru-cache';
import type { CodesClient } from '../datasources';
import { Session, SessionState } from '../entities';
import type { Sql, SqlTransaction } from '../orm/sql';
import { upTo } from './cache-bounds';
import { BadInputError, ConflictError, NotFoundError, ServiceUnavailableError } from './errors';
import type { EventPublisher } from './event-publisher';
import { validIdempotencyKey } from './idempotency-key';
import { sharedLookups } from './loader-options';
import { appendLocationEvent } from './location-events';
import { recordSessionEvent } from './session-events';
import { encodeCursor, sessionPageStatement, type SessionPageQuery, type SessionPageRow } from './session-page';
import { characterCount, storable, visibleText } from './text';
import type { WrongCodeThrottle } from './wrong-code-throttle';

const CODE = /^[0-9a-f]{6}$/;
const CODE_ATTEMPTS = 5;
export const MAX_NAME_LENGTH = 200;

/** What never changes about a session: enough to place an order in it. */
export interface SessionKey {
  id: string;
  locationId: number;
}

export interface SessionPage {
  sessions: Session[];
  /** The seq of the location's last event when the page was read (0: none yet). */
  locationLastSeq: number;
  endCursor: string | null;
  hasNextPage: boolean;
}

/** Opening, finding, listing and closing a location's order sessions. */
export class Sessions {
  constructor(
    private readonly sql: Sql,
    private readonly codes: CodesClient,
    private readonly publisher: EventPublisher,
    private readonly throttle: WrongCodeThrottle,
  ) {}

  private readonly keys = new LRUCache<string, SessionKey>(upTo(100_000));
  /** Codes looked up together share one query. */
  private readonly keysByCode = new DataLoader<string, SessionKey | undefined>(
    async (codes) => {
      const rows = await this.sql.rows<{ code: string; id: string; location_id: number }>(
        'select code, id, location_id from sessions where code = any($1::text[])',
        [codes],
      );
      const found = new Map(rows.map((row) => [row.code, { id: row.id, locationId: row.location_id }]));
      return codes.map((code) => found.get(code));
    },
    sharedLookups(),
  );

  /**
   * The session a code opens. A wrong, malformed or unknown code is answered exactly like
   * a missing session, and counts against the client's wrong-code allowance.
   */
  async byCode(em: EntityManager, code: string, client: string): Promise<Session> {
    const { id } = await this.keyByCode(code, client);
    return em.findOneOrFail(Session, id);
  }

  /**
   * The session a code opens, as its unchanging key: looked up once per code and instance
   * (a code names one session forever), each lookup paid for from the client's wrong-code
   * allowance until it proves right. Whether it is still open is checked where it matters.
   */
  async keyByCode(code: string, client: string): Promise<SessionKey> {
    this.throttle.assertAllowed(client);
    const normalised = normalisedCode(code);
    const known = this.keys.get(normalised);
    if (known) return known;
    const attempt = await this.throttle.attempt(client);
    let key: SessionKey | undefined;
    try {
      key = CODE.test(normalised) ? await this.keysByCode.load(normalised) : undefined;
    } catch (error) {
      attempt.giveBack(); // the lookup failed, not the client
      throw error;
    }
    if (!key) {
      attempt.countAsWrong();
      throw new NotFoundError('No session has this code');
    }
    attempt.giveBack();
    this.keys.set(normalised, key);
    return key;
  }

  /** Charges the client one wrong code, for a right one that must be answered as a wrong one. */
  async countAsWrongCode(client: string): Promise<void> {
    const attempt = await this.throttle.attempt(client);
    attempt.countAsWrong();
  }

  /**
   * Opens a session with a new code. Under an idempotency key already used at the location, it
   * is the session that key opened, as it stands now (CONFLICT if that one has another name).
   */
  async open(em: EntityManager, input: { locationId: number; name: string; openedBy: number; idempotencyKey?: string | null }): Promise<Session> {
    const name = validName(input.name);
    const key = input.idempotencyKey == null ? null : validIdempotencyKey(input.idempotencyKey);
    const earlier = () => (key ? this.openedUnder(em, input.locationId, key, name) : Promise.resolve(undefined));
    // The name taken: by the session this key opened, when the same open was sent again (also at once)?
    const earlierOrDuplicate = async () => (await earlier()) ?? Promise.reject(duplicateName(name));
    const opened = await earlier();
    if (opened) return opened;
    if (await em.count(Session, { locationId: input.locationId, name, state: SessionState.OPEN })) return earlierOrDuplicate();
    for (let attempt = 0; attempt < CODE_ATTEMPTS; attempt++) {
      const code = await this.codes.newCode();
      if (await em.count(Session, { code })) continue;
      const inserted = await this.insert({ ...input, name, code, key }).catch(async (error: unknown) => {
        if (!(error instanceof UniqueConstraintViolationException)) throw error;
        const nameOrKeyTaken = ['sessions_open_name_unique', 'sessions_location_open_key_unique'].some((index) => error.message.includes(index));
        if (nameOrKeyTaken) return earlierOrDuplicate();
        return undefined; // Another session took the code at the same moment: ask for a new one.
      });
      if (inserted instanceof Session) return inserted;
      // As inserted, without reading it back: a read that timed out would answer a committed open as failed.
      if (inserted) return em.map(Session, inserted);
    }
    throw new ServiceUnavailableError('codes', `no unused code in ${CODE_ATTEMPTS} attempts`);
  }

  /** The session an earlier open at the location made under this key, if one did; it must have had the same name. */
  private async openedUnder(em: EntityManager, locationId: number, key: string, name: string): Promise<Session | undefined> {
    const [row] = await this.sql.rows<Record<string, unknown>>('select * from sessions where location_id = $1 and open_key = $2', [locationId, key]);
    if (!row) return undefined;
    if (row.name !== name) {
      throw new ConflictError(`This idempotency key already opened the session "${String(row.name)}" at this location`, { field: 'idempotencyKey' });
    }
    return em.map(Session, row);
  }

  /** Inserts an open session and its SessionOpened event, publishes the event and returns the session's row. */
  private async insert(session: { code: string; name: string; locationId: number; openedBy: number; key: string | null }): Promise<Record<string, unknown>> {
    const id = randomUUID();
    const openedAt = new Date();
    const events = await this.sql.transaction(async (tx) => {
      // Inserted first, so a taken code, name or key fails before the location's counter is locked.
      await tx.rows(INSERT_SESSION, [id, session.code, session.name, session.locationId, openedAt, session.openedBy, session.key]);
      return [await appendLocationEvent(tx, { id, locationId: session.locationId }, 'SessionOpened', { code: session.code, name: session.name }, openedAt)];
    });
    this.publisher.publishCommitted(events);
    const row = { id, code: session.code, name: session.name, location_id: session.locationId, opened_by: session.openedBy };
    return { ...row, state: SessionState.OPEN, opened_at: openedAt, closed_at: null, last_seq: 0 };
  }

  /** Closes the session and tells its subscribers; closing a closed session changes nothing. */
  async close(em: EntityManager, session: Session): Promise<Session> {
    const closing = await this.sql.transaction(async (tx) => {
      const locked = await lockSession(tx, session.id);
      if (locked.state === SessionState.CLOSED) return undefined;
      const closedAt = new Date();
      await tx.rows("update sessions set state = 'CLOSED', closed_at = $2 where id = $1", [session.id, closedAt]);
      return { closedAt, events: await recordSessionEvent(tx, locked, 'SessionClosed', { closedAt: closedAt.toISOString() }, closedAt) };
    });
    // Closed before: as it was then.
    if (!closing) return em.findOneOrFail(Session, session.id, { refresh: true });
    this.publisher.publishCommitted(closing.events);
    // As committed, without reading it back: a read that timed out would answer a committed close as failed.
    session.state = SessionState.CLOSED;
    session.closedAt = closing.closedAt;
    session.lastSeq = closing.events[0].event.seq;
    return session;
  }

  /**
   * A location's sessions, newest first, `first` at a time after the opaque cursor `after`, with
   * the seq of the location's last event, read together: the page shows the location as its log
   * stood at that seq.
   */
  async list(em: EntityManager, query: SessionPageQuery): Promise<SessionPage> {
    const { text, values } = sessionPageStatement(query);
    const rows = await this.sql.rows<SessionPageRow>(text, values);
    const found = rows.filter((row) => row.id !== null).map(({ location_last_seq: _, ...row }) => em.map(Session, row));
    const sessions = found.slice(0, query.first);
    const last = sessions.at(-1);
    return { sessions, locationLastSeq: rows[0].location_last_seq, hasNextPage: found.length > query.first, endCursor: last ? encodeCursor(last) : null };
  }
}

/** A session as its row lock sees it. */
export interface LockedSession extends SessionKey {
  state: SessionState;
}

/** Locks the session's row for the rest of the transaction: its events and state change one at a time. */
export async function lockSession(tx: SqlTransaction, sessionId: string): Promise<LockedSession> {
  const [row] = await tx.rows<{ id: string; location_id: number; state: SessionState }>(
    'select id, location_id, state from sessions where id = $1 for update',
    [sessionId],
  );
  if (!row) throw new NotFoundError('No such session');
  return { id: row.id, locationId: row.location_id, state: row.state };
}

/** An open session's row; its log is empty (`last_seq` 0). */
export const INSERT_SESSION = `
  insert into sessions (id, code, name, location_id, state, opened_at, opened_by, last_seq, open_key)
  values ($1, $2, $3, $4, 'OPEN', $5, $6, 0, $7)`;

/** The name as staff see it on the panel, where two open sessions must not look alike. */
function validName(raw: string): string {
  // Invisible characters and spaces left out may shorten a name, but not by this much.
  if (raw.length > 10 * MAX_NAME_LENGTH) throw tooLongName();
  if (!storable(raw)) throw new BadInputError('A session name must be Unicode text without NUL characters', { field: 'name' });
  const name = visibleText(raw);
  if (name.length === 0) throw new BadInputError('A session needs a name', { field: 'name' });
  if (characterCount(name) > MAX_NAME_LENGTH) throw tooLongName();
  return name;
}

function tooLongName(): BadInputError {
  return new BadInputError(`A session name has at most ${MAX_NAME_LENGTH} characters`, { field: 'name' });
}

function duplicateName(name: string): ConflictError {
  return new ConflictError(`An open session named "${name}" already exists at this location`, { field: 'name' });
}

function normalisedCode(code: string): string {
  return code.trim().toLowerCase();
}
