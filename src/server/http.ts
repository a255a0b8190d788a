import { ApolloServer } from '@apollo/server';
import { ApolloServerPluginCacheControlDisabled, ApolloServerPluginLandingPageDisabled } from '@apollo/server/plugin/disabled';
import { ApolloServerPluginDrainHttpServer } from '@apollo/server/plugin/drainHttpServer';
import { expressMiddleware } from '@as-integrations/express5';
import express, { type ErrorRequestHandler } from 'express';
import type { GraphQLFormattedError, GraphQLSchema } from 'graphql';
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import { parseAuthorization } from '../domain/credential';
import type { Logger } from '../logger';
import type { Metrics } from '../metrics';
import { GraphQLContext } from '../resolvers/context';
import type { Services } from '../services';
import { within } from '../time-limit';
import { countHttpRefusal, observabilityPlugin } from './apollo-observability';
import { clientAddress } from './client-address';
import { isUnexpectedError } from './format-error';
import { largeOperationsPlugin, type LargeOperationGate } from './large-operations';
import { graphqlPostHandler, MAX_BODY_BYTES, sendError } from './graphql-post';
import { playgroundRouter } from './playground';
import { MAX_TOKENS, queryLimitRules } from './query-limits';
import { hideSchemaSuggestionsPlugin } from './schema-suggestions';
import { subscriptionsOverWebSocketOnly } from './subscriptions-over-websocket';
import { pathOf, requestLog } from './request-log';

export const GRAPHQL_PATH = '/graphql';
/** How long /readyz waits for PostgreSQL's answer before it says the database is not reachable. */
const READY_CHECK_MS = 1_000;

/**
 * The HTTP side of the shared server: GraphQL POSTs straight into Apollo, everything else
 * (GET queries, health, metrics, the playground) through Express. Every request is logged.
 */
export async function createHttpApp(options: {
  httpServer: Server;
  schema: GraphQLSchema;
  services: Services;
  metrics: Metrics;
  logger: Logger;
  production: boolean;
  trustProxy: boolean;
  /** Serves the IDE and allows introspection. */
  playground: boolean;
  /** How long a stop waits for HTTP requests in flight before ending their connections. */
  drainMs: number;
  formatError: (formatted: GraphQLFormattedError, error: unknown) => GraphQLFormattedError;
  /** The turns of operations that ask for a large field, shared with WebSocket. */
  largeOperations: LargeOperationGate;
}) {
  const { httpServer, schema, services, metrics } = options;
  const apollo = new ApolloServer<GraphQLContext>({
    schema,
    formatError: options.formatError,
    includeStacktraceInErrorResponses: !options.production,
    introspection: options.playground,
    validationRules: [...queryLimitRules],
    parseOptions: { maxTokens: MAX_TOKENS },
    // main.ts owns the signals: it drains this server, then closes Redis and the database.
    stopOnTerminationSignals: false,
    plugins: [
      ApolloServerPluginDrainHttpServer({ httpServer, stopGracePeriodMillis: options.drainMs }),
      ApolloServerPluginLandingPageDisabled(),
      // No @cacheControl hints here: the default plugin would still wrap every field resolver.
      ApolloServerPluginCacheControlDisabled(),
      observabilityPlugin(metrics, options.logger, isUnexpectedError),
      subscriptionsOverWebSocketOnly(GRAPHQL_PATH),
      largeOperationsPlugin(options.largeOperations),
      // Without introspection, "Did you mean …?" in validation errors would name the schema's fields.
      ...(options.playground ? [] : [hideSchemaSuggestionsPlugin()]),
    ],
  });
  await apollo.start();

  const contextFor = async (req: IncomingMessage) =>
    new GraphQLContext(services, parseAuthorization(req.headers.authorization), clientAddress(req, options.trustProxy), req.socket);
  const refused = (code: string) => countHttpRefusal(metrics, code);
  const graphqlPost = graphqlPostHandler(apollo, contextFor, refused);

  const app = express();
  app.disable('x-powered-by');
  app.get('/healthz', (_req, res) => {
    res.json({ status: 'ok' });
  });
  app.get('/readyz', async (_req, res) => {
    const [database, pubSub] = await Promise.all([databaseReachable(services), services.bus.isReachable()]);
    res.status(database && pubSub ? 200 : 503).json({ status: database && pubSub ? 'ready' : 'unavailable', database, pubSub });
  });
  // `?name=<metric>` (repeatable) answers only those metrics: cheap enough to poll.
  app.get('/metrics', async (req, res) => {
    const names = [req.query.name ?? []].flat().map(String);
    const unknown = metrics.unknown(names);
    if (unknown.length > 0) return void res.status(404).type('text/plain').send(`no metric named ${unknown.join(', ')}`);
    res.type(metrics.registry.contentType).send(names.length > 0 ? await metrics.only(names) : await metrics.registry.metrics());
  });
  if (options.playground) app.use(playgroundRouter(GRAPHQL_PATH));
  // GET queries (and Apollo's answer to other methods); every POST goes to graphqlPost below.
  // Apollo's middleware insists on a parsed body, even for a GET; a compressed one is refused, as for a POST.
  app.all(GRAPHQL_PATH, express.json({ limit: MAX_BODY_BYTES, inflate: false }), expressMiddleware(apollo, { context: ({ req }) => contextFor(req) }));
  // Any other path: an answer clients can parse, like every other error here, not Express's HTML page.
  app.use((req, res) => {
    res.status(404).json({ errors: [{ message: `Nothing at ${req.method} ${req.path}; GraphQL is at ${GRAPHQL_PATH}`, extensions: { code: 'NOT_FOUND' } }] });
  });
  app.use(bodyErrorHandler(refused));

  const logRequest = requestLog(options.logger);
  const handler = (req: IncomingMessage, res: ServerResponse) => {
    logRequest(req, res);
    if (req.method === 'POST' && isGraphQLPath(pathOf(req.url))) graphqlPost(req, res);
    else app(req, res);
  };
  return { handler, apollo };
}

/**
 * A body Express could not read for a request that is not a POST (a PUT to the GraphQL path,
 * say) is answered as graphql-post.ts answers one, not with Express's HTML page.
 */
function bodyErrorHandler(refused: (code: string) => void): ErrorRequestHandler {
  const refuse = (res: ServerResponse, status: number, code: string, message: string) => {
    refused(code);
    sendError(res, status, code, message);
  };
  return (error: { type?: string; status?: number }, _req, res, next) => {
    if (res.headersSent) return next(error);
    if (error.type === 'entity.parse.failed') return refuse(res, 400, 'BAD_REQUEST', 'The body is not valid JSON');
    if (error.type === 'entity.too.large') return refuse(res, 413, 'PAYLOAD_TOO_LARGE', `The body is larger than ${MAX_BODY_BYTES} bytes`);
    if (error.status === 415) return refuse(res, 415, 'UNSUPPORTED_MEDIA_TYPE', 'The body must be UTF-8 JSON, not compressed');
    if (error.status !== undefined && error.status >= 400 && error.status < 500) return refuse(res, error.status, 'BAD_REQUEST', 'The request could not be read');
    next(error);
  };
}

/** The GraphQL path, with or without a trailing slash (as Express routes it). */
function isGraphQLPath(path: string): boolean {
  return path === GRAPHQL_PATH || path === `${GRAPHQL_PATH}/`;
}

/** Whether PostgreSQL answers, within a second (as Redis's PING): a probe must not wait on an unresponsive database. */
function databaseReachable(services: Services): Promise<boolean> {
  const answered = services.orm.em
    .getConnection()
    .execute('select 1')
    .then(
      () => true,
      () => false,
    );
  return within(answered, READY_CHECK_MS, () => false);
}
