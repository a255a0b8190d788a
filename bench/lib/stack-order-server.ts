/**
 * The same orders through the customer's fixed stack and nothing else, run as its own process
 * (`node stack-order-server.js <databaseUrl>`, which prints its port): Apollo Server executes
 * the POST against a small graphql-js schema of the documents the load clients send, its
 * resolver writes the order as the bare server does (bench/lib/floor-orders.ts) and publishes
 * its event on graphql-subscriptions' in-process PubSub, and graphql-ws's own ws server
 * executes each subscriber's document on it. No type-graphql, ORM, Redis, event log, limits or
 * checks: what the stack alone costs an idle order, against bare-order-server.ts.
 */
import { ApolloServer, HeaderMap } from '@apollo/server';
import { ApolloServerPluginCacheControlDisabled, ApolloServerPluginLandingPageDisabled } from '@apollo/server/plugin/disabled';
import { buildSchema, type GraphQLFieldConfig, type GraphQLObjectType } from 'graphql';
import { PubSub } from 'graphql-subscriptions';
import { useServer } from 'graphql-ws/use/ws';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { WebSocketServer } from 'ws';
import { announcePort, FloorOrders, jsonBody, type OrderRequest } from './floor-orders';

const schema = buildSchema(`
  type Query { ok: Boolean }
  input OrderItemInput { productId: Int!, quantity: Int!, note: String }
  type OrderItem { productId: Int! name: String! unitPrice: String! quantity: Int! note: String lineTotal: String! }
  type Order { id: ID! status: String! total: String! placedAt: String! items: [OrderItem!]! }
  type Mutation { placeOrder(code: String!, items: [OrderItemInput!]!, idempotencyKey: String!): Order! }
  interface SessionEvent { seq: Int! at: String! }
  type OrderPlaced implements SessionEvent { seq: Int! at: String! order: Order! }
  type OrderStatusChanged implements SessionEvent { seq: Int! at: String! orderId: ID! status: String! previousStatus: String! }
  type SessionClosed implements SessionEvent { seq: Int! at: String! closedAt: String! }
  type Subscription { sessionEvents(code: String!, afterSeq: Int!): SessionEvent! }
`);

const orders = new FloorOrders(process.argv[2]);
const pubSub = new PubSub();

function field(type: GraphQLObjectType | null | undefined, name: string): GraphQLFieldConfig<unknown, unknown> {
  return (type as GraphQLObjectType).getFields()[name] as unknown as GraphQLFieldConfig<unknown, unknown>;
}
field(schema.getMutationType(), 'placeOrder').resolve = async (_root, args) => {
  const event = await orders.place(args as OrderRequest);
  void pubSub.publish(String((args as OrderRequest).code), event);
  return event.order;
};
const sessionEvents = field(schema.getSubscriptionType(), 'sessionEvents');
sessionEvents.subscribe = (_root, args) => pubSub.asyncIterableIterator(String((args as { code: string }).code));
sessionEvents.resolve = (event) => event;

async function main(): Promise<void> {
  await orders.connect();
  const apollo = new ApolloServer({ schema, plugins: [ApolloServerPluginCacheControlDisabled(), ApolloServerPluginLandingPageDisabled()] });
  await apollo.start();
  const server = createServer((req, res) => {
    answer(apollo, req, res).catch((error: Error) => {
      res.statusCode = 500;
      res.end(JSON.stringify({ errors: [{ message: error.message }] }));
    });
  });
  useServer({ schema }, new WebSocketServer({ server, perMessageDeflate: false }));
  server.listen(0, '127.0.0.1', () => announcePort((server.address() as AddressInfo).port));
}

/** A POST straight into Apollo, as the service's graphql-post.ts does it. */
async function answer(apollo: ApolloServer, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const body = await jsonBody(req);
  const headers = new HeaderMap();
  for (const [name, value] of Object.entries(req.headers)) if (typeof value === 'string') headers.set(name, value);
  const response = await apollo.executeHTTPGraphQLRequest({ httpGraphQLRequest: { method: 'POST', headers, search: '', body }, context: async () => ({}) });
  for (const [name, value] of response.headers) res.setHeader(name, value);
  res.statusCode = response.status ?? 200;
  res.end(response.body.kind === 'complete' ? response.body.string : '');
}

main().catch((error: Error) => {
  process.stderr.write(`stack order server: ${error.stack ?? error.message}\n`);
  process.exit(1);
});
