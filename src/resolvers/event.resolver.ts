import { Arg, Ctx, Int, Query, Resolver, Root, Subscription, type SubscribeResolverData } from 'type-graphql';
import { BadInputError } from '../domain/errors';
import type { LocationEventRecord } from '../domain/location-events';
import type { SessionEventRecord } from '../domain/session-events';
import type { GraphQLContext } from './context';
import { LocationEvent, OrderPlaced, OrderStatusChanged, SessionClosed, SessionEvent, SessionOpened, toGraphQLEvent } from './event.type';
import { parsePositiveId } from './ids';

const MAX_REPLAY = 1000;

// Referenced so the schema carries every implementation of the event interfaces.
export const sessionEventTypes = [OrderPlaced, OrderStatusChanged, SessionClosed, SessionOpened];

interface SessionEventsArgs {
  code: string;
  afterSeq: number | null;
}

interface LocationEventsArgs {
  locationId: number;
  afterSeq: number | null;
}

// Nullable with a default: a client's `$afterSeq: Int` variable sent as null means "from the start", not an error.
const AFTER_SEQ = { nullable: true, defaultValue: 0, description: 'The seq of the last event already received; 0 (or null): from the first.' };

@Resolver()
export class EventResolver {
  @Query(() => [SessionEvent], {
    name: 'sessionEvents',
    description: `The session's events after afterSeq, oldest first, at most ${MAX_REPLAY} (anyone holding the code).`,
  })
  async replaySessionEvents(
    @Arg('code') code: string,
    @Arg('afterSeq', () => Int, AFTER_SEQ) afterSeq: number | null,
    @Ctx() { services, client }: GraphQLContext,
  ) {
    const from = validAfterSeq(afterSeq);
    const session = await services.sessions.keyByCode(code, client);
    return (await services.streams.storedOfSession(session.id, from, MAX_REPLAY)).map(toGraphQLEvent);
  }

  @Subscription(() => SessionEvent, {
    name: 'sessionEvents',
    description:
      'Every event of the session after afterSeq, exactly once and in seq order: first the stored ones, then live. Ends after SessionClosed. To resume after a dropped connection, subscribe again with the last seq received.',
    subscribe: async ({ args, context }: SubscribeResolverData<unknown, SessionEventsArgs, GraphQLContext>) => {
      const from = validAfterSeq(args.afterSeq);
      const { services, client } = context;
      const session = await services.sessions.keyByCode(args.code, client);
      return services.streams.ofSession(session.id, from);
    },
  })
  liveSessionEvents(
    @Root() record: SessionEventRecord,
    @Arg('code') _code: string,
    @Arg('afterSeq', () => Int, AFTER_SEQ) _afterSeq: number | null,
  ) {
    // No context here: one execution serves every subscriber of the event (server/shared-execution.ts).
    return toGraphQLEvent(record);
  }

  @Query(() => [LocationEvent], {
    name: 'locationEvents',
    description: `The location's events after afterSeq, oldest first, at most ${MAX_REPLAY} (its representative only).`,
  })
  async replayLocationEvents(
    @Arg('locationId', () => Int) locationId: number,
    @Arg('afterSeq', () => Int, AFTER_SEQ) afterSeq: number | null,
    @Ctx() { services, credential }: GraphQLContext,
  ) {
    parsePositiveId(locationId, 'locationId');
    const from = validAfterSeq(afterSeq);
    await services.access.requireOwner(credential, locationId);
    return (await services.streams.storedOfLocation(locationId, from, MAX_REPLAY)).map(toGraphQLEvent);
  }

  @Subscription(() => LocationEvent, {
    name: 'locationEvents',
    description:
      "The order panel's stream (the location's representative only): sessions opened and closed, orders placed and moved along, exactly once and in seq order, first the stored ones after afterSeq, then live. To resume after a dropped connection, subscribe again with the last seq received. Ends with UNAUTHENTICATED when the credential that opened it is logged out (at once) or expires, and with FORBIDDEN when the location changes hands: within one lifetime of the service's verification cache (AUTH_CACHE_TTL_MS; half of it and a second under two seconds), which it asks again every half lifetime.",
    subscribe: async ({ args, context }: SubscribeResolverData<unknown, LocationEventsArgs, GraphQLContext>) => {
      parsePositiveId(args.locationId, 'locationId');
      const from = validAfterSeq(args.afterSeq);
      const { services, credential } = context;
      await services.access.requireOwner(credential, args.locationId, { streaming: true });
      return services.streams.ofLocation(args.locationId, from, (stream) =>
        services.access.endWhenRefused(credential, args.locationId, stream),
      );
    },
  })
  liveLocationEvents(
    @Root() record: LocationEventRecord,
    @Arg('locationId', () => Int) _locationId: number,
    @Arg('afterSeq', () => Int, AFTER_SEQ) _afterSeq: number | null,
  ) {
    // No context here: one execution serves every subscriber of the event (server/shared-execution.ts).
    return toGraphQLEvent(record);
  }
}

function validAfterSeq(value: number | null): number {
  const afterSeq = value ?? 0;
  if (!Number.isInteger(afterSeq) || afterSeq < 0) throw new BadInputError('afterSeq is 0 or more', { field: 'afterSeq' });
  return afterSeq;
}
