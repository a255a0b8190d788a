import type { ApolloServerPlugin, GraphQLRequestListener } from '@apollo/server';
import { GraphQLError } from 'graphql';

/**
 * Apollo would execute a subscription sent over HTTP as a query, without its event source:
 * refuse it as the client's mistake and say where subscriptions go.
 */
export function subscriptionsOverWebSocketOnly(path: string): ApolloServerPlugin {
  // One listener for every request: it keeps nothing of its own.
  const listener: GraphQLRequestListener<object> = {
    async didResolveOperation({ operation }) {
      if (operation?.operation !== 'subscription') return;
      throw new GraphQLError(`Subscriptions go over WebSocket (graphql-ws) at ${path}, not over HTTP`, {
        extensions: { code: 'BAD_REQUEST', http: { status: 400 } },
      });
    },
  };
  return { requestDidStart: async () => listener };
}
