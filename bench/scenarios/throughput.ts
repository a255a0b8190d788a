import { ms, round } from '../lib/stats';
import { atLeast, atMost, figure } from '../report';
import { runtimeBetween } from '../server';
import { WorkerGroup } from '../workers';
import { cpuMeter, joinDeliveries, sessionSpecs, using, withCpu, type BenchContext, type ScenarioResult } from './context';

const SCENARIO = '1 throughput';

/**
 * 50 open sessions × 3 subscribers; one closed-loop client per session places orders of 2
 * items, the next as soon as the last one is answered. Each load process places the orders of
 * its share of the sessions and holds those sessions' subscribers, so sends and receipts are
 * stamped by the same clock.
 */
export async function throughput(context: BenchContext): Promise<ScenarioResult> {
  const settings = context.profile.throughput;
  const sessions = context.sessions.throughput.slice(0, settings.sessions);
  const service = await context.startService('throughput');
  const workers = WorkerGroup.start('throughput', settings.workers);
  return using(service, [workers], async () => {
    const shares = workers.share(sessions);
    const subscribed = await workers.all((worker, index) =>
      worker.subscribe({ wsUrl: service.wsUrl, specs: sessionSpecs(shares[index], settings.subscribersPerSession, context.tokens.demo), concurrency: 50, resume: false }),
    );
    context.log(`throughput: ${subscribed.reduce((sum, s) => sum + s.opened, 0)} subscribers`);
    // One order per session, received by every subscriber: all are live.
    await workers.all((worker, index) =>
      worker.place({ url: service.url, mode: 'batch', targets: targetsOf(shares[index]), concurrency: 10 }),
    );
    const live = await workers.all((worker) => worker.waitEvents({ perSubscription: 1, timeoutMs: 15_000 }));
    await workers.all((worker) => worker.mark());
    await workers.all((worker) => worker.stats());

    const meter = cpuMeter(context, service, workers);
    const runtimeStart = await service.runtime();
    const [sends, cpu] = await withCpu(meter, () =>
      workers.all((worker, index) =>
        worker.place({
          url: service.url,
          mode: 'closed',
          targets: targetsOf(shares[index]),
          clientsPerTarget: settings.clientsPerSession,
          durationMs: settings.warmupMs + settings.durationMs,
          warmupMs: settings.warmupMs,
        }),
      ),
    );
    const runtime = runtimeBetween(runtimeStart, await service.runtime());
    // Every committed order (warm-up included) reaches each subscriber of its session: wait for all of them.
    const drained = await workers.all((worker, index) =>
      worker.waitEvents({ total: (sends[index].orderIds.length + sends[index].warmupOrders) * settings.subscribersPerSession, timeoutMs: 20_000 }),
    );
    const receipts = await workers.all((worker) => worker.takeReceipts());
    const stats = await workers.all((worker) => worker.stats());
    const deliveries = joinDeliveries(sends, receipts, () => settings.subscribersPerSession);

    const measuredFrom = Math.min(...sends.map((send) => send.startedAt)) + settings.warmupMs;
    const endedAt = Math.max(...sends.map((send) => send.endedAt));
    const ordersPerSecond = deliveries.orders / ((endedAt - measuredFrom) / 1000);
    const committedInDatabase = await context.database
      .query<{ count: number }>('select count(*)::int as count from orders where session_id = any($1)', [sessions.map((s) => s.id)])
      .then((rows) => rows[0].count);
    const placedByClients = sends.reduce((sum, send) => sum + send.orderIds.length + send.warmupOrders, 0) + sessions.length;
    const failed = sends.reduce((sum, send) => sum + send.failed, 0);
    const gaps = stats.reduce((sum, s) => sum + s.gaps, 0);
    const duplicates = stats.reduce((sum, s) => sum + s.duplicates, 0);

    return {
      figures: [
        figure(SCENARIO, `orders committed per second (${sessions.length} sessions × ${settings.subscribersPerSession} subscribers, closed loop ${settings.durationMs / 1000} s)`, round(ordersPerSecond, 0), '/s', atLeast(2000)),
        figure(
          SCENARIO,
          `deliveries missing, repeated or out of order (of ${deliveries.expected.toLocaleString('en-US')}), and orders committed but not answered or failed (${committedInDatabase.toLocaleString('en-US')} committed)`,
          // An order committed without an answer is expected by no one: its lost deliveries would not show.
          deliveries.lost + gaps + duplicates + Math.abs(committedInDatabase - placedByClients) + failed,
          '',
          atMost(0),
        ),
        figure(SCENARIO, `placeOrder answer p50 under this load (p99 ${ms(deliveries.answer.p99)})`, deliveries.answer.p50, 'ms'),
        figure(SCENARIO, `order → subscriber p50 under this load (p99 ${ms(deliveries.latency.p99)})`, deliveries.latency.p50, 'ms'),
      ],
      details: {
        settings,
        liveBeforeStart: live,
        ordersPerSecond: round(ordersPerSecond, 1),
        measuredSeconds: round((endedAt - measuredFrom) / 1000, 2),
        deliveries,
        failedOrders: failed,
        orderErrors: sends.flatMap((send) => send.errors).slice(0, 10),
        committedInDatabase,
        placedByClients,
        drained,
        gaps,
        duplicates,
        subscriptionErrors: stats.flatMap((s) => s.errors),
        cpu,
        service: runtime,
        loadEventLoopUtilization: stats.map((s) => s.eventLoopUtilization),
      },
    };
  });

  function targetsOf(share: typeof sessions) {
    return share.map((session) => ({ code: session.code, productIds: session.productIds }));
  }
}
