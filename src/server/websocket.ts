import {
  getOperationAST,
  GraphQLError,
  NoSchemaIntrospectionCustomRule,
  specifiedRules,
  type DocumentNode,
  type ExecutionResult,
  type GraphQLFormattedError,
  type GraphQLSchema,
} from 'graphql';
import { CloseCode, type SubscribePayload } from 'graphql-ws';
import { randomUUID } from 'node:crypto';
import type { IncomingMessage, Server } from 'node:http';
import { WebSocketServer, type RawData, type WebSocket } from 'ws';
import { parseAuthorization, type Credential } from '../domain/credential';
import { RateLimitedError } from '../domain/errors';
import { standalone } from '../domain/text';
import type { Logger } from '../logger';
import type { Metrics } from '../metrics';
import { GraphQLContext } from '../resolvers/context';
import type { Services } from '../services';
import { BoundedWebSocket } from './bounded-websocket';
import { clientAddress } from './client-address';
import type { ConnectionsPerClient } from './connections-per-client';
import { DocumentCache } from './document-cache';
import { serveGraphQLWs } from './graphql-ws-server';
import { isUnexpectedError } from './format-error';
import type { LargeOperationGate } from './large-operations';
import { GRAPHQL_PATH } from './http';
import { queryLimitRules } from './query-limits';
import { subscribeSharingExecution } from './shared-execution';
import { trimToOperation } from './subscribe-payload';
import { variablesTooLarge } from './variables-shape';
import type { UnsentPerClient } from './unsent-per-client';

/** How long clients get to answer the closing handshake when the server stops. */
const CLOSE_GRACE_MS = 1_000;
/** Operations one socket may run at once (a panel needs a few; each held stream costs memory). */
export const MAX_OPERATIONS_PER_SOCKET = 50;
/**
 * The largest Subscribe message of a subscription: graphql-ws keeps the message's fields as long
 * as its stream runs. The SDK's are under 2 KiB.
 */
export const MAX_SUBSCRIPTION_MESSAGE_BYTES = 16 * 1024;

type FormatError = (formatted: GraphQLFormattedError, error: unknown) => GraphQLFormattedError;

/**
 * One WebSocket as graphql-ws's hooks see it (`ctx.extra`): an id for the logs, the client it
 * counts as (read off its handshake), the credential its connection_init presented, its
 * operations from Subscribe to their end (true once streaming), and the large ones' turns.
 */
interface Connection {
  readonly socket: BoundedWebSocket;
  readonly connectionId: string;
  readonly client: string;
  credential: Credential | null | 'malformed';
  operations: Map<string, boolean>;
  turns?: Map<string, { payload: SubscribePayload; end: () => void }>;
  /** The size of the message graphql-ws is handling now (its Subscribe's, in onSubscribe). */
  messageBytes: number;
}

/**
 * graphql-ws over ws on the same port and path as HTTP GraphQL. Representatives send
 * `{ authorization: "Bearer <user id>:<session key>" }` in connection_init; a socket
 * without a valid credential still serves customer operations. Apollo's plugins do not
 * run here, so limits, introspection policy, error mapping and metrics are given again.
 */
export function createWebSocketServer(options: {
  httpServer: Server;
  schema: GraphQLSchema;
  services: Services;
  metrics: Metrics;
  logger: Logger;
  trustProxy: boolean;
  introspection: boolean;
  formatError: FormatError;
  /** How often idle sockets are pinged (0: never); see Config.webSocketKeepAliveMs. */
  keepAliveMs: number;
  /** The WebSockets each client holds, refused at the handshake (429) past its limit; see Config.connectionsPerClient. */
  handshakesPerClient?: ConnectionsPerClient;
  /** What waits unsent for each client's connections together (none: no limit); see Config.unsentBytesPerClient. */
  unsentPerClient?: UnsentPerClient;
  /** The turns of operations that ask for a large field, shared with HTTP. */
  largeOperations: LargeOperationGate;
}) {
  const { services, formatError, metrics, logger } = options;
  const perClient = options.handshakesPerClient;
  const wss = new WebSocketServer({
    server: options.httpServer,
    path: GRAPHQL_PATH,
    maxPayload: 256 * 1024,
    perMessageDeflate: false,
    WebSocket: BoundedWebSocket,
    verifyClient: perClient && (({ req }, answer) => {
      if (perClient.admit(clientAddress(req, options.trustProxy), req.socket)) return answer(true);
      metrics.refusedConnections.inc();
      answer(false, 429, 'Too many WebSockets from this address');
    }),
  });
  // ws passes on the HTTP server's errors (a port in use, which stops the start anyway).
  wss.on('error', (error) => logger.error('the HTTP server reported an error', { error: error.message }));
  const connections = new WeakMap<WebSocket, Connection>();
  // A socket's Connection, and its listeners, set up before graphql-ws's own (called by serveGraphQLWs as each socket opens).
  const openConnection = (webSocket: WebSocket, request: IncomingMessage): Connection => {
    // The server makes BoundedWebSockets (its WebSocket option).
    const socket = webSocket as BoundedWebSocket;
    const connection: Connection = { socket, connectionId: newConnectionId(), client: clientAddress(request, options.trustProxy), credential: null, operations: new Map(), messageBytes: 0 };
    connections.set(socket, connection);
    if (options.unsentPerClient) socket.countUnsentFor(connection.client, options.unsentPerClient, request.socket);
    // graphql-ws's message listener calls onSubscribe in the same turn, and reads the size noted here.
    socket.on('message', noteMessageSize);
    socket.once('cut-off', noteCutOff);
    metrics.openWebSockets.inc();
    socket.once('close', noteClose);
    socket.on('error', noteProtocolError);
    return connection;
  };
  const connectionOf = (socket: WebSocket) => connections.get(socket) as Connection;
  const documents = new DocumentCache(
    options.schema,
    [...specifiedRules, ...queryLimitRules, ...(options.introspection ? [] : [NoSchemaIntrospectionCustomRule])],
    // Without introspection, "Did you mean …?" would name the schema's fields.
    { withoutSuggestions: !options.introspection },
  );

  // A large operation's turn ends once it has run (a subscription's once it streams), or with the
  // operation: the one of this Subscribe message, not another sent under the same id.
  const endTurn = ({ turns }: Connection, id: string, payload: SubscribePayload) => {
    const turn = turns?.get(id);
    if (turn?.payload !== payload) return;
    turn.end();
    turns?.delete(id);
  };

  const format = (errors: readonly GraphQLError[], connectionId: string) =>
    errors.map((error) => {
      if (isUnexpectedError(error)) logger.error('unexpected error', { connectionId, error: String(error.originalError?.stack ?? error) });
      const formatted = formatError(error.toJSON(), error);
      metrics.graphqlErrors.inc({ transport: 'ws', code: String(formatted.extensions?.code ?? 'UNKNOWN') });
      return formatted;
    });

  const server = serveGraphQLWs<Connection>(
    wss,
    {
      schema: options.schema,
      subscribe: subscribeSharingExecution({
        event: (event) => observeDelivery(metrics, event),
        execution: () => metrics.subscriptionExecutions.inc(),
      }),
      // The credential is read once; graphql-ws would keep the whole payload as long as the socket is open.
      onConnect: (ctx) => {
        const params = ctx.connectionParams;
        ctx.extra.credential = parseAuthorization(params?.authorization ?? params?.Authorization);
        (ctx as { connectionParams?: unknown }).connectionParams = undefined;
      },
      onSubscribe: async (ctx, id, payload) => {
        const connection = ctx.extra;
        const { operations } = connection;
        // graphql-ws takes an id again once the client completed it, even while its first operation
        // is still starting; both would then stream, and the socket's close would end only one.
        // Checked before the limit: refusing it there would forget the first one's place in it.
        if (operations.has(id)) {
          const message = `Subscriber for ${id} already exists`;
          connection.socket.close(CloseCode.SubscriberAlreadyExists, message);
          return [new GraphQLError(message)];
        }
        if (operations.size >= MAX_OPERATIONS_PER_SOCKET) {
          const message = `A WebSocket runs at most ${MAX_OPERATIONS_PER_SOCKET} operations at once`;
          return [new GraphQLError(message, { extensions: { code: 'RATE_LIMITED' } })];
        }
        const checked = documents.check(payload.query);
        if (isErrorList(checked)) return checked;
        // Refused here rather than by graphql-ws, which says nothing (and calls no hook) once the client completed the id.
        const operation = getOperationAST(checked, payload.operationName);
        if (!operation) return [new GraphQLError('Unable to identify operation')];
        if (operation.operation === 'subscription' && connection.messageBytes > MAX_SUBSCRIPTION_MESSAGE_BYTES) {
          const message = `A subscription's Subscribe message has at most ${MAX_SUBSCRIPTION_MESSAGE_BYTES} bytes: it is kept as long as the subscription streams`;
          return [new GraphQLError(message, { extensions: { code: 'BAD_USER_INPUT' } })];
        }
        const variableValues = trimToOperation(payload, checked, operation);
        const tooLarge = variablesTooLarge(variableValues);
        if (tooLarge) return [new GraphQLError(tooLarge, { extensions: { code: 'BAD_USER_INPUT' } })];
        operations.set(id, false);
        if (options.largeOperations.isLarge(checked)) {
          const turn = await options.largeOperations.enter(connection.client, connection.socket).catch((error: Error) => error);
          if (turn instanceof Error) {
            operations.delete(id);
            return [new GraphQLError(turn.message, { extensions: { code: turn instanceof RateLimitedError ? turn.code : 'CANCELLED' } })];
          }
          // Completed by the client (graphql-ws forgets the id, and calls no hook) or closed while it waited: nothing runs.
          if (!(id in ctx.subscriptions) || connection.socket.readyState !== connection.socket.OPEN) {
            turn();
            operations.delete(id);
            return [new GraphQLError('The operation ended before its turn', { extensions: { code: 'CANCELLED' } })];
          }
          (connection.turns ??= new Map()).set(id, { payload, end: turn });
        }
        return { schema: options.schema, document: checked, operationName: payload.operationName, variableValues };
      },
      // A subscription keeps its context as long as it streams; its EntityManager is forked only if used.
      context: (ctx) =>
        new GraphQLContext(services, ctx.extra.credential, ctx.extra.client),
      onOperation: (ctx, id, payload, args, result) => {
        endTurn(ctx.extra, id, payload);
        const type = getOperationAST(args.document, args.operationName)?.operation ?? 'invalid';
        metrics.graphqlRequests.inc({ transport: 'ws', operation: type });
        if (result && Symbol.asyncIterator in result) {
          ctx.extra.operations.set(id, true);
          metrics.activeSubscriptions.inc();
        }
      },
      onComplete: (ctx, id, payload) => {
        endTurn(ctx.extra, id, payload);
        const { operations } = ctx.extra;
        if (operations.get(id)) metrics.activeSubscriptions.dec();
        operations.delete(id);
      },
      onNext: (ctx, _id, _payload, _args, result) => {
        const errors = (result as ExecutionResult).errors;
        if (!errors?.length) return result;
        // No data at all: graphql-js refused the request's variables before executing, which Apollo calls BAD_USER_INPUT.
        const refused = 'data' in result ? errors : errors.map(asBadUserInput);
        return { ...result, errors: format(refused, ctx.extra.connectionId) } as unknown as ExecutionResult;
      },
      onError: (ctx, id, payload, errors) => {
        // One refused before it streamed gets no onComplete; one that failed while streaming does.
        endTurn(ctx.extra, id, payload);
        const { operations, connectionId } = ctx.extra;
        if (!operations.get(id)) operations.delete(id);
        return format(errors, connectionId);
      },
    },
    {
      keepAliveMs: options.keepAliveMs,
      extraOf: openConnection,
      onInternalError: (error, { connectionId }) => logger.error('graphql-ws failed on a WebSocket', { connectionId, error: String((error as Error)?.stack ?? error) }),
    },
  );
  // The listeners below are one function for every socket (ws calls them on the socket), not closures each.
  function noteMessageSize(this: WebSocket, data: RawData): void {
    connectionOf(this).messageBytes = Array.isArray(data) ? data.reduce((bytes, part) => bytes + part.byteLength, 0) : data.byteLength;
  }
  function noteCutOff(this: WebSocket): void {
    metrics.cutOffConnections.inc({ transport: 'websocket' });
    logger.warn('cut off a WebSocket whose client does not read', { connectionId: connectionOf(this).connectionId });
  }
  function noteClose(this: WebSocket): void {
    metrics.openWebSockets.dec();
    (this as BoundedWebSocket).forgetUnsent();
  }
  // ws emits an error only for a frame that breaks the protocol (too large, invalid UTF-8), and has closed the socket with its code.
  function noteProtocolError(this: WebSocket, error: Error): void {
    logger.info('closed a WebSocket that broke the protocol', { connectionId: connectionOf(this).connectionId, error: error.message });
  }
  return {
    wss,
    /**
     * Says "going away" (1001) to every client and waits for their answers, but at most
     * CLOSE_GRACE_MS: a client that does not answer in time is cut off, so a restart does not
     * wait on the slowest of thousands of clients (ws would wait 30 s for each).
     */
    async dispose() {
      const cutOff = setTimeout(() => {
        logger.info('cutting off WebSockets that did not answer the close in time', { count: wss.clients.size, graceMs: CLOSE_GRACE_MS });
        wss.clients.forEach((socket) => socket.terminate());
      }, CLOSE_GRACE_MS);
      try {
        await server.dispose();
      } finally {
        clearTimeout(cutOff);
      }
    },
  };
}

/** A connection's id for the logs: randomUUID joins it from 20 pieces, about 600 bytes kept as they are. */
function newConnectionId(): string {
  return standalone(randomUUID());
}

/** Time from an event's `at` to its delivery (a replayed event counts from its `at` too). */
function observeDelivery(metrics: Metrics, event: unknown): void {
  const at = (event as { at?: unknown } | null)?.at;
  if (typeof at === 'string') metrics.eventDelivery.observe(Math.max(0, Date.now() - Date.parse(at)) / 1000);
}

/** An error of the request itself (no path: nothing was executed), unless it already has a code. */
function asBadUserInput(error: GraphQLError): GraphQLError {
  if (error.path || error.extensions?.code) return error;
  return new GraphQLError(error.message, { nodes: error.nodes, extensions: { code: 'BAD_USER_INPUT' } });
}

function isErrorList(checked: DocumentNode | readonly GraphQLError[]): checked is readonly GraphQLError[] {
  return Array.isArray(checked);
}
