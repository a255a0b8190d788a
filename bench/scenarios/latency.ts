import { sleep } from '../lib/clock';
import { measureIdleFloor } from '../lib/idle-floor';
import type { PlaceResult } from '../lib/protocol';
import { ms, round, summarize } from '../lib/stats';
import { atMost, figure, type Figure } from '../report';
import { runtimeBetween, type ServiceProcess } from '../server';
import { WorkerGroup, type LoadWorker } from '../workers';
import { cpuMeter, joinDeliveries, sessionSpecs, using, withCpu, type BenchContext, type ScenarioResult } from './context';
import { measureEndToEndFloor } from './end-to-end-floor';

const SCENARIO = '2 latency';
const END_TO_END_FLOORS = {
  bare: 'idle floor end to end, no framework: the same orders through a bare node process (node:http, pg with the order\'s statement, ws frames)',
  stack: 'idle floor end to end, the fixed stack alone: the same through Apollo Server, graphql-js and graphql-ws, without type-graphql, ORM, Redis or checks',
};

/**
 * Time from sending placeOrder to each subscriber's receipt, in one load process (one clock):
 * an idle service (orders far apart), then open loops at fixed rates (each order sent on
 * schedule, whether or not earlier ones were answered), over 50 sessions × 3 subscribers.
 */
export async function latency(context: BenchContext): Promise<ScenarioResult> {
  const settings = context.profile.latency;
  const sessions = context.sessions.latency.slice(0, settings.sessions);
  const targets = sessions.map((session) => ({ code: session.code, productIds: session.productIds }));
  const service = await context.startService('latency');
  const workers = WorkerGroup.start('latency', 1);
  const [worker] = workers.workers;
  return using(service, [workers], async () => {
    await worker.subscribe({ wsUrl: service.wsUrl, specs: sessionSpecs(sessions, settings.subscribersPerSession, context.tokens.demo), concurrency: 50, resume: false });
    await worker.place({ url: service.url, mode: 'batch', targets, concurrency: 10 });
    await worker.waitEvents({ perSubscription: 1, timeoutMs: 15_000 });
    context.log('latency: subscribers live');
    // Warm-up: the service's code paths compiled and its pools filled before anything is measured.
    await worker.place({ url: service.url, mode: 'closed', targets, durationMs: settings.warmupMs, warmupMs: settings.warmupMs });
    await sleep(500);
    const meter = cpuMeter(context, service, workers);

    const phases: Record<string, unknown> = {};
    const figures: Figure[] = [];

    const idle = await phase(worker, service, settings.subscribersPerSession, () =>
      worker.place({
        url: service.url,
        mode: 'open',
        targets: [targets[0]],
        ratePerSecond: settings.idleRatePerSecond,
        durationMs: (settings.idleOrders / settings.idleRatePerSecond) * 1000,
      }),
    );
    phases.idle = idle;
    context.log(`latency: idle phase done`);
    figures.push(
      figure(SCENARIO, `idle service: order → subscriber p50 (${idle.deliveries.orders} orders ${1000 / settings.idleRatePerSecond} ms apart, ${settings.subscribersPerSession} subscribers)`, idle.deliveries.latency.p50, 'ms', atMost(3)),
    );
    const floor = await measureIdleFloor(context.database.url, settings.idleOrders, 1000 / settings.idleRatePerSecond);
    phases.idleFloor = floor;
    figures.push(
      figure(
        SCENARIO,
        `idle floor, no service code: HTTP round trip between two bare node processes (p50 ${ms(floor.httpRoundTrip.p50)}) + one-row insert committed (p50 ${ms(floor.insertCommit.p50)})`,
        round(floor.httpRoundTrip.p50 + floor.insertCommit.p50),
        'ms',
      ),
    );
    const statement = floor.orderStatementCommit;
    figures.push(
      'error' in statement
        ? figure(SCENARIO, `idle floor with the order's own statement in place of the one-row insert`, null, 'ms', undefined, statement.error)
        : figure(
            SCENARIO,
            `idle floor with the order's own statement (its items, both logs' events and counters; p50 ${ms(statement.p50)}) in place of the one-row insert`,
            round(floor.httpRoundTrip.p50 + statement.p50),
            'ms',
          ),
    );
    for (const server of ['bare', 'stack'] as const) {
      // An error instead when this checkout's statement does not fit a database migrated by another commit's service (bench:compare).
      const endToEnd = await measureEndToEndFloor(server, context.database.url, settings.idleOrders, 1000 / settings.idleRatePerSecond, settings.subscribersPerSession).catch(
        (error: Error) => ({ error: error.message }),
      );
      phases[`idleFloor_${server}`] = endToEnd;
      if ('error' in endToEnd) {
        figures.push(figure(SCENARIO, `${END_TO_END_FLOORS[server]}: order → subscriber p50`, null, 'ms', undefined, endToEnd.error));
        continue;
      }
      const missing = endToEnd.lost ? `, ${endToEnd.lost} deliveries missing` : '';
      figures.push(figure(SCENARIO, `${END_TO_END_FLOORS[server]} (answered in p50 ${ms(endToEnd.answer.p50)}${missing}): order → subscriber p50`, endToEnd.latency.p50, 'ms'));
    }
    context.log(`latency: end-to-end floors done`);

    for (const rate of settings.rates) {
      const [result, cpu] = await withCpu(meter, () =>
        phase(worker, service, settings.subscribersPerSession, () =>
          worker.place({ url: service.url, mode: 'open', targets, ratePerSecond: rate, durationMs: settings.durationMs, graceMs: settings.graceMs }),
        ),
      );
      phases[`rate${rate}`] = { ...result, cpu };
      context.log(`latency: ${rate}/s phase done`);
      const late = result.lateBy.p99 > 5 ? `; sends up to ${ms(result.lateBy.p99)} late (p99)` : '';
      const behind = result.skipped + result.unanswered > 0 ? `; ${result.skipped} sends skipped and ${result.unanswered} abandoned: the service fell behind` : '';
      figures.push(
        figure(
          SCENARIO,
          `open loop ${rate}/s: order → subscriber p99 (p50 ${ms(result.deliveries.latency.p50)}; ${round(result.answeredPerSecond, 0)} orders/s answered${result.deliveries.lost ? `, ${result.deliveries.lost} deliveries missing` : ''}${late}${behind})`,
          result.deliveries.latency.p99,
          'ms',
          atMost(rate <= 50 ? 15 : 50),
        ),
      );
    }
    const stats = await worker.stats();
    return { figures, details: { settings, phases, gaps: stats.gaps, duplicates: stats.duplicates, subscriptionErrors: stats.errors } };
  });
}

async function phase(worker: LoadWorker, service: ServiceProcess, subscribersPerSession: number, place: () => Promise<PlaceResult>) {
  await worker.mark();
  const runtimeStart = await service.runtime();
  const send = await place();
  const runtime = runtimeBetween(runtimeStart, await service.runtime());
  // Every answered order's events; then those of abandoned orders that were committed all the same, until it is quiet.
  const drained = await worker.waitEvents({ total: send.orderIds.length * subscribersPerSession, quietMs: 500, timeoutMs: 20_000 });
  const receipts = await worker.takeReceipts();
  const deliveries = joinDeliveries([send], [receipts], () => subscribersPerSession, (send.skipped + send.unanswered) * subscribersPerSession);
  const lastAnswer = send.answeredAt.reduce((last, at) => Math.max(last, at), send.startedAt);
  return {
    deliveries,
    answeredPerSecond: round((send.orderIds.length / (lastAnswer - send.startedAt)) * 1000, 1),
    skipped: send.skipped,
    unanswered: send.unanswered,
    drained,
    failedOrders: send.failed,
    orderErrors: send.errors,
    lateBy: summarize(send.lateBy),
    service: runtime,
  };
}
