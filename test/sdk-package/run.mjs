// Runs the built @ordered/sdk package in plain Node through import (ES modules), with ws.
// Prints what a customer saw as JSON: `node run.mjs <url> <code>`.
import WebSocket from 'ws';
import { createCustomerClient } from '@ordered/sdk';

const [url, code] = process.argv.slice(2);
const customer = createCustomerClient({ url, webSocketImpl: WebSocket });
const { session, menu } = await customer.join(code);
const events = customer.subscribeToSession(code, { afterSeq: session.lastSeq });
const order = await customer.placeOrder({ code, items: [{ productId: menu[0].id, quantity: 2 }] });
for await (const event of events) {
  if (event.__typename === 'OrderPlaced' && event.order.id === order.id) break;
}
await customer.close();
process.stdout.write(JSON.stringify({ total: order.total, lastSeq: events.lastSeq }));
