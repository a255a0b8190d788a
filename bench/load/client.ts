import { performance } from 'node:perf_hooks';
import { now } from '../lib/clock';
import { GraphQLHttp } from '../lib/http-graphql';
import type { Command, Reply, Request, WorkerStats } from '../lib/protocol';
import { placeOrders } from './orders';
import { SubscriberPool } from './subscribers';

/**
 * A load process: WebSocket subscribers and HTTP order placers, driven by the orchestrator
 * (bench/run.ts) over the IPC channel, one command at a time per kind.
 */
const pool = new SubscriberPool();
const httpClients = new Map<string, GraphQLHttp>();
let lastUtilization = performance.eventLoopUtilization();

async function handle(command: Command): Promise<unknown> {
  switch (command.type) {
    case 'clock':
      return now();
    case 'subscribe':
      return pool.subscribe(command.wsUrl, command.specs, command.concurrency, command.resume);
    case 'mark':
      pool.mark();
      return null;
    case 'waitEvents':
      return pool.waitEvents(command.perSubscription, command.total, command.timeoutMs, command.quietMs);
    case 'takeReceipts':
      return pool.takeReceipts();
    case 'stats':
      return stats();
    case 'closeSubscriptions':
      await pool.closeAll();
      return null;
    case 'place': {
      let http = httpClients.get(command.url);
      if (!http) httpClients.set(command.url, (http = new GraphQLHttp(command.url)));
      return placeOrders(http, command);
    }
    case 'exit':
      setImmediate(() => process.exit(0));
      return null;
  }
}

function stats(): WorkerStats {
  const utilization = performance.eventLoopUtilization(lastUtilization);
  lastUtilization = performance.eventLoopUtilization();
  const cpu = process.cpuUsage();
  return {
    subscriptions: pool.size,
    connected: pool.connected,
    ...pool.counts,
    reconnectedAt: pool.reconnectedAt.slice(),
    errors: pool.errors.slice(),
    cpuMs: (cpu.user + cpu.system) / 1000,
    eventLoopUtilization: Math.round(utilization.utilization * 1000) / 1000,
    rssBytes: process.memoryUsage.rss(),
  };
}

process.on('message', (request: Request) => {
  handle(request.command).then(
    (result) => reply({ id: request.id, ok: true, result }),
    (error: unknown) => reply({ id: request.id, ok: false, error: error instanceof Error ? error.stack ?? error.message : String(error) }),
  );
});
process.on('disconnect', () => process.exit(0));

function reply(message: Reply): void {
  process.send?.(message);
}
