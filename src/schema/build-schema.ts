import 'reflect-metadata';
import type { GraphQLSchema } from 'graphql';
import { buildSchema } from 'type-graphql';
import { AuthResolver } from '../resolvers/auth.resolver';
import { EventResolver, sessionEventTypes } from '../resolvers/event.resolver';
import { OrderResolver } from '../resolvers/order.resolver';
import { SessionResolver } from '../resolvers/session.resolver';

let schema: Promise<GraphQLSchema> | undefined;

/** The one schema HTTP and WebSocket share. Built once per process: type-graphql keeps global metadata. */
export function orderedSchema(): Promise<GraphQLSchema> {
  schema ??= buildSchema({
    resolvers: [AuthResolver, SessionResolver, OrderResolver, EventResolver],
    orphanedTypes: sessionEventTypes,
    validate: false,
    // Our subscriptions bring their own `subscribe` (replay, then live; see event-stream.ts),
    // but type-graphql insists on a PubSub for topic-based ones: there are none to serve.
    pubSub: {
      publish: () => {
        throw new Error('Publish through EventBus, not type-graphql');
      },
      subscribe: () => {
        throw new Error('Subscriptions in this schema declare their own subscribe');
      },
    },
  });
  return schema;
}
