import {
  GraphQLError,
  NoSchemaIntrospectionCustomRule,
  specifiedRules,
  type DocumentNode,
  type ExecutionResult,
  type GraphQLFormattedError,
  type GraphQLSchema,
} from 'graphql';
import { useServer } from 'graphql-ws/use/ws';
import { randomUUID } from 'node:crypto';
import type { Server } from 'node:http';
import { WebSocketServer } from 'ws';
import { parseAuthorization } from '../domain/credential';
import type { Logger } from '../logger';
import type { Metrics } from '../metrics';
import { GraphQLContext } from '../resolvers/context';
import type { Services } from '../services';
import { clientAddress } from './client-address';
import { DocumentCache } from './document-cache';
import { isUnexpectedError } from './format-error';
import { GRAPHQL_PATH } from './http';
import { queryLimitRules } from './query-limits';
import { subscribeSharingExecution } from './shared-execution';

/** How long clients get to answer the closing handshake when the server stops. */
const CLOSE_GRACE_MS = 1_000;

type FormatError = (formatted: GraphQLFormattedError, error: unknown) => GraphQLFormattedError;

/** Per socket: an id for the logs and the operations that are streaming. */
interface SocketState {
  connectionId: string;
  subscriptions: Set<string>;
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
}) {
  const { services, formatError, metrics, logger } = options;
  const wss = new WebSocketServer({ server: options.httpServer, path: GRAPHQL_PATH, maxPayload: 256 * 1024, perMessageDeflate: false });
  const sockets = new WeakMap<object, SocketState>();
  const stateOf = (extra: object) => {
    let state = sockets.get(extra);
    if (!state) sockets.set(extra, (state = { connectionId: randomUUID(), subscriptions: new Set() }));
    return state;
  };
  const documents = new DocumentCache(
    options.schema,
    [...specifiedRules, ...queryLimitRules, ...(options.introspection ? [] : [NoSchemaIntrospectionCustomRule])],
  );

  const format = (errors: readonly GraphQLError[], connectionId: string) =>
    errors.map((error) => {
      if (isUnexpectedError(error)) logger.error('unexpected error', { connectionId, error: String(error.originalError?.stack ?? error) });
      const formatted = formatError(error.toJSON(), error);
      metrics.graphqlErrors.inc({ transport: 'ws', code: String(formatted.extensions?.code ?? 'UNKNOWN') });
      return formatted;
    });

  wss.on('connection', (socket) => {
    metrics.openWebSockets.inc();
    socket.once('close', () => metrics.openWebSockets.dec());
  });

  const server = useServer<Record<string, unknown> | undefined>(
    {
      schema: options.schema,
      subscribe: subscribeSharingExecution({
        event: (event) => observeDelivery(metrics, event),
        execution: () => metrics.subscriptionExecutions.inc(),
      }),
      onSubscribe: (_ctx, _id, payload) => {
        const checked = documents.check(payload.query);
        if (isErrorList(checked)) return checked;
        return { schema: options.schema, document: checked, operationName: payload.operationName, variableValues: payload.variables };
      },
      // A subscription keeps its context as long as it streams; its EntityManager is forked only if used.
      context: (ctx) =>
        new GraphQLContext(
          services,
          parseAuthorization(ctx.connectionParams?.authorization ?? ctx.connectionParams?.Authorization),
          clientAddress(ctx.extra.request, options.trustProxy),
        ),
      onOperation: (ctx, id, _payload, args, result) => {
        const operation = args.document.definitions.find((definition) => definition.kind === 'OperationDefinition');
        const type = operation && 'operation' in operation ? operation.operation : 'invalid';
        metrics.graphqlRequests.inc({ transport: 'ws', operation: type });
        if (result && Symbol.asyncIterator in result) {
          stateOf(ctx.extra).subscriptions.add(id);
          metrics.activeSubscriptions.inc();
        }
      },
      onComplete: (ctx, id) => {
        if (stateOf(ctx.extra).subscriptions.delete(id)) metrics.activeSubscriptions.dec();
      },
      onNext: (ctx, _id, _payload, _args, result) => {
        const errors = (result as ExecutionResult).errors;
        if (!errors?.length) return result;
        // No data at all: graphql-js refused the request's variables before executing, which Apollo calls BAD_USER_INPUT.
        const refused = 'data' in result ? errors : errors.map(asBadUserInput);
        return { ...result, errors: format(refused, stateOf(ctx.extra).connectionId) } as unknown as ExecutionResult;
      },
      onError: (ctx, _id, _payload, errors) => format(errors, stateOf(ctx.extra).connectionId),
    },
    wss,
    options.keepAliveMs,
  );
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

/** Time from an event's commit to its delivery (a replayed event counts from its commit too). */
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
