import type { Sql } from '../orm/sql';
import { insertPlacedOrders, type OrderToWrite, type PlacedSeqs } from './order-statement';

/** Orders written by one statement at most: the statement's JSON stays small. */
const MAX_BATCH = 100;

interface Pending extends OrderToWrite {
  written: (seqs: PlacedSeqs | null) => void;
  failed: (error: unknown) => void;
}

interface LocationQueue {
  /** Each session's waiting orders, oldest first; sessions in turn, from the longest waiting. */
  bySession: Map<string, Pending[]>;
  writing: boolean;
}

/**
 * Writes placed orders with one statement in flight per location: orders arriving while one
 * is written go together in the next (group commit). All orders of a location take its
 * counter row, so writing them one by one would only make them queue inside PostgreSQL,
 * each a transaction of its own; together they share one round trip and one commit.
 */
export class OrderWriter {
  private readonly queues = new Map<number, LocationQueue>();

  constructor(
    private readonly sql: Sql,
    /** The orders one session takes (SESSION_ORDER_LIMIT). */
    private readonly orderLimit: number,
    private readonly observe: { waiting(change: number): void; written(batchSize: number): void },
  ) {}

  /** The order's seqs once it is committed; null when it was not written (session not open or full, key used). */
  write(locationId: number, order: OrderToWrite): Promise<PlacedSeqs | null> {
    let queue = this.queues.get(locationId);
    if (!queue) this.queues.set(locationId, (queue = { bySession: new Map(), writing: false }));
    const { bySession } = queue;
    const written = new Promise<PlacedSeqs | null>((resolve, reject) => {
      const sessionId = order.order.sessionId;
      let waiting = bySession.get(sessionId);
      if (!waiting) bySession.set(sessionId, (waiting = []));
      waiting.push({ ...order, written: resolve, failed: reject });
    });
    this.observe.waiting(1);
    if (!queue.writing) void this.drain(locationId, queue);
    return written;
  }

  private async drain(locationId: number, queue: LocationQueue): Promise<void> {
    queue.writing = true;
    while (queue.bySession.size > 0) {
      const batch = takeBatch(queue.bySession);
      this.observe.waiting(-batch.length);
      try {
        const results = await insertPlacedOrders(this.sql, batch, this.orderLimit);
        this.observe.written(batch.length);
        batch.forEach((pending, index) => pending.written(results[index]));
      } catch (error) {
        // Whatever failed the statement fails only the orders it concerns: write each alone.
        if (batch.length === 1) batch[0].failed(error);
        else await Promise.all(batch.map((pending) => this.writeAlone(pending)));
      }
    }
    queue.writing = false;
    this.queues.delete(locationId);
  }

  private async writeAlone(pending: Pending): Promise<void> {
    try {
      const [seqs] = await insertPlacedOrders(this.sql, [pending], this.orderLimit);
      this.observe.written(1);
      pending.written(seqs);
    } catch (error) {
      pending.failed(error);
    }
  }
}

/**
 * Takes the oldest waiting order of each of up to MAX_BATCH sessions, those waiting longest
 * first; a session with more waiting goes to the back of the line. One order of a session per
 * statement: the statement counts a session's orders against its limit before its insert
 * finds a key already used, so a retry written beside a new order of its session could take
 * that order's place. A second order under the same key also finds the first one committed.
 * A session flooded with orders takes one place in each batch and holds up no other.
 */
function takeBatch(bySession: Map<string, Pending[]>): Pending[] {
  const sessions: string[] = [];
  for (const sessionId of bySession.keys()) {
    if (sessions.length === MAX_BATCH) break;
    sessions.push(sessionId);
  }
  return sessions.map((sessionId) => {
    const waiting = bySession.get(sessionId) as Pending[];
    const next = waiting.shift() as Pending;
    bySession.delete(sessionId);
    if (waiting.length > 0) bySession.set(sessionId, waiting);
    return next;
  });
}
