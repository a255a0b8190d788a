import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import { droppedLogLines } from './logger';

/**
 * How often the event loop's delay is sampled. Node records each sample as the whole time
 * between two timer ticks, so ordered_nodejs_eventloop_lag_* read this much even when no tick
 * is late.
 */
export const EVENT_LOOP_SAMPLE_MS = 10;

const UNSCRAPED_DEFAULT_METRICS = [
  'ordered_nodejs_active_handles',
  'ordered_nodejs_active_handles_total',
  'ordered_nodejs_active_resources',
  'ordered_nodejs_active_resources_total',
];

/** Prometheus metrics of one instance, served at /metrics. Each app has its own registry. */
export class Metrics {
  readonly registry = new Registry();

  readonly graphqlRequests = new Counter({
    name: 'ordered_graphql_requests_total',
    help: 'GraphQL operations executed, by transport and operation type',
    labelNames: ['transport', 'operation'] as const,
    registers: [this.registry],
  });

  readonly graphqlErrors = new Counter({
    name: 'ordered_graphql_errors_total',
    help: 'Errors returned to clients, by extensions.code',
    labelNames: ['transport', 'code'] as const,
    registers: [this.registry],
  });

  readonly openWebSockets = new Gauge({
    name: 'ordered_websockets_open',
    help: 'WebSocket connections open now',
    registers: [this.registry],
  });

  readonly refusedConnections = new Counter({
    name: 'ordered_connections_refused_total',
    help: 'WebSocket handshakes refused, and HTTP connections closed (the oldest idle one, or the new one), because their client held CONNECTIONS_PER_CLIENT already',
    registers: [this.registry],
  });

  readonly cutOffConnections = new Counter({
    name: 'ordered_connections_cut_off_total',
    help: 'Connections closed because their client did not read what was sent to it (MAX_UNSENT_BYTES on one WebSocket, UNSENT_BYTES_PER_CLIENT over all of its connections)',
    labelNames: ['transport'] as const,
    registers: [this.registry],
  });

  readonly largeOperationsWaiting = new Gauge({
    name: 'ordered_large_operations_waiting',
    help: "Operations asking for a session's orders or a page of a log, waiting for their client's turn",
    registers: [this.registry],
  });

  readonly activeSubscriptions = new Gauge({
    name: 'ordered_subscriptions_active',
    help: 'GraphQL subscriptions streaming now',
    registers: [this.registry],
  });

  readonly ordersPlaced = new Counter({
    name: 'ordered_orders_placed_total',
    help: 'Orders committed',
    registers: [this.registry],
  });

  readonly sessionLogReads = new Counter({
    name: 'ordered_session_log_reads_total',
    help: "Reads of a session's event log for its orders (Session.orders): one per session and lastSeq in a request",
    registers: [this.registry],
  });

  readonly eventDelivery = new Histogram({
    name: 'ordered_event_delivery_seconds',
    help: "Time from an event's at (an order's placedAt, taken before it is written) to its delivery to a subscriber",
    buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
    registers: [this.registry],
  });

  readonly ordersWaitingToBeWritten = new Gauge({
    name: 'ordered_orders_waiting_to_be_written',
    help: "Orders queued behind their location's statement in flight",
    registers: [this.registry],
  });

  readonly orderWriteBatchSize = new Histogram({
    name: 'ordered_order_write_batch_size',
    help: 'Orders written by one statement (one commit)',
    buckets: [1, 2, 5, 10, 20, 50, 100],
    registers: [this.registry],
  });

  readonly subscriptionExecutions = new Counter({
    name: 'ordered_subscription_executions_total',
    help: 'Executions of a subscription document for an event: one per distinct operation, shared by its subscribers',
    registers: [this.registry],
  });

  readonly siblingDuration = new Histogram({
    name: 'ordered_sibling_request_duration_seconds',
    help: 'Calls to the sibling services, by service and outcome (ok, refused, unavailable)',
    labelNames: ['service', 'outcome'] as const,
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
    registers: [this.registry],
  });

  readonly siblingFailures = new Counter({
    name: 'ordered_sibling_failures_total',
    help: 'Sibling calls that ended in SERVICE_UNAVAILABLE, by service',
    labelNames: ['service'] as const,
    registers: [this.registry],
  });

  readonly droppedLogLines = droppedLogLinesCounter(this.registry);

  constructor() {
    collectDefaultMetrics({ register: this.registry, prefix: 'ordered_', eventLoopMonitoringPrecision: EVENT_LOOP_SAMPLE_MS });
    // These list every handle and resource of the process at each scrape: with 15,000 WebSockets
    // open they held the event loop for about 28 ms of a 48 ms scrape. ordered_websockets_open
    // counts the sockets that matter.
    for (const name of UNSCRAPED_DEFAULT_METRICS) this.registry.removeSingleMetric(name);
  }

  /**
   * The exposition text of the named metrics only (see `unknown` first). A poll for one
   * figure then skips the process metrics, whose collection counts every open file (a full
   * scrape took 25 ms with 15,000 WebSockets open, one gauge 1-2 ms, as /healthz).
   */
  async only(names: readonly string[]): Promise<string> {
    let text = '';
    // In order: a metric's collection may set others (the event-loop lag sets its min, max, p99 …).
    // Each once: a family written twice is not valid exposition text.
    for (const name of new Set(names)) text += `${await this.registry.getSingleMetricAsString(name)}\n`;
    return text;
  }

  /** Those of `names` that are no metric of this registry. */
  unknown(names: readonly string[]): string[] {
    // Not getSingleMetric: it indexes a plain object, so "constructor" or "__proto__" would count.
    const known = new Set(this.registry.getMetricsAsArray().map((metric) => metric.name));
    return names.filter((name) => !known.has(name));
  }
}

/** The process's dropped log lines (kept by the logger, which every app of the process shares), as of each scrape. */
function droppedLogLinesCounter(registry: Registry): Counter {
  let counted = 0;
  return new Counter({
    name: 'ordered_log_lines_dropped_total',
    help: 'Log lines dropped because more than LOG_BUFFER_BYTES were waiting for stdout',
    registers: [registry],
    collect() {
      const dropped = droppedLogLines();
      this.inc(dropped - counted);
      counted = dropped;
    },
  });
}
