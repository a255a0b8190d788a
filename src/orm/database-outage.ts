import { ServiceUnavailableError } from '../domain/errors';

/** PostgreSQL's SQLSTATEs of a server that cannot serve: connection exceptions (08…), shutting down, starting, full. */
const UNAVAILABLE_STATES = /^(08...|57P0[123]|53300)$/;
const NETWORK_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EPIPE', 'ENOTFOUND', 'EHOSTUNREACH', 'ENETUNREACH', 'EAI_AGAIN']);
const NO_ANSWER = ['Query read timeout', 'Timeout acquiring a connection', 'Connection terminated'];
/** PostgreSQL cancelled the statement: it ran past statement_timeout (we send no other cancel). */
const QUERY_CANCELED = '57014';

/**
 * The database could not answer (it is away, restarting, silent or out of connections), as
 * SERVICE_UNAVAILABLE naming it: a client may retry that, unlike a bug. Undefined for any other
 * error. Errors reach this from pg, knex's pool and MikroORM (which copies pg's fields).
 */
export function databaseOutage(error: unknown): ServiceUnavailableError | undefined {
  // Read by shape, not instanceof: Node's own network errors come from another realm under test runners.
  if (typeof error !== 'object' || error === null) return undefined;
  const { code, message, name } = error as { code?: unknown; message?: unknown; name?: unknown };
  if (typeof code === 'string' && (UNAVAILABLE_STATES.test(code) || NETWORK_CODES.has(code))) {
    return new ServiceUnavailableError('database', 'it cannot be reached');
  }
  const text = String(message ?? '');
  if (code === QUERY_CANCELED || NO_ANSWER.some((phrase) => text.includes(phrase)) || name === 'KnexTimeoutError') {
    return new ServiceUnavailableError('database', 'it did not answer in time');
  }
  return undefined;
}
