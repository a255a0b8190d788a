import type { MikroORM } from '@mikro-orm/postgresql';
import { SessionState, type Session } from '../entities';
import type { Logger } from '../logger';
import type { EventBus } from '../pubsub/event-bus';
import { Topics } from '../pubsub/topics';
import { BadInputError } from './errors';
import { endedStream, eventStream } from './event-stream';
import { LiveFeed } from './live-feed';
import { locationHead, locationHeads, readLocationEvents, type LocationEventRecord } from './location-events';
import { readEvents, sessionHeads, type SessionEventRecord } from './session-events';

export type StreamKind = 'session' | 'location';

/**
 * The live streams subscriptions read: a session's events (sessionEvents) and a location's
 * (locationEvents), each from a given seq on, stored first, then live, gap-free and once.
 * Authorisation is the caller's.
 */
export class EventStreams {
  readonly feed: LiveFeed<StreamKind>;

  constructor(
    private readonly orm: MikroORM,
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
        session: (ids) => sessionHeads(orm.em.fork(), ids),
        location: (ids) => locationHeads(orm.em.fork(), ids),
      },
    });
  }

  /** The session's events after `afterSeq`, ending after SessionClosed (at once if that was already seen). */
  async ofSession(session: Session, afterSeq: number): Promise<AsyncIterableIterator<SessionEventRecord>> {
    if (afterSeq > session.lastSeq) {
      throw new BadInputError(`afterSeq ${afterSeq} is past the session's last event (${session.lastSeq})`, { field: 'afterSeq' });
    }
    if (session.state === SessionState.CLOSED && afterSeq === session.lastSeq) return endedStream();
    // Streams keep ids, not the entity: an entity would keep its EntityManager alive.
    const sessionId = session.id;
    const watch = await this.feed.watch<SessionEventRecord>('session', sessionId);
    return eventStream(
      watch,
      afterSeq,
      (after, limit) => readEvents(this.orm.em.fork(), sessionId, after, limit),
      (event) => event.type === 'SessionClosed',
    );
  }

  /** The location's events after `afterSeq`; a location's stream does not end. */
  async ofLocation(locationId: number, afterSeq: number): Promise<AsyncIterableIterator<LocationEventRecord>> {
    const head = await locationHead(this.orm.em.fork(), locationId);
    if (afterSeq > head) {
      throw new BadInputError(`afterSeq ${afterSeq} is past the location's last event (${head})`, { field: 'afterSeq' });
    }
    const watch = await this.feed.watch<LocationEventRecord>('location', String(locationId));
    return eventStream(watch, afterSeq, (after, limit) => readLocationEvents(this.orm.em.fork(), locationId, after, limit));
  }
}
