import { GraphQLError, type GraphQLFormattedError } from 'graphql';
import { DomainError } from '../domain/errors';
import { databaseOutage } from '../orm/database-outage';

/**
 * The one place errors become what a client sees: a domain error's code becomes
 * `extensions.code`; anything unexpected is, in production, shown only as
 * INTERNAL_SERVER_ERROR with no stack trace or SQL.
 */
export function createErrorFormatter(production: boolean) {
  return (formatted: GraphQLFormattedError, error: unknown): GraphQLFormattedError => {
    // A database outage is still logged as unexpected (isUnexpectedError), but told as one.
    const original = databaseOutage(causeOf(error)) ?? causeOf(error);
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
    if (!isUnexpectedError(error)) {
      // graphql-js's own parse and validation errors carry no code on the WebSocket path.
      return { ...withoutStacktrace(formatted), extensions: { code: 'GRAPHQL_VALIDATION_FAILED' } };
    }
    if (!production) return { ...formatted, extensions: { ...formatted.extensions, code: 'INTERNAL_SERVER_ERROR' } };
    return { message: 'Internal server error', locations: formatted.locations, path: formatted.path, extensions: { code: 'INTERNAL_SERVER_ERROR' } };
  };
}

/** An error no client caused: a bug or an outage of our own parts, worth a log entry. */
export function isUnexpectedError(error: unknown): boolean {
  const cause = causeOf(error);
  if (cause instanceof DomainError) return false;
  if (error instanceof GraphQLError) {
    const code = error.extensions?.code;
    if (typeof code === 'string' && code !== 'INTERNAL_SERVER_ERROR') return false;
    // graphql-js's own parse and validation errors, and those of variables, have no path; an
    // error with one was thrown while executing (a scalar that cannot serialise a value, say).
    if (error.path === undefined && (cause === error || cause instanceof GraphQLError)) return false;
  }
  return true;
}

/**
 * What went wrong underneath a GraphQLError: resolver errors carry a path, but graphql-ws
 * wraps an error thrown by a live stream without one.
 */
function causeOf(error: unknown): unknown {
  return error instanceof GraphQLError && error.originalError ? error.originalError : error;
}

function withoutStacktrace(formatted: GraphQLFormattedError): GraphQLFormattedError {
  if (!formatted.extensions?.stacktrace) return formatted;
  const { stacktrace: _stacktrace, ...extensions } = formatted.extensions;
  return { ...formatted, extensions };
}
