/** The GraphQL documents the tests send, written once. */
export const LOGIN = /* GraphQL */ `
  mutation Login($username: String!, $password: String!, $deviceKey: String) {
    login(username: $username, password: $password, deviceKey: $deviceKey) { userId sessionKey token deviceKey }
  }
`;

export const OPEN_SESSION = /* GraphQL */ `
  mutation OpenSession($locationId: Int!, $name: String!, $idempotencyKey: String) {
    openSession(locationId: $locationId, name: $name, idempotencyKey: $idempotencyKey) { id code name locationId state lastSeq openedAt closedAt }
  }
`;

export const CLOSE_SESSION = /* GraphQL */ `
  mutation CloseSession($code: String!) {
    closeSession(code: $code) { id state closedAt lastSeq }
  }
`;

export const SESSION = /* GraphQL */ `
  query Session($code: String!) {
    session(code: $code) {
      id code name state lastSeq
      orders { id status total items { productId name unitPrice quantity note lineTotal } }
    }
  }
`;

export const SESSION_QR = /* GraphQL */ `
  query SessionQr($code: String!) {
    session(code: $code) { qrCode { content svg dataUri } }
  }
`;

export const SESSIONS = /* GraphQL */ `
  query Sessions($locationId: Int!, $state: SessionState, $first: Int, $after: String) {
    sessions(locationId: $locationId, state: $state, first: $first, after: $after) {
      nodes { id code name state }
      pageInfo { endCursor hasNextPage }
    }
  }
`;

export const MENU = /* GraphQL */ `
  query Menu($code: String!) {
    menu(code: $code) { id name price locationId }
  }
`;

export const PLACE_ORDER = /* GraphQL */ `
  mutation PlaceOrder($code: String!, $items: [OrderItemInput!]!, $idempotencyKey: String!) {
    placeOrder(code: $code, items: $items, idempotencyKey: $idempotencyKey) {
      id status total placedAt items { productId name unitPrice quantity note lineTotal }
    }
  }
`;

export const SET_ORDER_STATUS = /* GraphQL */ `
  mutation SetOrderStatus($orderId: ID!, $status: OrderStatus!) {
    setOrderStatus(orderId: $orderId, status: $status) { id status }
  }
`;

const EVENT_FIELDS = /* GraphQL */ `
  __typename seq at
  ... on OrderPlaced { order { id status total items { productId name unitPrice quantity lineTotal } } }
  ... on OrderStatusChanged { orderId status previousStatus }
  ... on SessionClosed { closedAt }
`;

export const SESSION_EVENTS_SUBSCRIPTION = /* GraphQL */ `
  subscription SessionEvents($code: String!, $afterSeq: Int) {
    sessionEvents(code: $code, afterSeq: $afterSeq) { ${EVENT_FIELDS} }
  }
`;

export const SESSION_EVENTS_QUERY = /* GraphQL */ `
  query SessionEventsReplay($code: String!, $afterSeq: Int) {
    sessionEvents(code: $code, afterSeq: $afterSeq) { ${EVENT_FIELDS} }
  }
`;

export const LOGOUT = /* GraphQL */ `
  mutation Logout { logout }
`;

export const WHO_AM_I = /* GraphQL */ `
  query WhoAmI { me { id } }
`;

export const MY_LOCATIONS = /* GraphQL */ `
  query MyLocations { myLocations { id name } }
`;

const LOCATION_EVENT_FIELDS = /* GraphQL */ `
  __typename seq at sessionId
  ... on SessionOpened { code name }
  ... on OrderPlaced { order { id status total } }
  ... on OrderStatusChanged { orderId status previousStatus }
  ... on SessionClosed { closedAt }
`;

export const LOCATION_EVENTS_SUBSCRIPTION = /* GraphQL */ `
  subscription LocationEvents($locationId: Int!, $afterSeq: Int) {
    locationEvents(locationId: $locationId, afterSeq: $afterSeq) { ${LOCATION_EVENT_FIELDS} }
  }
`;

export const LOCATION_EVENTS_QUERY = /* GraphQL */ `
  query LocationEventsReplay($locationId: Int!, $afterSeq: Int) {
    locationEvents(locationId: $locationId, afterSeq: $afterSeq) { ${LOCATION_EVENT_FIELDS} }
  }
`;
