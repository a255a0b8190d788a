import { join } from 'node:path';
import { Client } from 'pg';
import { sleep } from '../lib/clock';
import { startFloorServer, withFloorSession } from '../lib/floor-process';
import { WorkerGroup } from '../workers';
import { joinDeliveries, type DeliveryFigures } from './context';

/** bench/lib/bare-order-server.ts (no framework) or bench/lib/stack-order-server.ts (the fixed stack alone). */
export type FloorServer = 'bare' | 'stack';
/** A location no scenario uses, nor the statement floor of idle-floor.ts (-1). */
const FLOOR_LOCATION = -2;
const WARMUP_MS = 1_000;

/**
 * The idle phase of the latency scenario again, with the service replaced by one of the floor
 * servers (the same hops and the same statement, without the service): from a load process
 * of its own, `subscribers` graphql-ws clients on one session of its own, a second of orders
 * to warm it up, then `count` orders `gapMs` apart, each timed from its send to every
 * subscriber's receipt.
 */
export async function measureEndToEndFloor(server: FloorServer, databaseUrl: string, count: number, gapMs: number, subscribers: number): Promise<DeliveryFigures> {
  const database = new Client({ connectionString: databaseUrl });
  await database.connect();
  const { child, port: listening } = startFloorServer(`${server} order server`, [join(__dirname, '..', 'lib', `${server}-order-server.js`), databaseUrl]);
  const workers = WorkerGroup.start('latency-floor', 1);
  const [worker] = workers.workers;
  try {
    return await withFloorSession(database, FLOOR_LOCATION, server[0], async ({ code }) => {
      const port = await listening;
      const url = `http://127.0.0.1:${port}/graphql`;
      const specs = Array.from({ length: subscribers }, () => ({ stream: 'session' as const, code, afterSeq: 0 }));
      await worker.subscribe({ wsUrl: `ws://127.0.0.1:${port}/graphql`, specs, concurrency: subscribers, resume: false });
      const targets = [{ code, productIds: [1, 2, 3] }];
      await worker.place({ url, mode: 'closed', targets, durationMs: WARMUP_MS, warmupMs: WARMUP_MS });
      await sleep(500);
      await worker.mark();
      const send = await worker.place({ url, mode: 'open', targets, ratePerSecond: 1000 / gapMs, durationMs: count * gapMs });
      if (send.orderIds.length === 0) throw new Error(`the ${server} order server placed no order: ${send.errors[0] ?? 'no answer'}`);
      await worker.waitEvents({ total: send.orderIds.length * subscribers, quietMs: 200, timeoutMs: 10_000 });
      const receipts = await worker.takeReceipts();
      return joinDeliveries([send], [receipts], () => subscribers, (send.skipped + send.unanswered) * subscribers);
    });
  } finally {
    await workers.stop();
    child.kill();
    await database.end();
  }
}
