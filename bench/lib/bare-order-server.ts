/**
 * An order's hops without any framework, run as its own process (`node bare-order-server.js
 * <databaseUrl>`, which prints its port): node:http takes the POST, pg writes the order
 * (bench/lib/floor-orders.ts), ws sends each subscriber of the session a graphql-ws `next`
 * frame, then the POST is answered. No GraphQL parsing, validation or execution, no pool, no
 * bus: what an idle order costs on this machine before any framework runs. It speaks just
 * enough graphql-ws for the load clients and trusts every request: a measuring stick, not a
 * service.
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { WebSocketServer, type WebSocket } from 'ws';
import { announcePort, FloorOrders, jsonBody, type OrderRequest } from './floor-orders';

interface Subscription {
  socket: WebSocket;
  id: string;
}

const orders = new FloorOrders(process.argv[2]);
const subscribersByCode = new Map<string, Subscription[]>();

async function placeOrder(req: IncomingMessage, res: ServerResponse): Promise<void> {
  const { variables } = (await jsonBody(req)) as { variables: OrderRequest };
  const event = await orders.place(variables);
  for (const { socket, id } of subscribersByCode.get(variables.code) ?? []) {
    socket.send(JSON.stringify({ id, type: 'next', payload: { data: { sessionEvents: event } } }));
  }
  const { id, status, total, placedAt } = event.order;
  res.setHeader('content-type', 'application/json');
  res.end(JSON.stringify({ data: { placeOrder: { id, status, total, placedAt } } }));
}

function speakGraphQLWs(socket: WebSocket): void {
  const forget = (keep: (subscription: Subscription) => boolean) => {
    for (const [code, subscriptions] of subscribersByCode) subscribersByCode.set(code, subscriptions.filter(keep));
  };
  socket.on('message', (data) => {
    const message = JSON.parse(String(data)) as { type: string; id?: string; payload?: { variables?: { code?: string } } };
    if (message.type === 'connection_init') socket.send(JSON.stringify({ type: 'connection_ack' }));
    else if (message.type === 'ping') socket.send(JSON.stringify({ type: 'pong' }));
    else if (message.type === 'subscribe') {
      const code = String(message.payload?.variables?.code);
      subscribersByCode.set(code, [...(subscribersByCode.get(code) ?? []), { socket, id: String(message.id) }]);
    } else if (message.type === 'complete') forget((s) => s.socket !== socket || s.id !== message.id);
  });
  socket.on('close', () => forget((s) => s.socket !== socket));
}

async function main(): Promise<void> {
  await orders.connect();
  const server = createServer((req, res) => {
    placeOrder(req, res).catch((error: Error) => {
      res.statusCode = 500;
      res.end(JSON.stringify({ errors: [{ message: error.message }] }));
    });
  });
  const sockets = new WebSocketServer({
    server,
    perMessageDeflate: false,
    handleProtocols: (protocols) => (protocols.has('graphql-transport-ws') ? 'graphql-transport-ws' : false),
  });
  sockets.on('connection', speakGraphQLWs);
  server.listen(0, '127.0.0.1', () => announcePort((server.address() as AddressInfo).port));
}

main().catch((error: Error) => {
  process.stderr.write(`bare order server: ${error.stack ?? error.message}\n`);
  process.exit(1);
});
