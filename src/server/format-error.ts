import { unwrapResolverError } from '@apollo/server/errors';
import { GraphQLError, type GraphQLFormattedError } from 'graphql';
import { DomainError } from '../domain/errors';
import type { Logger } from '../logger';

/**
 * The one place errors become what a client sees: a domain error's code becomes
 * `extensions.code`; anything unexpected is logged and, in production, shown only as
 * INTERNAL_SERVER_ERROR with no stack trace or SQL.
 */
export function createErrorFormatter(production: boolean, logger: Logger) {
  return (formatted: GraphQLFormattedError, error: unknown): GraphQLFormattedError => {
    const original = unwrapResolverError(error);
    if (original instanceof DomainError) {
      return {
        message: original.message,
        locations: formatted.locations,
        path: formatted.path,
        extensions: { ...original.details, code: original.code },
      };
    }
    const code = formatted.extensions?.code;
    if (typeof code === 'string' && code !== 'INTERNAL_SERVER_ERROR') {
      return production ? withoutStacktrace(formatted) : formatted;
    }
    if (original instanceof GraphQLError || (error instanceof GraphQLError && !error.originalError)) {
      // graphql-js's own parse and validation errors carry no code on the WebSocket path.
      return { ...withoutStacktrace(formatted), extensions: { code: 'GRAPHQL_VALIDATION_FAILED' } };
    }
    logger.error('unexpected error', { error: String((original as Error)?.stack ?? original), path: formatted.path });
    if (!production) return { ...formatted, extensions: { ...formatted.extensions, code: 'INTERNAL_SERVER_ERROR' } };
    return { message: 'Internal server error', locations: formatted.locations, path: formatted.path, extensions: { code: 'INTERNAL_SERVER_ERROR' } };
  };
}

function withoutStacktrace(formatted: GraphQLFormattedError): GraphQLFormattedError {
  if (!formatted.extensions?.stacktrace) return formatted;
  const { stacktrace: _stacktrace, ...extensions } = formatted.extensions;
  return { ...formatted, extensions };
}
