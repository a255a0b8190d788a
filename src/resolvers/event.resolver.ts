import { Arg, Ctx, Int, Query, Resolver, Root, Subscription, type SubscribeResolverData } from 'type-graphql';
import { BadInputError } from '../domain/errors';
import { sessionEventStream } from '../domain/event-stream';
import { readEvents, type SessionEventRecord } from '../domain/session-events';
import type { GraphQLContext } from './context';
import { OrderPlaced, OrderStatusChanged, SessionClosed, SessionEvent, toGraphQLEvent } from './event.type';

const MAX_REPLAY = 1000;

// Referenced so the schema carries every implementation of the SessionEvent interface.
export const sessionEventTypes = [OrderPlaced, OrderStatusChanged, SessionClosed];

interface SessionEventsArgs {
  code: string;
  afterSeq: number;
}

@Resolver()
export class EventResolver {
  @Query(() => [SessionEvent], {
    name: 'sessionEvents',
    description: `The session's events after afterSeq, oldest first, at most ${MAX_REPLAY} (anyone holding the code).`,
  })
  async replaySessionEvents(
    @Arg('code') code: string,
    @Arg('afterSeq', () => Int, { defaultValue: 0 }) afterSeq: number,
    @Ctx() { em, services, client }: GraphQLContext,
  ) {
    validAfterSeq(afterSeq);
    const session = await services.sessions.byCode(em, code, client);
    return (await readEvents(em, session.id, afterSeq, undefined, MAX_REPLAY)).map(toGraphQLEvent);
  }

  @Subscription(() => SessionEvent, {
    name: 'sessionEvents',
    description:
      "Every event of the session after afterSeq, exactly once and in seq order: first the stored ones, then live. Ends after SessionClosed. To resume after a dropped connection, subscribe again with the last seq received.",
    subscribe: async ({ args, context }: SubscribeResolverData<unknown, SessionEventsArgs, GraphQLContext>) => {
      const { code, afterSeq } = args;
      validAfterSeq(afterSeq);
      const { em, services, client } = context;
      const session = await services.sessions.byCode(em, code, client);
      return sessionEventStream(services.bus, session.id, afterSeq, (after, until) =>
        readEvents(services.orm.em.fork(), session.id, after, until),
      );
    },
  })
  liveSessionEvents(
    @Root() record: SessionEventRecord,
    @Arg('code') _code: string,
    @Arg('afterSeq', () => Int, { defaultValue: 0 }) _afterSeq: number,
  ) {
    return toGraphQLEvent(record);
  }
}

function validAfterSeq(afterSeq: number): void {
  if (!Number.isInteger(afterSeq) || afterSeq < 0) throw new BadInputError('afterSeq is 0 or more', { field: 'afterSeq' });
}
