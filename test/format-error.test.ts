import { GraphQLError } from 'graphql';
import { BadInputError } from '../src/domain/errors';
import { createErrorFormatter, isUnexpectedError } from '../src/server/format-error';

/**
 * graphql-ws wraps an error thrown while a subscription streams (say, its log read fails) in
 * a GraphQLError with no path. It must still count as unexpected, not as the client's mistake.
 */
describe('the error mapping of errors from a live stream', () => {
  const inProduction = createErrorFormatter(true);
  const wrapped = (cause: Error) => new GraphQLError(cause.message, { originalError: cause });

  it('answers an unexpected failure as INTERNAL_SERVER_ERROR, without its message, and counts it as unexpected', () => {
    const error = wrapped(new TypeError("Cannot read properties of undefined (reading 'seq')"));
    expect(isUnexpectedError(error)).toBe(true);
    expect(inProduction(error.toJSON(), error)).toEqual({ message: 'Internal server error', extensions: { code: 'INTERNAL_SERVER_ERROR' } });
  });

  it.each([
    ['its connection cut', new Error('Connection terminated unexpectedly')],
    ['no answer in time', new Error('Query read timeout')],
    ['no connection free in time', new Error('Knex: Timeout acquiring a connection. The pool is probably full. Are you missing a .transacting(trx) call?')],
    ['refusing connections', Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:5432'), { code: 'ECONNREFUSED' })],
    ['shutting down', Object.assign(new Error('terminating connection due to administrator command'), { code: '57P01' })],
  ])('answers a database outage (%s) as SERVICE_UNAVAILABLE naming the database, and still counts it as unexpected', (_case, cause) => {
    const error = wrapped(cause);
    expect(isUnexpectedError(error)).toBe(true);
    expect(inProduction(error.toJSON(), error)).toMatchObject({ extensions: { code: 'SERVICE_UNAVAILABLE', service: 'database' } });
  });

  it("keeps a domain error's code and message", () => {
    const error = wrapped(new BadInputError('afterSeq is 0 or more', { field: 'afterSeq' }));
    expect(isUnexpectedError(error)).toBe(false);
    expect(inProduction(error.toJSON(), error)).toMatchObject({ message: 'afterSeq is 0 or more', extensions: { code: 'BAD_USER_INPUT', field: 'afterSeq' } });
  });

  it("calls graphql-js's own errors (no cause) GRAPHQL_VALIDATION_FAILED", () => {
    const error = new GraphQLError('Cannot query field "nope" on type "Query".');
    expect(isUnexpectedError(error)).toBe(false);
    expect(inProduction(error.toJSON(), error).extensions).toEqual({ code: 'GRAPHQL_VALIDATION_FAILED' });
  });
});
