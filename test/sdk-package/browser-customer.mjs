// Loaded by test/sdk-package.test.ts into Chromium, on a page of the service's origin: the built
// ES modules of @ordered/sdk and graphql-ws, no bundler (an import map names graphql-ws/client),
// the browser's own fetch and WebSocket.
import { createCustomerClient } from '/sdk-test/sdk/src/index.js';

export async function runCustomer(code) {
  const customer = createCustomerClient({ url: `${location.origin}/graphql` });
  const { session, menu } = await customer.join(code);
  const events = customer.subscribeToSession(code, { afterSeq: session.lastSeq });
  const order = await customer.placeOrder({ code, items: [{ productId: menu[0].id, quantity: 3 }] });
  for await (const event of events) {
    if (event.__typename === 'OrderPlaced' && event.order.id === order.id) break;
  }
  await customer.close();
  let failure;
  try {
    await customer.join('000000');
  } catch (error) {
    failure = { name: error.name, code: error.code };
  }
  return { total: order.total, lastSeq: events.lastSeq, failure };
}
