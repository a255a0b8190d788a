import DataLoader from 'dataloader';
import { SessionState } from '../entities';
import type { Logger } from '../logger';
import type { Sql } from '../orm/sql';
import type { EventBus } from '../pubsub/event-bus';
import { Topics } from '../pubsub/topics';
import type { EndableStream } from './access';
import { BadInputError } from './errors';
import { endedStream, eventStream } from './event-stream';
import { LiveFeed } from './live-feed';
import { sharedLookups } from './loader-options';
import { locationHeads, locationHeadsPast, readLocationEvents, type LocationEventRecord } from './location-events';
import { readEvents, sessionHeadsPast, sessionLogStates, type SessionEventRecord, type SessionLogState } from './session-events';

export type StreamKind = 'session' | 'location';

/**
 * The live streams subscriptions read: a session's events (sessionEvents) and a location's
 * (locationEvents), each from a given seq on, stored first, then live, gap-free and once.
 * Each stream watches its topic before it asks where the log stands, so an event committed
 * after that answer arrives live; the log is read only when it holds events the subscriber
 * has not had. Authorisation is the caller's.
 */
export class EventStreams {
  readonly feed: LiveFeed<StreamKind>;
  // Subscriptions arriving together (a restart, a busy hour) share one query.
  private readonly sessionStates: DataLoader<string, SessionLogState | undefined>;
  private readonly locationHeads: DataLoader<number, number>;

  constructor(
    private readonly sql: Sql,
    bus: EventBus,
    logger: Logger,
    repairIntervalMs?: number,
  ) {
    this.feed = new LiveFeed<StreamKind>({
      bus,
      logger,
      repairIntervalMs,
      topic: (kind, key) => (kind === 'session' ? Topics.session(key) : Topics.location(key)),
      heads: {
        session: (seen) => sessionHeadsPast(sql, seen),
        location: (seen) => locationHeadsPast(sql, seen),
      },
    });
    this.sessionStates = new DataLoader(
      async (ids) => {
        const states = await sessionLogStates(sql, ids);
        return ids.map((id) => states.get(id));
      },
      sharedLookups(),
    );
    this.locationHeads = new DataLoader(
      async (ids) => {
        const heads = await locationHeads(sql, ids.map(String));
        return ids.map((id) => heads.get(String(id)) ?? 0);
      },
      sharedLookups(),
    );
  }

  /** The session's stored events after `afterSeq`, at most `limit`; past its last event is refused, as for a subscription. */
  async storedOfSession(sessionId: string, afterSeq: number, limit: number): Promise<SessionEventRecord[]> {
    const events = await readEvents(this.sql, sessionId, afterSeq, limit);
    if (events.length === 0 && afterSeq > 0) {
      const { lastSeq } = (await this.sessionStates.load(sessionId)) as SessionLogState;
      if (afterSeq > lastSeq) throw pastTheEnd('session', afterSeq, lastSeq);
    }
    return events;
  }

  /** The location's stored events after `afterSeq`, at most `limit`; past its last event is refused, as for a subscription. */
  async storedOfLocation(locationId: number, afterSeq: number, limit: number): Promise<LocationEventRecord[]> {
    const events = await readLocationEvents(this.sql, locationId, afterSeq, limit);
    if (events.length === 0 && afterSeq > 0) {
      const head = await this.locationHeads.load(locationId);
      if (afterSeq > head) throw pastTheEnd('location', afterSeq, head);
    }
    return events;
  }

  /** The session's events after `afterSeq`, ending after SessionClosed (at once if that was already seen). */
  async ofSession(sessionId: string, afterSeq: number): Promise<AsyncIterableIterator<SessionEventRecord>> {
    const watch = await this.feed.watch<SessionEventRecord>('session', sessionId);
    try {
      const { state, lastSeq } = (await this.sessionStates.load(sessionId)) as SessionLogState;
      if (afterSeq > lastSeq) throw pastTheEnd('session', afterSeq, lastSeq);
      if (state === SessionState.CLOSED && afterSeq === lastSeq) {
        await watch.return();
        return endedStream();
      }
      return eventStream(watch, afterSeq, lastSeq, (after, limit) => readEvents(this.sql, sessionId, after, limit), (event) => event.type === 'SessionClosed');
    } catch (error) {
      await watch.return();
      throw error;
    }
  }

  /**
   * The location's events after `afterSeq`; a location's stream ends only when its watch is
   * failed, which `bind` is given the means to do (a logout of the representative).
   */
  async ofLocation(
    locationId: number,
    afterSeq: number,
    bind: (watch: EndableStream) => void,
  ): Promise<AsyncIterableIterator<LocationEventRecord>> {
    const watch = await this.feed.watch<LocationEventRecord>('location', String(locationId));
    bind(watch);
    try {
      const head = await this.locationHeads.load(locationId);
      if (afterSeq > head) throw pastTheEnd('location', afterSeq, head);
      return eventStream(watch, afterSeq, head, (after, limit) => readLocationEvents(this.sql, locationId, after, limit));
    } catch (error) {
      await watch.return();
      throw error;
    }
  }
}

/** A client's afterSeq beyond the log: it holds a seq this log never gave (another database, say). */
function pastTheEnd(kind: StreamKind, afterSeq: number, head: number): BadInputError {
  return new BadInputError(`afterSeq ${afterSeq} is past the ${kind}'s last event (${head})`, { field: 'afterSeq' });
}
