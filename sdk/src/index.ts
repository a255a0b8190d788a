/**
 * @ordered/sdk — a typed client for the ordered service, generated from its schema.
 *
 * createRepresentativeClient for the order panel, createCustomerClient for the customer app;
 * both speak HTTP for queries and mutations and graphql-ws for session subscriptions that
 * resume after a dropped connection without losing or repeating an event.
 */
export { createCustomerClient, CustomerClient, type CustomerClientOptions, type JoinedSession, type PlaceOrderOptions } from './customer';
export { createRepresentativeClient, RepresentativeClient, type OpenSessionOptions, type RepresentativeClientOptions } from './representative';
export { newIdempotencyKey, type RetryOptions } from './idempotent-retry';
export { OrderedClient, type ClientOptions } from './client';
export {
  EventSubscription,
  LocationSubscription,
  SessionSubscription,
  type EventSubscriptionOptions,
  type LocationSubscriptionOptions,
  type SessionSubscriptionOptions,
} from './event-subscription';
export { isOrderedError, OrderedError, type GraphQLErrorPayload, type OrderedErrorCode } from './errors';
export { backoff, type ReconnectOptions } from './websocket';
export * from './types';
/** The generated typed documents and operation types, e.g. for `client.request(SessionsDocument, …)`. */
export * from '../generated/graphql';
