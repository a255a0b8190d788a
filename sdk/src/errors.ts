/** The `extensions.code` values the service gives, and the SDK's own for a failed transport. */
export type OrderedErrorCode =
  | 'BAD_USER_INPUT'
  | 'UNAUTHENTICATED'
  | 'FORBIDDEN'
  | 'NOT_FOUND'
  | 'SESSION_CLOSED'
  | 'CONFLICT'
  | 'SERVICE_UNAVAILABLE'
  | 'RATE_LIMITED'
  | 'GRAPHQL_PARSE_FAILED'
  | 'GRAPHQL_VALIDATION_FAILED'
  | 'INTERNAL_SERVER_ERROR'
  /** The SDK's own: the request or the WebSocket failed before an answer arrived. */
  | 'NETWORK_ERROR';

/** One error as the service sends it (a formatted GraphQL error). */
export interface GraphQLErrorPayload {
  message: string;
  path?: readonly (string | number)[];
  extensions?: { code?: string; [key: string]: unknown };
}

/**
 * Every failure the SDK reports: a GraphQL error with the service's `extensions.code`, or a
 * `NETWORK_ERROR` when no answer arrived.
 *
 * ```ts
 * try { await customer.placeOrder({ code, items }) }
 * catch (error) { if (isOrderedError(error, 'SESSION_CLOSED')) showClosed() }
 * ```
 */
export class OrderedError extends Error {
  override readonly name = 'OrderedError';
  /** The first error's `extensions.code` (a code this SDK does not know stays as sent). */
  readonly code: OrderedErrorCode | (string & {});
  /** The first error's extensions, e.g. `{ code: 'SERVICE_UNAVAILABLE', service: 'products' }`. */
  readonly extensions: Readonly<Record<string, unknown>>;
  /** Every error of the answer, as the service sent them. */
  readonly errors: readonly GraphQLErrorPayload[];
  /** Set on a failed placeOrder or openSession: pass it back as `idempotencyKey` to retry without making a second one. */
  idempotencyKey?: string;

  constructor(code: OrderedErrorCode | (string & {}), message: string, options: { errors?: readonly GraphQLErrorPayload[]; extensions?: Record<string, unknown>; cause?: unknown } = {}) {
    super(message);
    this.code = code;
    this.errors = options.errors ?? [];
    this.extensions = options.extensions ?? { code };
    if (options.cause !== undefined) (this as { cause?: unknown }).cause = options.cause;
  }

  /** The error for a GraphQL answer with errors. */
  static fromGraphQLErrors(errors: readonly GraphQLErrorPayload[]): OrderedError {
    const first = errors[0] ?? { message: 'Unknown GraphQL error' };
    const extensions = first.extensions ?? {};
    const code = typeof extensions.code === 'string' ? extensions.code : 'INTERNAL_SERVER_ERROR';
    return new OrderedError(code, first.message, { errors, extensions: { ...extensions, code } });
  }

  /** The error for a request or socket that failed without a GraphQL answer. */
  static network(message: string, cause?: unknown): OrderedError {
    return new OrderedError('NETWORK_ERROR', message, { cause });
  }
}

/** Whether `error` is an OrderedError, and (when given) one with that code. */
export function isOrderedError(error: unknown, code?: OrderedErrorCode): error is OrderedError {
  return error instanceof OrderedError && (code === undefined || error.code === code);
}

/** What graphql-ws reports to a sink's `error`, as an OrderedError. */
export function fromSubscriptionFailure(failure: unknown): OrderedError {
  if (failure instanceof OrderedError) return failure;
  if (Array.isArray(failure)) return OrderedError.fromGraphQLErrors(failure as GraphQLErrorPayload[]);
  if (isCloseEvent(failure)) {
    return OrderedError.network(`WebSocket closed (${failure.code}${failure.reason ? `: ${failure.reason}` : ''})`, failure);
  }
  if (failure instanceof Error) return OrderedError.network(failure.message, failure);
  return OrderedError.network('WebSocket failed', failure);
}

function isCloseEvent(value: unknown): value is { code: number; reason: string } {
  return typeof value === 'object' && value !== null && 'code' in value && 'reason' in value;
}
