/**
 * What the orchestrator asks of a load process (bench/load/client.ts) over the IPC channel,
 * and what it answers. Every request carries an id; the answer carries the same id.
 */

/** One subscription: a session's stream (as a customer, or the panel with a token) or a location's. */
export type SubscriptionSpec =
  | { stream: 'session'; code: string; afterSeq: number; token?: string }
  | { stream: 'location'; locationId: number; afterSeq: number; token: string };

/** One order to place: 2 items of the session's location by default. */
export interface OrderTarget {
  code: string;
  productIds: number[];
}

export type Command =
  | { type: 'clock' }
  | {
      type: 'subscribe';
      wsUrl: string;
      specs: SubscriptionSpec[];
      /** WebSockets being opened at once (connect → connection_ack). */
      concurrency: number;
      /** Reconnect after a drop and resubscribe after the last seq received (as the SDK does). */
      resume: boolean;
    }
  /** Starts counting events afresh (receipts, per-subscription counts) and clears recorded receipts. */
  | { type: 'mark' }
  /**
   * Waits until every subscription has `perSubscription` events since the mark and `total` events
   * arrived (then, with `quietMs`, until no event came for that long), or the time is up.
   */
  | { type: 'waitEvents'; perSubscription?: number; total?: number; timeoutMs: number; quietMs?: number }
  /** The OrderPlaced receipts recorded since the mark (and forgets them). */
  | { type: 'takeReceipts' }
  | { type: 'stats' }
  | { type: 'closeSubscriptions' }
  | {
      type: 'place';
      url: string;
      mode: 'closed' | 'open' | 'batch';
      targets: OrderTarget[];
      /** closed: clients per target, each placing its next order when the last one answered. */
      clientsPerTarget?: number;
      /** open: orders per second over all targets (round robin), sent whether or not earlier ones answered. */
      ratePerSecond?: number;
      durationMs?: number;
      /** batch: one order per target, this many in flight at once. */
      concurrency?: number;
      /** Sends before this many ms into the run are warm-up: placed but not reported. */
      warmupMs?: number;
      /** open: at most this many unanswered orders at once (default 1000); sends beyond are skipped. */
      maxInFlight?: number;
      /** open: how long to wait for answers after the last send (default 10 s); the rest are abandoned. */
      graceMs?: number;
    }
  | { type: 'exit' };

export interface Request {
  id: number;
  command: Command;
}

export interface Reply {
  id: number;
  ok: boolean;
  error?: string;
  result?: unknown;
}

export interface SubscribeResult {
  opened: number;
  failed: number;
  /** First connect started, last connection_ack received (epoch ms, bench/lib/clock). */
  firstStartAt: number;
  lastAckAt: number;
  errors: string[];
}

export interface WaitResult {
  satisfied: boolean;
  /** When the condition became true (epoch ms), or when the wait gave up. */
  at: number;
  total: number;
  /** Subscriptions with at least `perSubscription` events. */
  subscriptionsSatisfied: number;
  subscriptions: number;
}

/** Receipts as parallel arrays: order id, receipt time, subscription index in this process. */
export interface Receipts {
  orderIds: string[];
  at: number[];
  subscription: number[];
}

export interface PlaceResult {
  /** Orders that were committed (placeOrder answered with an order), with their send and answer times. */
  orderIds: string[];
  target: number[];
  sentAt: number[];
  answeredAt: number[];
  /** For open loop: how late each send was against its schedule (ms). */
  lateBy: number[];
  /** Sends that failed, and the first few reasons. */
  failed: number;
  errors: string[];
  warmupOrders: number;
  /** open: sends skipped because maxInFlight orders were unanswered. */
  skipped: number;
  /** open: orders still unanswered after the grace period (abandoned). */
  unanswered: number;
  startedAt: number;
  endedAt: number;
}

export interface WorkerStats {
  subscriptions: number;
  connected: number;
  events: number;
  /** Events whose seq skipped ahead, or came again, per subscription's stream. */
  gaps: number;
  duplicates: number;
  reconnects: number;
  /** When each reconnect was acknowledged (epoch ms). */
  reconnectedAt: number[];
  subscriptionErrors: number;
  errors: string[];
  /** Since the process started. */
  cpuMs: number;
  /** Event loop utilisation since the last stats call (0..1): near 1 means this load process is the bottleneck. */
  eventLoopUtilization: number;
  rssBytes: number;
}
