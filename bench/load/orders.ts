import { now, sleep } from '../lib/clock';
import { PLACE_ORDER } from '../lib/documents';
import type { GraphQLHttp } from '../lib/http-graphql';
import type { Command, OrderTarget, PlaceResult } from '../lib/protocol';

type PlaceCommand = Extract<Command, { type: 'place' }>;

const MAX_ERRORS_KEPT = 10;
let keys = 0;

/** Places orders over HTTP as the command says (closed loop, open loop, or a batch) and records each send and answer. */
export async function placeOrders(http: GraphQLHttp, command: PlaceCommand): Promise<PlaceResult> {
  const result: PlaceResult = {
    orderIds: [],
    target: [],
    sentAt: [],
    answeredAt: [],
    lateBy: [],
    failed: 0,
    errors: [],
    warmupOrders: 0,
    skipped: 0,
    unanswered: 0,
    startedAt: now(),
    endedAt: 0,
  };
  const measuredFrom = result.startedAt + (command.warmupMs ?? 0);

  let reported = false;
  const placeOne = async (targetIndex: number, sequence: number, scheduledAt?: number) => {
    const target = command.targets[targetIndex];
    const sentAt = now();
    try {
      const answer = await http.post<{ placeOrder: { id: string } }>(PLACE_ORDER, {
        code: target.code,
        items: itemsFor(target, sequence),
        idempotencyKey: `bench-${process.pid}-${(keys += 1)}`,
      });
      const answeredAt = now();
      if (reported) return;
      const id = answer.data?.placeOrder?.id;
      if (!id) throw new Error(`${answer.errors?.[0]?.extensions?.code ?? 'ERROR'}: ${answer.errors?.[0]?.message ?? 'no order'}`);
      if (sentAt < measuredFrom) {
        result.warmupOrders += 1;
        return;
      }
      result.orderIds.push(id);
      result.target.push(targetIndex);
      result.sentAt.push(sentAt);
      result.answeredAt.push(answeredAt);
      if (scheduledAt !== undefined) result.lateBy.push(sentAt - scheduledAt);
    } catch (error) {
      if (reported) return;
      result.failed += 1;
      if (result.errors.length < MAX_ERRORS_KEPT) result.errors.push(error instanceof Error ? error.message : String(error));
    }
  };

  if (command.mode === 'closed') {
    const endAt = result.startedAt + (command.durationMs ?? 0);
    const clients: Promise<void>[] = [];
    command.targets.forEach((_target, targetIndex) => {
      for (let client = 0; client < (command.clientsPerTarget ?? 1); client += 1) {
        clients.push(
          (async () => {
            for (let sequence = client; now() < endAt; sequence += 1) await placeOne(targetIndex, sequence);
          })(),
        );
      }
    });
    await Promise.all(clients);
  } else if (command.mode === 'open') {
    const rate = command.ratePerSecond ?? 1;
    const intervalMs = 1000 / rate;
    const total = Math.floor(((command.durationMs ?? 0) / 1000) * rate);
    const maxInFlight = command.maxInFlight ?? 1_000;
    const inFlight: Promise<void>[] = [];
    let outstanding = 0;
    const startAt = result.startedAt;
    for (let sent = 0; sent < total; ) {
      const due = Math.min(total, Math.floor((now() - startAt) / intervalMs) + 1);
      for (; sent < due; sent += 1) {
        // A service that falls far behind would pile up requests without end: beyond the cap, sends are skipped (and counted).
        if (outstanding >= maxInFlight) {
          result.skipped += 1;
          continue;
        }
        outstanding += 1;
        const placed = placeOne(sent % command.targets.length, Math.floor(sent / command.targets.length), startAt + sent * intervalMs);
        inFlight.push(placed.finally(() => (outstanding -= 1)));
      }
      const nextAt = startAt + sent * intervalMs;
      await sleep(Math.max(0, nextAt - now()));
    }
    // Bounded in time: what has not been answered `graceMs` after the last send is given up (and counted).
    await Promise.race([Promise.all(inFlight), sleep(command.graceMs ?? 10_000)]);
    result.unanswered = outstanding;
    if (outstanding > 0) http.abortAll();
  } else {
    let next = 0;
    const worker = async () => {
      while (next < command.targets.length) await placeOne(next++, 0);
    };
    await Promise.all(Array.from({ length: Math.max(1, command.concurrency ?? 1) }, worker));
  }
  result.endedAt = now();
  reported = true;
  return result;
}

/** Two different products of the session's location, with small quantities that vary. */
function itemsFor(target: OrderTarget, sequence: number) {
  const ids = target.productIds;
  const first = ids[sequence % ids.length];
  const second = ids[(sequence + 1) % ids.length];
  return [
    { productId: first, quantity: 1 + (sequence % 3) },
    { productId: second, quantity: 1, note: sequence % 4 === 0 ? 'no sugar' : null },
  ];
}
