/* eslint-disable */
import * as types from './graphql';



/**
 * Map of all GraphQL operations in the project.
 *
 * This map has several performance disadvantages:
 * 1. It is not tree-shakeable, so it will include all operations in the project.
 * 2. It is not minifiable, so the string of a GraphQL query will be multiple times inside the bundle.
 * 3. It does not support dead code elimination, so it will add unused operations.
 *
 * Therefore it is highly recommended to use the babel or swc plugin for production.
 * Learn more about it here: https://the-guild.dev/graphql/codegen/plugins/presets/preset-client#reducing-bundle-size
 */
type Documents = {
    "mutation CloseSession($code: String!) {\n  closeSession(code: $code) {\n    ...SessionFields\n  }\n}": typeof types.CloseSessionDocument,
    "fragment OrderFields on Order {\n  id\n  status\n  placedAt\n  total\n  items {\n    productId\n    name\n    unitPrice\n    quantity\n    note\n    lineTotal\n  }\n}\n\nfragment SessionFields on Session {\n  id\n  code\n  name\n  locationId\n  state\n  openedAt\n  closedAt\n  lastSeq\n}\n\nfragment ProductFields on Product {\n  id\n  locationId\n  name\n  description\n  price\n  tags\n  categories\n  additives\n}\n\nfragment SessionEventFields on SessionEvent {\n  __typename\n  seq\n  at\n  sessionId\n  ... on OrderPlaced {\n    order {\n      ...OrderFields\n    }\n  }\n  ... on OrderStatusChanged {\n    orderId\n    status\n    previousStatus\n  }\n  ... on SessionClosed {\n    closedAt\n  }\n}\n\nfragment LocationEventFields on LocationEvent {\n  __typename\n  seq\n  at\n  sessionId\n  ... on SessionOpened {\n    code\n    name\n  }\n  ... on OrderPlaced {\n    order {\n      ...OrderFields\n    }\n  }\n  ... on OrderStatusChanged {\n    orderId\n    status\n    previousStatus\n  }\n  ... on SessionClosed {\n    closedAt\n  }\n}": typeof types.OrderFieldsFragmentDoc,
    "query JoinSession($code: String!) {\n  session(code: $code) {\n    ...SessionFields\n    orders {\n      ...OrderFields\n    }\n  }\n  menu(code: $code) {\n    ...ProductFields\n  }\n}": typeof types.JoinSessionDocument,
    "subscription LocationEvents($locationId: Int!, $afterSeq: Int!) {\n  locationEvents(locationId: $locationId, afterSeq: $afterSeq) {\n    ...LocationEventFields\n  }\n}": typeof types.LocationEventsDocument,
    "mutation Login($username: String!, $password: String!, $deviceKey: String) {\n  login(username: $username, password: $password, deviceKey: $deviceKey) {\n    userId\n    sessionKey\n    token\n    deviceKey\n  }\n}": typeof types.LoginDocument,
    "mutation Logout {\n  logout\n}": typeof types.LogoutDocument,
    "query MyLocations {\n  myLocations {\n    id\n    name\n    description\n    address\n  }\n}": typeof types.MyLocationsDocument,
    "mutation OpenSession($locationId: Int!, $name: String!, $idempotencyKey: String) {\n  openSession(\n    locationId: $locationId\n    name: $name\n    idempotencyKey: $idempotencyKey\n  ) {\n    ...SessionFields\n  }\n}": typeof types.OpenSessionDocument,
    "mutation PlaceOrder($code: String!, $items: [OrderItemInput!]!, $idempotencyKey: String!) {\n  placeOrder(code: $code, items: $items, idempotencyKey: $idempotencyKey) {\n    ...OrderFields\n  }\n}": typeof types.PlaceOrderDocument,
    "subscription SessionEvents($code: String!, $afterSeq: Int!) {\n  sessionEvents(code: $code, afterSeq: $afterSeq) {\n    ...SessionEventFields\n  }\n}": typeof types.SessionEventsDocument,
    "query SessionQrCode($code: String!) {\n  session(code: $code) {\n    code\n    qrCode {\n      content\n      svg\n      dataUri\n    }\n  }\n}": typeof types.SessionQrCodeDocument,
    "query Session($code: String!) {\n  session(code: $code) {\n    ...SessionFields\n    orders {\n      ...OrderFields\n    }\n  }\n}": typeof types.SessionDocument,
    "query Sessions($locationId: Int!, $state: SessionState, $first: Int! = 20, $after: String) {\n  sessions(locationId: $locationId, state: $state, first: $first, after: $after) {\n    nodes {\n      ...SessionFields\n    }\n    pageInfo {\n      endCursor\n      hasNextPage\n    }\n    locationLastSeq\n  }\n}": typeof types.SessionsDocument,
    "mutation SetOrderStatus($orderId: ID!, $status: OrderStatus!) {\n  setOrderStatus(orderId: $orderId, status: $status) {\n    id\n    status\n  }\n}": typeof types.SetOrderStatusDocument,
};
const documents: Documents = {
    "mutation CloseSession($code: String!) {\n  closeSession(code: $code) {\n    ...SessionFields\n  }\n}": types.CloseSessionDocument,
    "fragment OrderFields on Order {\n  id\n  status\n  placedAt\n  total\n  items {\n    productId\n    name\n    unitPrice\n    quantity\n    note\n    lineTotal\n  }\n}\n\nfragment SessionFields on Session {\n  id\n  code\n  name\n  locationId\n  state\n  openedAt\n  closedAt\n  lastSeq\n}\n\nfragment ProductFields on Product {\n  id\n  locationId\n  name\n  description\n  price\n  tags\n  categories\n  additives\n}\n\nfragment SessionEventFields on SessionEvent {\n  __typename\n  seq\n  at\n  sessionId\n  ... on OrderPlaced {\n    order {\n      ...OrderFields\n    }\n  }\n  ... on OrderStatusChanged {\n    orderId\n    status\n    previousStatus\n  }\n  ... on SessionClosed {\n    closedAt\n  }\n}\n\nfragment LocationEventFields on LocationEvent {\n  __typename\n  seq\n  at\n  sessionId\n  ... on SessionOpened {\n    code\n    name\n  }\n  ... on OrderPlaced {\n    order {\n      ...OrderFields\n    }\n  }\n  ... on OrderStatusChanged {\n    orderId\n    status\n    previousStatus\n  }\n  ... on SessionClosed {\n    closedAt\n  }\n}": types.OrderFieldsFragmentDoc,
    "query JoinSession($code: String!) {\n  session(code: $code) {\n    ...SessionFields\n    orders {\n      ...OrderFields\n    }\n  }\n  menu(code: $code) {\n    ...ProductFields\n  }\n}": types.JoinSessionDocument,
    "subscription LocationEvents($locationId: Int!, $afterSeq: Int!) {\n  locationEvents(locationId: $locationId, afterSeq: $afterSeq) {\n    ...LocationEventFields\n  }\n}": types.LocationEventsDocument,
    "mutation Login($username: String!, $password: String!, $deviceKey: String) {\n  login(username: $username, password: $password, deviceKey: $deviceKey) {\n    userId\n    sessionKey\n    token\n    deviceKey\n  }\n}": types.LoginDocument,
    "mutation Logout {\n  logout\n}": types.LogoutDocument,
    "query MyLocations {\n  myLocations {\n    id\n    name\n    description\n    address\n  }\n}": types.MyLocationsDocument,
    "mutation OpenSession($locationId: Int!, $name: String!, $idempotencyKey: String) {\n  openSession(\n    locationId: $locationId\n    name: $name\n    idempotencyKey: $idempotencyKey\n  ) {\n    ...SessionFields\n  }\n}": types.OpenSessionDocument,
    "mutation PlaceOrder($code: String!, $items: [OrderItemInput!]!, $idempotencyKey: String!) {\n  placeOrder(code: $code, items: $items, idempotencyKey: $idempotencyKey) {\n    ...OrderFields\n  }\n}": types.PlaceOrderDocument,
    "subscription SessionEvents($code: String!, $afterSeq: Int!) {\n  sessionEvents(code: $code, afterSeq: $afterSeq) {\n    ...SessionEventFields\n  }\n}": types.SessionEventsDocument,
    "query SessionQrCode($code: String!) {\n  session(code: $code) {\n    code\n    qrCode {\n      content\n      svg\n      dataUri\n    }\n  }\n}": types.SessionQrCodeDocument,
    "query Session($code: String!) {\n  session(code: $code) {\n    ...SessionFields\n    orders {\n      ...OrderFields\n    }\n  }\n}": types.SessionDocument,
    "query Sessions($locationId: Int!, $state: SessionState, $first: Int! = 20, $after: String) {\n  sessions(locationId: $locationId, state: $state, first: $first, after: $after) {\n    nodes {\n      ...SessionFields\n    }\n    pageInfo {\n      endCursor\n      hasNextPage\n    }\n    locationLastSeq\n  }\n}": types.SessionsDocument,
    "mutation SetOrderStatus($orderId: ID!, $status: OrderStatus!) {\n  setOrderStatus(orderId: $orderId, status: $status) {\n    id\n    status\n  }\n}": types.SetOrderStatusDocument,
};

/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "mutation CloseSession($code: String!) {\n  closeSession(code: $code) {\n    ...SessionFields\n  }\n}"): typeof import('./graphql').CloseSessionDocument;
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "fragment OrderFields on Order {\n  id\n  status\n  placedAt\n  total\n  items {\n    productId\n    name\n    unitPrice\n    quantity\n    note\n    lineTotal\n  }\n}\n\nfragment SessionFields on Session {\n  id\n  code\n  name\n  locationId\n  state\n  openedAt\n  closedAt\n  lastSeq\n}\n\nfragment ProductFields on Product {\n  id\n  locationId\n  name\n  description\n  price\n  tags\n  categories\n  additives\n}\n\nfragment SessionEventFields on SessionEvent {\n  __typename\n  seq\n  at\n  sessionId\n  ... on OrderPlaced {\n    order {\n      ...OrderFields\n    }\n  }\n  ... on OrderStatusChanged {\n    orderId\n    status\n    previousStatus\n  }\n  ... on SessionClosed {\n    closedAt\n  }\n}\n\nfragment LocationEventFields on LocationEvent {\n  __typename\n  seq\n  at\n  sessionId\n  ... on SessionOpened {\n    code\n    name\n  }\n  ... on OrderPlaced {\n    order {\n      ...OrderFields\n    }\n  }\n  ... on OrderStatusChanged {\n    orderId\n    status\n    previousStatus\n  }\n  ... on SessionClosed {\n    closedAt\n  }\n}"): typeof import('./graphql').OrderFieldsFragmentDoc;
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "query JoinSession($code: String!) {\n  session(code: $code) {\n    ...SessionFields\n    orders {\n      ...OrderFields\n    }\n  }\n  menu(code: $code) {\n    ...ProductFields\n  }\n}"): typeof import('./graphql').JoinSessionDocument;
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "subscription LocationEvents($locationId: Int!, $afterSeq: Int!) {\n  locationEvents(locationId: $locationId, afterSeq: $afterSeq) {\n    ...LocationEventFields\n  }\n}"): typeof import('./graphql').LocationEventsDocument;
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "mutation Login($username: String!, $password: String!, $deviceKey: String) {\n  login(username: $username, password: $password, deviceKey: $deviceKey) {\n    userId\n    sessionKey\n    token\n    deviceKey\n  }\n}"): typeof import('./graphql').LoginDocument;
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "mutation Logout {\n  logout\n}"): typeof import('./graphql').LogoutDocument;
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "query MyLocations {\n  myLocations {\n    id\n    name\n    description\n    address\n  }\n}"): typeof import('./graphql').MyLocationsDocument;
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "mutation OpenSession($locationId: Int!, $name: String!, $idempotencyKey: String) {\n  openSession(\n    locationId: $locationId\n    name: $name\n    idempotencyKey: $idempotencyKey\n  ) {\n    ...SessionFields\n  }\n}"): typeof import('./graphql').OpenSessionDocument;
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "mutation PlaceOrder($code: String!, $items: [OrderItemInput!]!, $idempotencyKey: String!) {\n  placeOrder(code: $code, items: $items, idempotencyKey: $idempotencyKey) {\n    ...OrderFields\n  }\n}"): typeof import('./graphql').PlaceOrderDocument;
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "subscription SessionEvents($code: String!, $afterSeq: Int!) {\n  sessionEvents(code: $code, afterSeq: $afterSeq) {\n    ...SessionEventFields\n  }\n}"): typeof import('./graphql').SessionEventsDocument;
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "query SessionQrCode($code: String!) {\n  session(code: $code) {\n    code\n    qrCode {\n      content\n      svg\n      dataUri\n    }\n  }\n}"): typeof import('./graphql').SessionQrCodeDocument;
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "query Session($code: String!) {\n  session(code: $code) {\n    ...SessionFields\n    orders {\n      ...OrderFields\n    }\n  }\n}"): typeof import('./graphql').SessionDocument;
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "query Sessions($locationId: Int!, $state: SessionState, $first: Int! = 20, $after: String) {\n  sessions(locationId: $locationId, state: $state, first: $first, after: $after) {\n    nodes {\n      ...SessionFields\n    }\n    pageInfo {\n      endCursor\n      hasNextPage\n    }\n    locationLastSeq\n  }\n}"): typeof import('./graphql').SessionsDocument;
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "mutation SetOrderStatus($orderId: ID!, $status: OrderStatus!) {\n  setOrderStatus(orderId: $orderId, status: $status) {\n    id\n    status\n  }\n}"): typeof import('./graphql').SetOrderStatusDocument;


export function graphql(source: string) {
  return (documents as any)[source] ?? {};
}
