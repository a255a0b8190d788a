import type { ApolloServerPlugin, BaseContext, GraphQLRequestListener } from '@apollo/server';
import { GraphQLError } from 'graphql';

const SUGGESTION = 'Did you mean ';

/**
 * A validation error's message without graphql-js's closing "Did you mean …?", which would name
 * fields of a schema whose introspection is off. Cut at the last "Did you mean", not matched with
 * Apollo's / ?Did you mean(.+?)\?$/: messages quote the client's literals whole, and that regex
 * took three seconds of the one event loop over a 250 KB literal repeating the words.
 */
export function withoutSuggestion(message: string): string {
  if (!message.endsWith('?')) return message;
  const at = message.lastIndexOf(SUGGESTION);
  if (at === -1) return message;
  return message.slice(0, at).trimEnd();
}

/** The same validation error, its message without a suggestion (for graphql-ws, whose errors are made anew). */
export function errorWithoutSuggestion(error: GraphQLError): GraphQLError {
  return new GraphQLError(withoutSuggestion(error.message), {
    nodes: error.nodes,
    source: error.source,
    positions: error.positions,
    path: error.path,
    originalError: error.originalError,
    extensions: error.extensions,
  });
}

/** What Apollo's hideSchemaDetailsFromClientErrors does for HTTP, in linear time (one listener for every request). */
export function hideSchemaSuggestionsPlugin(): ApolloServerPlugin {
  const hide = async (errors?: readonly Error[]) => {
    for (const error of errors ?? []) error.message = withoutSuggestion(error.message);
  };
  const listener: GraphQLRequestListener<BaseContext> = { validationDidStart: async () => hide };
  return { requestDidStart: async () => listener };
}
