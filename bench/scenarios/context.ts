import { CpuMeter, type CpuBreakdown } from '../cpu';
import { now, sleep } from '../lib/clock';
import type { PlaceResult, Receipts, SubscriptionSpec } from '../lib/protocol';
import { summarize, type Summary } from '../lib/stats';
import type { Profile } from '../profile';
import type { Figure } from '../report';
import type { BenchDatabase, ServiceProcess, SiblingDoublesProcess } from '../server';
import type { WorkerGroup } from '../workers';

/** A session the benchmark opened: its code, and the products of its location to order. */
export interface SessionRef {
  id: string;
  code: string;
  productIds: number[];
}

export interface BenchSessions {
  throughput: SessionRef[];
  latency: SessionRef[];
  independence: SessionRef;
  fanoutSession: SessionRef;
  /** At location 2 (the rival's), where nothing else happens: its stream carries only the fan-out's events. */
  fanoutLocation: SessionRef;
  /** Idle sessions at location 3. */
  pool: SessionRef[];
}

export interface BenchContext {
  profile: Profile;
  database: BenchDatabase;
  siblings: SiblingDoublesProcess;
  tokens: { demo: string; rival: string };
  sessions: BenchSessions;
  /** A fresh service process for one scenario (its own port; the shared database, Redis and siblings). */
  startService(scenario: string): Promise<ServiceProcess>;
  log(message: string): void;
}

/** What a scenario hands back: lines for the table, and details for the JSON. */
export interface ScenarioResult {
  figures: Figure[];
  details: Record<string, unknown>;
}

export const PRODUCTS = { cafe: [1, 2, 3, 4, 5], bistro: [101, 102, 103], garden: [201, 202] } as const;

/** Subscribers of sessions: the first of each session is the order panel (with the representative's token), the rest customers. */
export function sessionSpecs(sessions: SessionRef[], perSession: number, token?: string): SubscriptionSpec[] {
  const specs: SubscriptionSpec[] = [];
  for (const session of sessions) {
    for (let index = 0; index < perSession; index += 1) {
      specs.push({ stream: 'session', code: session.code, afterSeq: 0, token: index === 0 ? token : undefined });
    }
  }
  return specs;
}

export interface DeliveryFigures {
  /** Orders measured (committed, outside warm-up). */
  orders: number;
  expected: number;
  received: number;
  lost: number;
  /** Send → each subscriber's receipt, ms. */
  latency: Summary;
  /** Send → placeOrder's answer, ms. */
  answer: Summary;
}

/**
 * Joins sends and receipts by order id. `subscribersOf(target)` is how many subscribers the
 * order's session has in total; receipts of orders not in `sends` (warm-up) are ignored.
 * `notSent` deliveries were due but never placed or answered (an open loop that fell behind).
 * A delivery that did not arrive counts in the latency as infinitely late: a service that
 * falls behind cannot shed its slowest orders from the percentiles.
 */
export function joinDeliveries(
  sends: PlaceResult[],
  receipts: Receipts[],
  subscribersOf: (send: PlaceResult, index: number) => number,
  notSent = 0,
): DeliveryFigures {
  const sentAt = new Map<string, number>();
  let expected = notSent;
  const answers: number[] = [];
  for (const send of sends) {
    send.orderIds.forEach((id, index) => {
      sentAt.set(id, send.sentAt[index]);
      expected += subscribersOf(send, index);
      answers.push(send.answeredAt[index] - send.sentAt[index]);
    });
  }
  const latencies: number[] = [];
  for (const receipt of receipts) {
    receipt.orderIds.forEach((id, index) => {
      const sent = sentAt.get(id);
      if (sent !== undefined) latencies.push(receipt.at[index] - sent);
    });
  }
  const received = latencies.length;
  for (let missing = received; missing < expected; missing += 1) latencies.push(Infinity);
  return {
    orders: sentAt.size,
    expected,
    received,
    lost: expected - received,
    latency: summarize(latencies),
    answer: summarize(answers),
  };
}

/** Waits until the service reports at least `count` active subscriptions; the time it took (ms), or null on timeout. */
export async function waitForServerSubscriptions(service: ServiceProcess, count: number, timeoutMs: number, since = now()): Promise<number | null> {
  const deadline = now() + timeoutMs;
  while (now() < deadline) {
    const active = await service.metric('ordered_subscriptions_active').catch(() => NaN);
    if (active >= count) return now() - since;
    await sleep(100);
  }
  return null;
}

/** A CPU meter over the service, the doubles and a scenario's load processes. */
export function cpuMeter(context: BenchContext, service: ServiceProcess, ...groups: WorkerGroup[]): CpuMeter {
  return new CpuMeter(() => {
    let servicePid: number[] = [];
    try {
      servicePid = [service.pid];
    } catch {
      // between a stop and a start
    }
    return { service: servicePid, siblingDoubles: [context.siblings.pid], load: groups.flatMap((group) => group.pids) };
  });
}

/** Measures `run` with the CPU meter: its result, and where the CPU went meanwhile. */
export async function withCpu<Result>(meter: CpuMeter, run: () => Promise<Result>): Promise<[Result, CpuBreakdown]> {
  const start = meter.snapshot();
  const result = await run();
  return [result, CpuMeter.between(start, meter.snapshot())];
}

/** Runs `use` with these worker groups and stops them (and the service) whatever happens. */
export async function using<Result>(service: ServiceProcess, groups: WorkerGroup[], use: () => Promise<Result>): Promise<Result> {
  try {
    return await use();
  } finally {
    await Promise.allSettled(groups.map((group) => group.stop()));
    await service.stop();
  }
}
