import { sleep } from '../lib/clock';
import { ms, round } from '../lib/stats';
import { atMost, figure } from '../report';
import { runtimeBetween, type ServiceProcess } from '../server';
import { WorkerGroup, type LoadWorker } from '../workers';
import { cpuMeter, joinDeliveries, sessionSpecs, using, waitForServerSubscriptions, withCpu, type BenchContext, type ScenarioResult } from './context';

const SCENARIO = '5 independence';

/**
 * Delivery latency of one session (3 subscribers, a steady trickle of orders) while 10, then
 * 10,000, other sessions are subscribed (idle, one subscriber each, held by other load processes).
 */
export async function independence(context: BenchContext): Promise<ScenarioResult> {
  const settings = context.profile.independence;
  const measuredSession = context.sessions.independence;
  const target = [{ code: measuredSession.code, productIds: measuredSession.productIds }];
  const service = await context.startService('independence');
  const measuring = WorkerGroup.start('independence-measured', 1);
  const others = WorkerGroup.start('independence-others', settings.workers);
  const [worker] = measuring.workers;
  const meter = cpuMeter(context, service, measuring, others);
  return using(service, [measuring, others], async () => {
    await worker.subscribe({ wsUrl: service.wsUrl, specs: sessionSpecs([measuredSession], settings.subscribers, context.tokens.demo), concurrency: 10, resume: false });
    await worker.place({ url: service.url, mode: 'batch', targets: target, concurrency: 1 });
    await worker.waitEvents({ perSubscription: 1, timeoutMs: 15_000 });
    await worker.place({ url: service.url, mode: 'closed', targets: target, durationMs: settings.warmupMs, warmupMs: settings.warmupMs });
    await sleep(500);

    const otherSpecs = sessionSpecs(context.sessions.pool.slice(0, settings.many), 1);
    const shares = others.share(otherSpecs.slice(settings.few));
    await others.workers[0].subscribe({ wsUrl: service.wsUrl, specs: otherSpecs.slice(0, settings.few), concurrency: 10, resume: false });
    await waitForServerSubscriptions(service, settings.subscribers + settings.few, 30_000);
    await sleep(settings.settleMs);
    const [few, fewCpu] = await withCpu(meter, () => measure(worker, service, settings, target));

    await others.all((other, index) => other.subscribe({ wsUrl: service.wsUrl, specs: shares[index], concurrency: 64, resume: false }));
    const liveAfterMs = await waitForServerSubscriptions(service, settings.subscribers + settings.many, 120_000);
    await sleep(settings.settleMs);
    const [many, manyCpu] = await withCpu(meter, () => measure(worker, service, settings, target));

    const ratio = many.deliveries.latency.p50 / few.deliveries.latency.p50;
    const stats = await others.all((other) => other.stats());
    return {
      figures: [
        figure(
          SCENARIO,
          `one session's order → subscriber p50 with ${settings.many.toLocaleString('en-US')} vs ${settings.few} other subscribed sessions (${ms(many.deliveries.latency.p50)} vs ${ms(few.deliveries.latency.p50)}; p99 ${ms(many.deliveries.latency.p99)} vs ${ms(few.deliveries.latency.p99)})`,
          round(ratio, 2),
          '×',
          atMost(1.5),
        ),
      ],
      details: {
        settings,
        few: { ...few, cpu: fewCpu },
        many: { ...many, cpu: manyCpu, othersLiveAfterMs: liveAfterMs },
        othersSubscribed: stats.reduce((sum, s) => sum + s.connected, 0),
        otherErrors: stats.flatMap((s) => s.errors),
      },
    };
  });
}

async function measure(
  worker: LoadWorker,
  service: ServiceProcess,
  settings: { ratePerSecond: number; durationMs: number; subscribers: number },
  target: { code: string; productIds: number[] }[],
) {
  await worker.mark();
  const runtimeStart = await service.runtime();
  const send = await worker.place({ url: service.url, mode: 'open', targets: target, ratePerSecond: settings.ratePerSecond, durationMs: settings.durationMs });
  const runtime = runtimeBetween(runtimeStart, await service.runtime());
  const drained = await worker.waitEvents({ total: send.orderIds.length * settings.subscribers, timeoutMs: 20_000 });
  const receipts = await worker.takeReceipts();
  return { deliveries: joinDeliveries([send], [receipts], () => settings.subscribers), drained, failedOrders: send.failed, orderErrors: send.errors, service: runtime };
}
