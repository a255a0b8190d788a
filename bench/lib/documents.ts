/** The GraphQL documents the load clients send: what the customer app and the order panel ask for. */
export const LOGIN = /* GraphQL */ `
  mutation Login($username: String!, $password: String!) {
    login(username: $username, password: $password) { token }
  }
`;

export const OPEN_SESSION = /* GraphQL */ `
  mutation OpenSession($locationId: Int!, $name: String!) {
    openSession(locationId: $locationId, name: $name) { id code lastSeq }
  }
`;

export const PLACE_ORDER = /* GraphQL */ `
  mutation PlaceOrder($code: String!, $items: [OrderItemInput!]!, $idempotencyKey: String!) {
    placeOrder(code: $code, items: $items, idempotencyKey: $idempotencyKey) { id status total placedAt }
  }
`;

export const SET_ORDER_STATUS = /* GraphQL */ `
  mutation SetOrderStatus($orderId: ID!, $status: OrderStatus!) {
    setOrderStatus(orderId: $orderId, status: $status) { id status }
  }
`;

export const CLOSE_SESSION = /* GraphQL */ `
  mutation CloseSession($code: String!) {
    closeSession(code: $code) { id state }
  }
`;

export const LOCATION_EVENTS_PAGE = /* GraphQL */ `
  query LocationEventsPage($locationId: Int!, $afterSeq: Int!) {
    locationEvents(locationId: $locationId, afterSeq: $afterSeq) { seq }
  }
`;

export const SESSION_EVENTS = /* GraphQL */ `
  subscription SessionEvents($code: String!, $afterSeq: Int!) {
    sessionEvents(code: $code, afterSeq: $afterSeq) {
      __typename seq at
      ... on OrderPlaced { order { id status total items { productId name unitPrice quantity note lineTotal } } }
      ... on OrderStatusChanged { orderId status previousStatus }
      ... on SessionClosed { closedAt }
    }
  }
`;

export const LOCATION_EVENTS = /* GraphQL */ `
  subscription LocationEvents($locationId: Int!, $afterSeq: Int!) {
    locationEvents(locationId: $locationId, afterSeq: $afterSeq) {
      __typename seq at sessionId
      ... on SessionOpened { code name }
      ... on OrderPlaced { order { id status total items { productId name quantity } } }
      ... on OrderStatusChanged { orderId status previousStatus }
      ... on SessionClosed { closedAt }
    }
  }
`;
