/* eslint-disable */
/** Internal type. DO NOT USE DIRECTLY. */
type Exact<T extends { [key: string]: unknown }> = { [K in keyof T]: T[K] };
/** Internal type. DO NOT USE DIRECTLY. */
export type Incremental<T> = T | { [P in keyof T]?: P extends ' $fragmentName' | '__typename' ? T[P] : never };
import type { DocumentTypeDecoration } from '@graphql-typed-document-node/core';
/** One line of a new order: 1..99 of a product of the session's location, with an optional note. */
export type OrderItemInput = {
  /** At most 500 characters, e.g. "no sugar". */
  note?: string | null | undefined;
  productId: number;
  /** 1 to 99. */
  quantity: number;
};

/** PLACED → ACCEPTED → PREPARING → SERVED, or CANCELLED from any state before SERVED. */
export type OrderStatus =
  | 'ACCEPTED'
  | 'CANCELLED'
  | 'PLACED'
  | 'PREPARING'
  | 'SERVED';

export type SessionState =
  | 'CLOSED'
  | 'OPEN';

export type CloseSessionMutationVariables = Exact<{
  code: string;
}>;


export type CloseSessionMutation = { closeSession: { id: string, code: string, name: string, locationId: number, state: SessionState, openedAt: string, closedAt: string | null, lastSeq: number } };

export type OrderFieldsFragment = { id: string, status: OrderStatus, placedAt: string, total: string, items: Array<{ productId: number, name: string, unitPrice: string, quantity: number, note: string | null, lineTotal: string }> };

export type SessionFieldsFragment = { id: string, code: string, name: string, locationId: number, state: SessionState, openedAt: string, closedAt: string | null, lastSeq: number };

export type ProductFieldsFragment = { id: number, locationId: number, name: string, description: string, price: string, tags: Array<string>, categories: Array<string>, additives: Array<string> };

type SessionEventFields_OrderPlaced_Fragment = { __typename: 'OrderPlaced', seq: number, at: string, sessionId: string, order: { id: string, status: OrderStatus, placedAt: string, total: string, items: Array<{ productId: number, name: string, unitPrice: string, quantity: number, note: string | null, lineTotal: string }> } };

type SessionEventFields_OrderStatusChanged_Fragment = { __typename: 'OrderStatusChanged', orderId: string, status: OrderStatus, previousStatus: OrderStatus, seq: number, at: string, sessionId: string };

type SessionEventFields_SessionClosed_Fragment = { __typename: 'SessionClosed', closedAt: string, seq: number, at: string, sessionId: string };

export type SessionEventFieldsFragment =
  | SessionEventFields_OrderPlaced_Fragment
  | SessionEventFields_OrderStatusChanged_Fragment
  | SessionEventFields_SessionClosed_Fragment
;

type LocationEventFields_OrderPlaced_Fragment = { __typename: 'OrderPlaced', seq: number, at: string, sessionId: string, order: { id: string, status: OrderStatus, placedAt: string, total: string, items: Array<{ productId: number, name: string, unitPrice: string, quantity: number, note: string | null, lineTotal: string }> } };

type LocationEventFields_OrderStatusChanged_Fragment = { __typename: 'OrderStatusChanged', orderId: string, status: OrderStatus, previousStatus: OrderStatus, seq: number, at: string, sessionId: string };

type LocationEventFields_SessionClosed_Fragment = { __typename: 'SessionClosed', closedAt: string, seq: number, at: string, sessionId: string };

type LocationEventFields_SessionOpened_Fragment = { __typename: 'SessionOpened', code: string, name: string, seq: number, at: string, sessionId: string };

export type LocationEventFieldsFragment =
  | LocationEventFields_OrderPlaced_Fragment
  | LocationEventFields_OrderStatusChanged_Fragment
  | LocationEventFields_SessionClosed_Fragment
  | LocationEventFields_SessionOpened_Fragment
;

export type JoinSessionQueryVariables = Exact<{
  code: string;
}>;


export type JoinSessionQuery = { session: { id: string, code: string, name: string, locationId: number, state: SessionState, openedAt: string, closedAt: string | null, lastSeq: number, orders: Array<{ id: string, status: OrderStatus, placedAt: string, total: string, items: Array<{ productId: number, name: string, unitPrice: string, quantity: number, note: string | null, lineTotal: string }> }> }, menu: Array<{ id: number, locationId: number, name: string, description: string, price: string, tags: Array<string>, categories: Array<string>, additives: Array<string> }> };

export type LocationEventsSubscriptionVariables = Exact<{
  locationId: number;
  afterSeq: number;
}>;


export type LocationEventsSubscription = { locationEvents:
    | { __typename: 'OrderPlaced', seq: number, at: string, sessionId: string, order: { id: string, status: OrderStatus, placedAt: string, total: string, items: Array<{ productId: number, name: string, unitPrice: string, quantity: number, note: string | null, lineTotal: string }> } }
    | { __typename: 'OrderStatusChanged', orderId: string, status: OrderStatus, previousStatus: OrderStatus, seq: number, at: string, sessionId: string }
    | { __typename: 'SessionClosed', closedAt: string, seq: number, at: string, sessionId: string }
    | { __typename: 'SessionOpened', code: string, name: string, seq: number, at: string, sessionId: string }
   };

export type LoginMutationVariables = Exact<{
  username: string;
  password: string;
  deviceKey?: string | null | undefined;
}>;


export type LoginMutation = { login: { userId: number, sessionKey: string, token: string, deviceKey: string | null } };

export type LogoutMutationVariables = Exact<{ [key: string]: never; }>;


export type LogoutMutation = { logout: boolean };

export type MyLocationsQueryVariables = Exact<{ [key: string]: never; }>;


export type MyLocationsQuery = { myLocations: Array<{ id: number, name: string, description: string, address: string }> };

export type OpenSessionMutationVariables = Exact<{
  locationId: number;
  name: string;
  idempotencyKey?: string | null | undefined;
}>;


export type OpenSessionMutation = { openSession: { id: string, code: string, name: string, locationId: number, state: SessionState, openedAt: string, closedAt: string | null, lastSeq: number } };

export type PlaceOrderMutationVariables = Exact<{
  code: string;
  items: Array<OrderItemInput> | OrderItemInput;
  idempotencyKey: string;
}>;


export type PlaceOrderMutation = { placeOrder: { id: string, status: OrderStatus, placedAt: string, total: string, items: Array<{ productId: number, name: string, unitPrice: string, quantity: number, note: string | null, lineTotal: string }> } };

export type SessionEventsSubscriptionVariables = Exact<{
  code: string;
  afterSeq: number;
}>;


export type SessionEventsSubscription = { sessionEvents:
    | { __typename: 'OrderPlaced', seq: number, at: string, sessionId: string, order: { id: string, status: OrderStatus, placedAt: string, total: string, items: Array<{ productId: number, name: string, unitPrice: string, quantity: number, note: string | null, lineTotal: string }> } }
    | { __typename: 'OrderStatusChanged', orderId: string, status: OrderStatus, previousStatus: OrderStatus, seq: number, at: string, sessionId: string }
    | { __typename: 'SessionClosed', closedAt: string, seq: number, at: string, sessionId: string }
   };

export type SessionQrCodeQueryVariables = Exact<{
  code: string;
}>;


export type SessionQrCodeQuery = { session: { code: string, qrCode: { content: string, svg: string, dataUri: string } | null } };

export type SessionQueryVariables = Exact<{
  code: string;
}>;


export type SessionQuery = { session: { id: string, code: string, name: string, locationId: number, state: SessionState, openedAt: string, closedAt: string | null, lastSeq: number, orders: Array<{ id: string, status: OrderStatus, placedAt: string, total: string, items: Array<{ productId: number, name: string, unitPrice: string, quantity: number, note: string | null, lineTotal: string }> }> } };

export type SessionsQueryVariables = Exact<{
  locationId: number;
  state?: SessionState | null | undefined;
  first?: number;
  after?: string | null | undefined;
}>;


export type SessionsQuery = { sessions: { locationLastSeq: number, nodes: Array<{ id: string, code: string, name: string, locationId: number, state: SessionState, openedAt: string, closedAt: string | null, lastSeq: number }>, pageInfo: { endCursor: string | null, hasNextPage: boolean } } };

export type SetOrderStatusMutationVariables = Exact<{
  orderId: string | number;
  status: OrderStatus;
}>;


export type SetOrderStatusMutation = { setOrderStatus: { id: string, status: OrderStatus } };

export class TypedDocumentString<TResult, TVariables>
  extends String
  implements DocumentTypeDecoration<TResult, TVariables>
{
  __apiType?: NonNullable<DocumentTypeDecoration<TResult, TVariables>['__apiType']>;
  private value: string;
  public __meta__?: Record<string, any> | undefined;

  constructor(value: string, __meta__?: Record<string, any> | undefined) {
    super(value);
    this.value = value;
    this.__meta__ = __meta__;
  }

  override toString(): string & DocumentTypeDecoration<TResult, TVariables> {
    return this.value;
  }
}
export const SessionFieldsFragmentDoc = new TypedDocumentString(`
    fragment SessionFields on Session {
  id
  code
  name
  locationId
  state
  openedAt
  closedAt
  lastSeq
}
    `, {"fragmentName":"SessionFields"}) as unknown as TypedDocumentString<SessionFieldsFragment, unknown>;
export const ProductFieldsFragmentDoc = new TypedDocumentString(`
    fragment ProductFields on Product {
  id
  locationId
  name
  description
  price
  tags
  categories
  additives
}
    `, {"fragmentName":"ProductFields"}) as unknown as TypedDocumentString<ProductFieldsFragment, unknown>;
export const OrderFieldsFragmentDoc = new TypedDocumentString(`
    fragment OrderFields on Order {
  id
  status
  placedAt
  total
  items {
    productId
    name
    unitPrice
    quantity
    note
    lineTotal
  }
}
    `, {"fragmentName":"OrderFields"}) as unknown as TypedDocumentString<OrderFieldsFragment, unknown>;
export const SessionEventFieldsFragmentDoc = new TypedDocumentString(`
    fragment SessionEventFields on SessionEvent {
  __typename
  seq
  at
  sessionId
  ... on OrderPlaced {
    order {
      ...OrderFields
    }
  }
  ... on OrderStatusChanged {
    orderId
    status
    previousStatus
  }
  ... on SessionClosed {
    closedAt
  }
}
    fragment OrderFields on Order {
  id
  status
  placedAt
  total
  items {
    productId
    name
    unitPrice
    quantity
    note
    lineTotal
  }
}`, {"fragmentName":"SessionEventFields"}) as unknown as TypedDocumentString<SessionEventFieldsFragment, unknown>;
export const LocationEventFieldsFragmentDoc = new TypedDocumentString(`
    fragment LocationEventFields on LocationEvent {
  __typename
  seq
  at
  sessionId
  ... on SessionOpened {
    code
    name
  }
  ... on OrderPlaced {
    order {
      ...OrderFields
    }
  }
  ... on OrderStatusChanged {
    orderId
    status
    previousStatus
  }
  ... on SessionClosed {
    closedAt
  }
}
    fragment OrderFields on Order {
  id
  status
  placedAt
  total
  items {
    productId
    name
    unitPrice
    quantity
    note
    lineTotal
  }
}`, {"fragmentName":"LocationEventFields"}) as unknown as TypedDocumentString<LocationEventFieldsFragment, unknown>;
export const CloseSessionDocument = new TypedDocumentString(`
    mutation CloseSession($code: String!) {
  closeSession(code: $code) {
    ...SessionFields
  }
}
    fragment SessionFields on Session {
  id
  code
  name
  locationId
  state
  openedAt
  closedAt
  lastSeq
}`) as unknown as TypedDocumentString<CloseSessionMutation, CloseSessionMutationVariables>;
export const JoinSessionDocument = new TypedDocumentString(`
    query JoinSession($code: String!) {
  session(code: $code) {
    ...SessionFields
    orders {
      ...OrderFields
    }
  }
  menu(code: $code) {
    ...ProductFields
  }
}
    fragment OrderFields on Order {
  id
  status
  placedAt
  total
  items {
    productId
    name
    unitPrice
    quantity
    note
    lineTotal
  }
}
fragment SessionFields on Session {
  id
  code
  name
  locationId
  state
  openedAt
  closedAt
  lastSeq
}
fragment ProductFields on Product {
  id
  locationId
  name
  description
  price
  tags
  categories
  additives
}`) as unknown as TypedDocumentString<JoinSessionQuery, JoinSessionQueryVariables>;
export const LocationEventsDocument = new TypedDocumentString(`
    subscription LocationEvents($locationId: Int!, $afterSeq: Int!) {
  locationEvents(locationId: $locationId, afterSeq: $afterSeq) {
    ...LocationEventFields
  }
}
    fragment OrderFields on Order {
  id
  status
  placedAt
  total
  items {
    productId
    name
    unitPrice
    quantity
    note
    lineTotal
  }
}
fragment LocationEventFields on LocationEvent {
  __typename
  seq
  at
  sessionId
  ... on SessionOpened {
    code
    name
  }
  ... on OrderPlaced {
    order {
      ...OrderFields
    }
  }
  ... on OrderStatusChanged {
    orderId
    status
    previousStatus
  }
  ... on SessionClosed {
    closedAt
  }
}`) as unknown as TypedDocumentString<LocationEventsSubscription, LocationEventsSubscriptionVariables>;
export const LoginDocument = new TypedDocumentString(`
    mutation Login($username: String!, $password: String!, $deviceKey: String) {
  login(username: $username, password: $password, deviceKey: $deviceKey) {
    userId
    sessionKey
    token
    deviceKey
  }
}
    `) as unknown as TypedDocumentString<LoginMutation, LoginMutationVariables>;
export const LogoutDocument = new TypedDocumentString(`
    mutation Logout {
  logout
}
    `) as unknown as TypedDocumentString<LogoutMutation, LogoutMutationVariables>;
export const MyLocationsDocument = new TypedDocumentString(`
    query MyLocations {
  myLocations {
    id
    name
    description
    address
  }
}
    `) as unknown as TypedDocumentString<MyLocationsQuery, MyLocationsQueryVariables>;
export const OpenSessionDocument = new TypedDocumentString(`
    mutation OpenSession($locationId: Int!, $name: String!, $idempotencyKey: String) {
  openSession(
    locationId: $locationId
    name: $name
    idempotencyKey: $idempotencyKey
  ) {
    ...SessionFields
  }
}
    fragment SessionFields on Session {
  id
  code
  name
  locationId
  state
  openedAt
  closedAt
  lastSeq
}`) as unknown as TypedDocumentString<OpenSessionMutation, OpenSessionMutationVariables>;
export const PlaceOrderDocument = new TypedDocumentString(`
    mutation PlaceOrder($code: String!, $items: [OrderItemInput!]!, $idempotencyKey: String!) {
  placeOrder(code: $code, items: $items, idempotencyKey: $idempotencyKey) {
    ...OrderFields
  }
}
    fragment OrderFields on Order {
  id
  status
  placedAt
  total
  items {
    productId
    name
    unitPrice
    quantity
    note
    lineTotal
  }
}`) as unknown as TypedDocumentString<PlaceOrderMutation, PlaceOrderMutationVariables>;
export const SessionEventsDocument = new TypedDocumentString(`
    subscription SessionEvents($code: String!, $afterSeq: Int!) {
  sessionEvents(code: $code, afterSeq: $afterSeq) {
    ...SessionEventFields
  }
}
    fragment OrderFields on Order {
  id
  status
  placedAt
  total
  items {
    productId
    name
    unitPrice
    quantity
    note
    lineTotal
  }
}
fragment SessionEventFields on SessionEvent {
  __typename
  seq
  at
  sessionId
  ... on OrderPlaced {
    order {
      ...OrderFields
    }
  }
  ... on OrderStatusChanged {
    orderId
    status
    previousStatus
  }
  ... on SessionClosed {
    closedAt
  }
}`) as unknown as TypedDocumentString<SessionEventsSubscription, SessionEventsSubscriptionVariables>;
export const SessionQrCodeDocument = new TypedDocumentString(`
    query SessionQrCode($code: String!) {
  session(code: $code) {
    code
    qrCode {
      content
      svg
      dataUri
    }
  }
}
    `) as unknown as TypedDocumentString<SessionQrCodeQuery, SessionQrCodeQueryVariables>;
export const SessionDocument = new TypedDocumentString(`
    query Session($code: String!) {
  session(code: $code) {
    ...SessionFields
    orders {
      ...OrderFields
    }
  }
}
    fragment OrderFields on Order {
  id
  status
  placedAt
  total
  items {
    productId
    name
    unitPrice
    quantity
    note
    lineTotal
  }
}
fragment SessionFields on Session {
  id
  code
  name
  locationId
  state
  openedAt
  closedAt
  lastSeq
}`) as unknown as TypedDocumentString<SessionQuery, SessionQueryVariables>;
export const SessionsDocument = new TypedDocumentString(`
    query Sessions($locationId: Int!, $state: SessionState, $first: Int! = 20, $after: String) {
  sessions(locationId: $locationId, state: $state, first: $first, after: $after) {
    nodes {
      ...SessionFields
    }
    pageInfo {
      endCursor
      hasNextPage
    }
    locationLastSeq
  }
}
    fragment SessionFields on Session {
  id
  code
  name
  locationId
  state
  openedAt
  closedAt
  lastSeq
}`) as unknown as TypedDocumentString<SessionsQuery, SessionsQueryVariables>;
export const SetOrderStatusDocument = new TypedDocumentString(`
    mutation SetOrderStatus($orderId: ID!, $status: OrderStatus!) {
  setOrderStatus(orderId: $orderId, status: $status) {
    id
    status
  }
}
    `) as unknown as TypedDocumentString<SetOrderStatusMutation, SetOrderStatusMutationVariables>;