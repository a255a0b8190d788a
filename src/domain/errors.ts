/**
 * One error type per failure a client can cause. The GraphQL layer maps them once
 * (src/server/format-error.ts) to `extensions.code`.
 */
export type ErrorCode =
  | 'BAD_USER_INPUT'
  | 'UNAUTHENTICATED'
  | 'FORBIDDEN'
  | 'NOT_FOUND'
  | 'SESSION_CLOSED'
  | 'CONFLICT'
  | 'SERVICE_UNAVAILABLE'
  | 'RATE_LIMITED';

export abstract class DomainError extends Error {
  abstract readonly code: ErrorCode;
  constructor(
    message: string,
    readonly details: Record<string, unknown> = {},
  ) {
    super(message);
    this.name = new.target.name;
  }
}

export class BadInputError extends DomainError {
  readonly code = 'BAD_USER_INPUT';
}
export class UnauthenticatedError extends DomainError {
  readonly code = 'UNAUTHENTICATED';
}
export class ForbiddenError extends DomainError {
  readonly code = 'FORBIDDEN';
}
export class NotFoundError extends DomainError {
  readonly code = 'NOT_FOUND';
}
export class SessionClosedError extends DomainError {
  readonly code = 'SESSION_CLOSED';
}
export class ConflictError extends DomainError {
  readonly code = 'CONFLICT';
}
export class RateLimitedError extends DomainError {
  readonly code = 'RATE_LIMITED';
}
/** A sibling service is down, timed out or answered with something unusable. */
export class ServiceUnavailableError extends DomainError {
  readonly code = 'SERVICE_UNAVAILABLE';
  constructor(
    readonly service: string,
    reason: string,
  ) {
    super(`The ${service} service is unavailable: ${reason}`, { service });
  }
}
