import { createClient, type Client } from 'graphql-ws';
import WebSocket from 'ws';
import { now, sleep } from '../lib/clock';
import { LOCATION_EVENTS, SESSION_EVENTS } from '../lib/documents';
import type { Receipts, SubscribeResult, SubscriptionSpec, WaitResult } from '../lib/protocol';

interface StreamEvent {
  __typename: string;
  seq: number;
  order?: { id: string };
}

/** One subscriber: its own WebSocket (as each customer's phone and each panel has) and one subscription. */
interface Subscriber {
  index: number;
  client: Client;
  /** The seq of the last event received: a resumed subscription asks for what came after it. */
  lastSeq: number;
  eventsSinceMark: number;
  connects: number;
  dispose: () => void;
}

interface Waiter {
  perSubscription?: number;
  total?: number;
  quietMs?: number;
  resolve: (result: WaitResult) => void;
  timer: NodeJS.Timeout;
  /** Once the condition holds and quietMs is set: ends the wait when no event came for quietMs. */
  quietTimer?: NodeJS.Timeout;
  satisfiedAt?: number;
}

const MAX_ERRORS_KEPT = 10;
const SUBSCRIBE_TIMEOUT_MS = 120_000;

/**
 * The subscribers of one load process. Records, for every OrderPlaced event, the order id,
 * the time of receipt and which subscriber got it; checks each stream's seq for gaps and repeats.
 */
export class SubscriberPool {
  private subscribers: Subscriber[] = [];
  private receipts: Receipts = { orderIds: [], at: [], subscription: [] };
  private eventsSinceMark = 0;
  private satisfiedCount = 0;
  private waiter: Waiter | undefined;
  readonly counts = { events: 0, gaps: 0, duplicates: 0, reconnects: 0, subscriptionErrors: 0 };
  /** When each reconnect was acknowledged (epoch ms). */
  readonly reconnectedAt: number[] = [];
  readonly errors: string[] = [];

  get size(): number {
    return this.subscribers.length;
  }

  get connected(): number {
    return this.subscribers.filter((subscriber) => subscriber.connects > 0).length;
  }

  /** Opens one WebSocket per spec, at most `concurrency` connecting at once; resolves when each is acknowledged or failed. */
  async subscribe(wsUrl: string, specs: SubscriptionSpec[], concurrency: number, resume: boolean): Promise<SubscribeResult> {
    const result: SubscribeResult = { opened: 0, failed: 0, firstStartAt: now(), lastAckAt: 0, errors: [] };
    let inFlight = 0;
    let wake: (() => void) | undefined;
    const settled = () => {
      inFlight -= 1;
      const resume = wake;
      wake = undefined;
      resume?.();
    };
    const deadline = Date.now() + SUBSCRIBE_TIMEOUT_MS;
    const pending: Promise<void>[] = [];
    for (const spec of specs) {
      while (inFlight >= concurrency) await new Promise<void>((resolve) => (wake = resolve));
      if (Date.now() > deadline) break;
      inFlight += 1;
      pending.push(
        this.open(wsUrl, spec, resume).then(
          () => {
            result.opened += 1;
            result.lastAckAt = now();
            settled();
          },
          (error: unknown) => {
            result.failed += 1;
            if (result.errors.length < MAX_ERRORS_KEPT) result.errors.push(describe(error));
            settled();
          },
        ),
      );
    }
    await Promise.race([Promise.all(pending), sleep(Math.max(0, deadline - Date.now()))]);
    return result;
  }

  mark(): void {
    this.receipts = { orderIds: [], at: [], subscription: [] };
    this.eventsSinceMark = 0;
    for (const subscriber of this.subscribers) subscriber.eventsSinceMark = 0;
  }

  waitEvents(perSubscription: number | undefined, total: number | undefined, timeoutMs: number, quietMs?: number): Promise<WaitResult> {
    this.finishWait(false);
    this.satisfiedCount = perSubscription === undefined ? 0 : this.subscribers.filter((s) => s.eventsSinceMark >= perSubscription).length;
    return new Promise((resolve) => {
      this.waiter = { perSubscription, total, quietMs, resolve, timer: setTimeout(() => this.finishWait(this.waiter?.satisfiedAt !== undefined), timeoutMs) };
      this.checkWait();
    });
  }

  takeReceipts(): Receipts {
    const taken = this.receipts;
    this.receipts = { orderIds: [], at: [], subscription: [] };
    return taken;
  }

  async closeAll(): Promise<void> {
    const closing = this.subscribers.map(async (subscriber) => {
      subscriber.dispose();
      await subscriber.client.dispose();
    });
    this.subscribers = [];
    await Promise.allSettled(closing);
    this.mark();
  }

  private open(wsUrl: string, spec: SubscriptionSpec, resume: boolean): Promise<void> {
    const index = this.subscribers.length;
    let acknowledged: () => void = () => undefined;
    let refused: (error: unknown) => void = () => undefined;
    const opened = new Promise<void>((resolve, reject) => {
      acknowledged = resolve;
      refused = reject;
    });
    const client = createClient({
      url: wsUrl,
      webSocketImpl: WebSocket,
      lazy: true,
      lazyCloseTimeout: 0,
      keepAlive: 0,
      connectionParams: spec.token ? { authorization: `Bearer ${spec.token}` } : {},
      retryAttempts: resume ? 1_000 : 0,
      shouldRetry: () => resume,
      // After a drop: 100 ms doubling to 1 s, plus up to 250 ms of jitter so that thousands of clients spread out.
      retryWait: (retries) => sleep(Math.min(100 * 2 ** retries, 1_000) + Math.random() * 250),
      on: {
        connected: () => {
          if (subscriber.connects > 0) {
            this.counts.reconnects += 1;
            this.reconnectedAt.push(now());
          }
          subscriber.connects += 1;
          acknowledged();
        },
        closed: (event) => {
          if (subscriber.connects === 0 && !resume) refused(new Error(`closed before connection_ack: ${closeReason(event)}`));
        },
      },
    });
    const subscriber: Subscriber = { index, client, lastSeq: spec.afterSeq, eventsSinceMark: 0, connects: 0, dispose: () => undefined };
    this.subscribers.push(subscriber);
    const query = spec.stream === 'session' ? SESSION_EVENTS : LOCATION_EVENTS;
    const fixed = spec.stream === 'session' ? { code: spec.code } : { locationId: spec.locationId };
    subscriber.dispose = client.subscribe<Record<string, StreamEvent>>(
      {
        query,
        // Read whenever graphql-ws sends the subscription, so a resend after a reconnect resumes after the last seq.
        get variables() {
          return { ...fixed, afterSeq: subscriber.lastSeq };
        },
      },
      {
        next: (result) => {
          const at = now();
          if (result.errors?.length) {
            this.recordError(`subscription error: ${result.errors[0].message}`);
            return;
          }
          const event = result.data?.sessionEvents ?? result.data?.locationEvents;
          if (event) this.receive(subscriber, event, at);
        },
        error: (error) => {
          this.recordError(`subscription failed: ${describe(error)}`);
          refused(error);
        },
        complete: () => undefined,
      },
    );
    return opened;
  }

  private receive(subscriber: Subscriber, event: StreamEvent, at: number): void {
    this.counts.events += 1;
    if (event.seq <= subscriber.lastSeq) {
      this.counts.duplicates += 1;
      return;
    }
    if (event.seq > subscriber.lastSeq + 1) this.counts.gaps += 1;
    subscriber.lastSeq = event.seq;
    if (event.__typename === 'OrderPlaced' && event.order) {
      this.receipts.orderIds.push(event.order.id);
      this.receipts.at.push(at);
      this.receipts.subscription.push(subscriber.index);
    }
    this.eventsSinceMark += 1;
    subscriber.eventsSinceMark += 1;
    if (this.waiter) {
      if (subscriber.eventsSinceMark === this.waiter.perSubscription) this.satisfiedCount += 1;
      this.checkWait();
    }
  }

  private checkWait(): void {
    const waiter = this.waiter;
    if (!waiter) return;
    const perSubscriptionMet = waiter.perSubscription === undefined || this.satisfiedCount >= this.subscribers.length;
    const totalMet = waiter.total === undefined || this.eventsSinceMark >= waiter.total;
    if (!perSubscriptionMet || !totalMet) return;
    if (waiter.quietMs === undefined) {
      this.finishWait(true);
      return;
    }
    waiter.satisfiedAt = now();
    clearTimeout(waiter.quietTimer);
    waiter.quietTimer = setTimeout(() => this.finishWait(true, waiter.satisfiedAt), waiter.quietMs);
  }

  private finishWait(satisfied: boolean, at = now()): void {
    const waiter = this.waiter;
    if (!waiter) return;
    this.waiter = undefined;
    clearTimeout(waiter.timer);
    clearTimeout(waiter.quietTimer);
    waiter.resolve({
      satisfied,
      at,
      total: this.eventsSinceMark,
      subscriptionsSatisfied: waiter.perSubscription === undefined ? this.subscribers.length : this.satisfiedCount,
      subscriptions: this.subscribers.length,
    });
  }

  private recordError(message: string): void {
    this.counts.subscriptionErrors += 1;
    if (this.errors.length < MAX_ERRORS_KEPT) this.errors.push(message);
  }
}

function describe(error: unknown): string {
  if (error instanceof Error) return error.message;
  if (Array.isArray(error)) return error.map((e) => (e as { message?: string }).message ?? String(e)).join('; ');
  if (error && typeof error === 'object' && 'code' in error) return closeReason(error);
  return String(error);
}

function closeReason(event: unknown): string {
  const { code, reason } = (event ?? {}) as { code?: number; reason?: string };
  return `close ${code ?? '?'} ${reason ?? ''}`.trim();
}
