import { spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import { Client } from 'pg';
import { INSERT_SESSION } from '../../src/domain/sessions';
import { sleep } from '../lib/clock';
import { WorkerGroup } from '../workers';
import { joinDeliveries, type DeliveryFigures } from './context';

/** bench/lib/bare-order-server.ts (no framework) or bench/lib/stack-order-server.ts (the fixed stack alone). */
export type FloorServer = 'bare' | 'stack';
/** A location no scenario uses, nor the statement floor of idle-floor.ts (-1): its session, orders and events are deleted afterwards. */
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
  const sessionId = randomUUID();
  // Lower case: no code the codes double hands out.
  const code = `${server[0]}${process.pid.toString(36).slice(-5)}`;
  const script = join(__dirname, '..', 'lib', `${server}-order-server.js`);
  const child = spawn(process.execPath, [script, databaseUrl], { stdio: ['ignore', 'pipe', 'inherit', 'ipc'] });
  const workers = WorkerGroup.start('latency-floor', 1);
  const [worker] = workers.workers;
  try {
    await database.query(INSERT_SESSION, [sessionId, code, 'end-to-end floor', FLOOR_LOCATION, new Date().toISOString(), 0, null]);
    const port = await new Promise<number>((resolve, reject) => {
      child.stdout?.once('data', (chunk: Buffer) => resolve(Number(chunk.toString().trim())));
      child.once('exit', (exitCode) => reject(new Error(`${server} order server exited (${exitCode})`)));
    });
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
  } finally {
    await workers.stop();
    child.kill();
    // The session's orders, items and events go with it (on delete cascade).
    await database.query('delete from sessions where id = $1', [sessionId]).catch(() => undefined);
    await database.query('delete from location_streams where location_id = $1', [FLOOR_LOCATION]).catch(() => undefined);
    await database.end();
  }
}
