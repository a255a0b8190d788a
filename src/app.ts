import 'reflect-metadata';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { WebSocketServer } from 'ws';
import type { Config, SiblingUrls } from './config';
import { createSiblings } from './datasources';
import { startSiblingDoubles, type SiblingDoubles } from './dev/siblings';
import { createLogger, type Logger } from './logger';
import { Metrics } from './metrics';
import { openDatabase } from './orm/database';
import { SILENT_DATABASE_GRACE_MS } from './orm/orm-config';
import { EventBus } from './pubsub/event-bus';
import { Topics } from './pubsub/topics';
import { orderedSchema } from './schema/build-schema';
import { createErrorFormatter } from './server/format-error';
import { createHttpApp, GRAPHQL_PATH } from './server/http';
import { ConnectionsPerClient, limitHttpConnectionsPerClient } from './server/connections-per-client';
import { closeIdleConnections } from './server/idle-connections';
import { limitUnsentHttpAnswers } from './server/unsent-http-answers';
import { UnsentPerClient } from './server/unsent-per-client';
import { LargeOperationGate } from './server/large-operations';
import { createWebSocketServer } from './server/websocket';
import { createServices, type Services } from './services';
import { within } from './time-limit';

/** How long a stop waits for the database connections to close. */
const DATABASE_CLOSE_MS = 5_000;

export interface App {
  /** HTTP GraphQL endpoint, e.g. http://127.0.0.1:4000/graphql. */
  url: string;
  /** The same endpoint for graphql-ws. */
  wsUrl: string;
  port: number;
  services: Services;
  /** Present when some sibling is played by the built-in development doubles. */
  siblingDoubles?: SiblingDoubles;
  /** The graphql-ws server's sockets (read-only; tests cut connections through it). */
  readonly webSocketServer: WebSocketServer;
  /** Drains HTTP and WebSocket connections, then closes Redis and the database. */
  stop(): Promise<void>;
}

/** Wires ORM, PubSub, sibling clients, schema, HTTP and WebSocket into one running service. */
export async function createApp(config: Config, logger: Logger = createLogger()): Promise<App> {
  if (!config.databaseUrl) throw new Error('createApp needs a databaseUrl (main.ts starts an embedded PostgreSQL when none is set)');
  const siblingDoubles = needsDoubles(config.siblings) ? await startSiblingDoubles() : undefined;
  const siblingUrls = withDoubles(config.siblings, siblingDoubles?.url);
  const orm = await openDatabase(config.databaseUrl, { logger, queryTimeoutMs: config.databaseQueryTimeoutMs });
  const bus = config.redisUrl
    ? EventBus.redis(config.redisUrl, config.redisNamespace ?? Topics.namespaceFor(config.databaseUrl))
    : EventBus.inProcess();
  const metrics = new Metrics();
  const siblings = createSiblings(siblingUrls, config.siblingTimeoutMs, (service, outcome, seconds) => {
    metrics.siblingDuration.observe({ service, outcome }, seconds);
    if (outcome === 'unavailable') metrics.siblingFailures.inc({ service });
  });
  const services = createServices({
    orm,
    bus,
    logger,
    metrics,
    siblings,
    authCacheTtlMs: config.authCacheTtlMs,
    productCacheTtlMs: config.productCacheTtlMs,
    wrongCodeLimitPerMinute: config.wrongCodeLimitPerMinute,
    loginFailureLimitPerHour: config.loginFailureLimitPerHour,
    sessionOrderLimit: config.sessionOrderLimit,
    databaseQueryTimeoutMs: config.databaseQueryTimeoutMs,
    joinUrlBase: config.joinUrlBase,
  });

  const schema = await orderedSchema();
  const formatError = createErrorFormatter(config.production);
  const httpServer = createServer({
    // A request's headers within 10 s and the whole request within 30 s: a client dripping
    // them byte by byte would otherwise hold a connection for minutes (Node's defaults).
    headersTimeout: 10_000,
    requestTimeout: 30_000,
    // How often those two are checked (Node's default, 30 s, let a dripping client stay up to 40 s).
    connectionsCheckingInterval: 1_000,
  });
  const exchanges = closeIdleConnections(httpServer, config.httpIdleTimeoutMs);
  const perClient = config.connectionsPerClient;
  const refusedConnection = () => metrics.refusedConnections.inc();
  if (perClient > 0 && !config.trustProxy) limitHttpConnectionsPerClient(httpServer, perClient, exchanges, refusedConnection);
  // Without a limit (0), no count at all.
  const unsentPerClient = config.unsentBytesPerClient > 0 ? new UnsentPerClient(config.unsentBytesPerClient) : undefined;
  if (unsentPerClient && !config.trustProxy) {
    limitUnsentHttpAnswers(httpServer, unsentPerClient, exchanges, () => {
      metrics.cutOffConnections.inc({ transport: 'http' });
      logger.warn('cut off an HTTP connection whose client does not read');
    });
  }
  const largeOperations = new LargeOperationGate(schema, (change) => metrics.largeOperationsWaiting.inc(change));
  const webSockets = createWebSocketServer({
    httpServer,
    schema,
    services,
    metrics,
    logger,
    formatError,
    trustProxy: config.trustProxy,
    introspection: config.playground,
    keepAliveMs: config.webSocketKeepAliveMs,
    // Without a limit (0), no check at all.
    handshakesPerClient: perClient > 0 ? new ConnectionsPerClient(perClient) : undefined,
    unsentPerClient,
    largeOperations,
  });
  const { handler, apollo } = await createHttpApp({
    httpServer,
    schema,
    services,
    metrics,
    logger,
    production: config.production,
    trustProxy: config.trustProxy,
    playground: config.playground,
    formatError,
    largeOperations,
    // A placeOrder within its limits: a sibling's answer, the statement of the orders ahead of it, then its own.
    drainMs: config.siblingTimeoutMs + 2 * (config.databaseQueryTimeoutMs + SILENT_DATABASE_GRACE_MS),
  });
  httpServer.on('request', handler);
  await bus.connected();
  await new Promise<void>((resolve, reject) => {
    httpServer.once('error', reject);
    // A deep accept queue: after a restart thousands of clients reconnect at once, and
    // connections the kernel drops wait out their client's backoff.
    httpServer.listen({ port: config.port, host: config.host, backlog: 4096 }, resolve);
  });
  const { port } = httpServer.address() as AddressInfo;
  const host = config.host === '0.0.0.0' || config.host === '::' ? '127.0.0.1' : config.host;

  let stopping: Promise<void> | undefined;
  const stop = () =>
    (stopping ??= (async () => {
      const webSocketsAtStop = webSockets.wss.clients.size;
      const startedAt = performance.now();
      // Redis forgets this instance's topics when its connection closes: no UNSUBSCRIBE each.
      bus.beginClosing();
      // No new connections: clients told to go away reconnect at once, and the kernel now
      // refuses them instead of this process accepting, parsing and dropping each attempt.
      httpServer.close();
      // WebSockets first: told "going away", they get CLOSE_GRACE_MS to answer. Apollo's HTTP
      // drain would otherwise end their sockets under ws, which then ends them a second time.
      await webSockets.dispose();
      const webSocketsClosedAt = performance.now();
      // HTTP requests in flight finish.
      await apollo.stop();
      const drainedAt = performance.now();
      await bus.close();
      // A query still waiting on an unresponsive PostgreSQL would hold the pool's close forever.
      const closed = orm.close().then(
        () => true,
        () => true,
      );
      if (!(await within(closed, DATABASE_CLOSE_MS, () => false))) {
        logger.warn('the database connections did not close in time; stopping without them', { waitedMs: DATABASE_CLOSE_MS });
      }
      await siblingDoubles?.stop();
      const ms = (from: number, to: number) => Math.round(to - from);
      logger.info('stopped serving', {
        webSocketsAtStop,
        webSocketsMs: ms(startedAt, webSocketsClosedAt),
        drainMs: ms(startedAt, drainedAt),
        closeMs: ms(drainedAt, performance.now()),
      });
    })());

  return {
    url: `http://${host}:${port}${GRAPHQL_PATH}`,
    wsUrl: `ws://${host}:${port}${GRAPHQL_PATH}`,
    port,
    services,
    siblingDoubles,
    webSocketServer: webSockets.wss,
    stop,
  };
}

function needsDoubles(urls: SiblingUrls): boolean {
  return !urls.verification || !urls.locations || !urls.products || !urls.codes;
}

function withDoubles(urls: SiblingUrls, doublesUrl?: string): Required<SiblingUrls> {
  const fallback = (url?: string) => url ?? (doublesUrl as string);
  return {
    verification: fallback(urls.verification),
    locations: fallback(urls.locations),
    products: fallback(urls.products),
    codes: fallback(urls.codes),
  };
}
