/** The operations the playground opens with: the whole workflow, in order. */
const representativeHeaders = JSON.stringify({ Authorization: 'Bearer <token from the Log in tab>' }, null, 2);

export const exampleTabs = [
  {
    query: `# 1. Sign in as the demo representative, then put the token in the Headers
#    of each representative's tab (2 and 5) as {"Authorization": "Bearer <token>"}.
mutation LogIn {
  login(username: "demo", password: "demo-password") { userId token }
}`,
  },
  {
    query: `# 2. Open a session for a table (needs the representative's Authorization header).
mutation OpenSession {
  openSession(locationId: 1, name: "Table 2") {
    code name state
    qrCode { content dataUri }
  }
}`,
    headers: representativeHeaders,
  },
  {
    query: `# 3. As a customer (no header needed): subscribe to the session's events.
#    Leave it running and place an order from the next tab.
subscription SessionEvents($code: String!) {
  sessionEvents(code: $code, afterSeq: 0) {
    __typename seq at
    ... on OrderPlaced { order { id status total items { name unitPrice quantity lineTotal } } }
    ... on OrderStatusChanged { orderId status previousStatus }
    ... on SessionClosed { closedAt }
  }
}`,
    variables: JSON.stringify({ code: 'paste the code from tab 2' }, null, 2),
  },
  {
    query: `# 4. As a customer: read the menu and place an order.
query Menu($code: String!) {
  menu(code: $code) { id name price }
}

mutation PlaceOrder($code: String!, $key: String!) {
  placeOrder(code: $code, idempotencyKey: $key, items: [
    { productId: 1, quantity: 2 },
    { productId: 3, quantity: 1, note: "warm, please" }
  ]) { id status total }
}`,
    variables: JSON.stringify({ code: 'paste the code from tab 2', key: 'order-1' }, null, 2),
  },
  {
    query: `# 5. The order panel: the location's open sessions and a session's orders; then move an
#    order along or close the session. Live, the panel subscribes to
#    locationEvents(locationId: 1, afterSeq: <its page's locationLastSeq>).
query Panel {
  sessions(locationId: 1, state: OPEN, first: 10) {
    nodes { code name openedAt }
    pageInfo { endCursor hasNextPage }
    locationLastSeq
  }
}

query Orders($code: String!) {
  session(code: $code) { name orders { id status total items { name quantity note } } }
}

mutation Accept($orderId: ID!) {
  setOrderStatus(orderId: $orderId, status: ACCEPTED) { id status }
}

mutation Close($code: String!) {
  closeSession(code: $code) { code state closedAt }
}`,
    variables: JSON.stringify({ code: 'paste the code from tab 2', orderId: 'an order id from Orders' }, null, 2),
    headers: representativeHeaders,
  },
];
