import type {
  LocationEventFieldsFragment,
  LoginMutation,
  MyLocationsQuery,
  OrderFieldsFragment,
  ProductFieldsFragment,
  SessionEventFieldsFragment,
  SessionFieldsFragment,
  SessionQrCodeQuery,
  SessionQuery,
  SessionsQuery,
  SetOrderStatusMutation,
} from '../generated/graphql';

/** The shapes the SDK returns, named after what they are (all generated from the operations). */
export type Credential = LoginMutation['login'];
export type Location = MyLocationsQuery['myLocations'][number];
export type Session = SessionFieldsFragment;
export type SessionWithOrders = SessionQuery['session'];
export type SessionPage = SessionsQuery['sessions'];
export type QrCode = NonNullable<SessionQrCodeQuery['session']['qrCode']>;
export type Order = OrderFieldsFragment;
export type OrderStatusUpdate = SetOrderStatusMutation['setOrderStatus'];
export type Product = ProductFieldsFragment;

/** An event of a session's log: switch on `__typename` to narrow it. */
export type SessionEvent = SessionEventFieldsFragment;
export type OrderPlaced = Extract<SessionEvent, { __typename: 'OrderPlaced' }>;
export type OrderStatusChanged = Extract<SessionEvent, { __typename: 'OrderStatusChanged' }>;
export type SessionClosed = Extract<SessionEvent, { __typename: 'SessionClosed' }>;

/** An event of a location's stream (the order panel's): its seq numbers the location's stream. */
export type LocationEvent = LocationEventFieldsFragment;
export type SessionOpened = Extract<LocationEvent, { __typename: 'SessionOpened' }>;

export type { OrderItemInput, OrderStatus, SessionState } from '../generated/graphql';
