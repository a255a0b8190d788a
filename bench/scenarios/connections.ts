import { sleep } from '../lib/clock';
import { round } from '../lib/stats';
import { tcpCounters, tcpCountersBetween } from '../lib/tcp-counters';
import { atLeast, atMost, figure } from '../report';
import { WorkerGroup } from '../workers';
import { cpuMeter, sessionSpecs, using, waitForServerSubscriptions, withCpu, type BenchContext, type ScenarioResult } from './context';

const SCENARIO = '4 connections';
/** Open files the service needs besides its WebSockets (stdio, listener, PostgreSQL pool, Redis, sibling connections), with room to spare. */
const SERVICE_FILES_HEADROOM = 200;

/**
 * Idle subscriptions, one WebSocket each (2 per idle session, as a panel and a guest): how fast
 * they are admitted, and the service's resident memory per connection (VmRSS before and
 * after, read from /proc). Then one order to a few of those sessions checks they deliver.
 */
export async function connections(context: BenchContext): Promise<ScenarioResult> {
  const settings = context.profile.connections;
  const service = await context.startService('connections');
  const workers = WorkerGroup.start('connections', settings.workers);
  return using(service, [workers], async () => {
    const fileLimit = service.openFilesLimit();
    const possible = fileLimit - service.openFiles() - SERVICE_FILES_HEADROOM;
    const pool = context.sessions.pool;
    const count = Math.min(settings.target, possible, pool.length * settings.subscriptionsPerSession);
    const capNote = count < settings.target ? `${count.toLocaleString('en-US')} of ${settings.target.toLocaleString('en-US')}: the service may open ${fileLimit.toLocaleString('en-US')} files (hard limit here)` : undefined;
    const sessions = pool.slice(0, Math.ceil(count / settings.subscriptionsPerSession));
    const specs = sessionSpecs(sessions, settings.subscriptionsPerSession).slice(0, count);

    // Warm-up: the subscription path compiled and the pools filled, then closed again.
    const [first] = workers.workers;
    await first.subscribe({ wsUrl: service.wsUrl, specs: specs.slice(0, 200), concurrency: 50, resume: false });
    await first.closeSubscriptions();
    await sleep(settings.settleMs);
    const before = { rssBytes: service.rssBytes(), heapUsedBytes: await service.heapUsedBytes(), openFiles: service.openFiles() };

    const shares = workers.share(specs);
    await workers.all((worker) => worker.stats());
    const tcpBefore = tcpCounters();
    const started = performance.timeOrigin + performance.now();
    const [subscribed, admissionCpu] = await withCpu(cpuMeter(context, service, workers), () =>
      workers.all((worker, index) => worker.subscribe({ wsUrl: service.wsUrl, specs: shares[index], concurrency: settings.concurrencyPerWorker, resume: false })),
    );
    const admissionLoad = await workers.all((worker) => worker.stats());
    const tcp = tcpCountersBetween(tcpBefore, tcpCounters());
    const opened = subscribed.reduce((sum, result) => sum + result.opened, 0);
    const failed = subscribed.reduce((sum, result) => sum + result.failed, 0);
    const firstStart = Math.min(...subscribed.map((result) => result.firstStartAt));
    const lastAck = Math.max(...subscribed.map((result) => result.lastAckAt));
    const admittedPerSecond = (opened / (lastAck - firstStart)) * 1000;
    const liveAfterMs = await waitForServerSubscriptions(service, opened, 120_000, started);
    await sleep(settings.settleMs);
    const after = { rssBytes: service.rssBytes(), heapUsedBytes: await service.heapUsedBytes(), openFiles: service.openFiles() };
    const perConnectionKb = (after.rssBytes - before.rssBytes) / opened / 1024;

    // Do they deliver? One order to each of the last few sessions; each of their subscribers must get it.
    const checked = sessions.slice(-settings.checkSessions);
    const checkedCodes = new Set(checked.map((session) => session.code));
    await workers.all((worker) => worker.mark());
    const expectedPerWorker = shares.map((share) => share.filter((spec) => spec.stream === 'session' && checkedCodes.has(spec.code)).length);
    const waits = workers.all((worker, index) => worker.waitEvents({ total: expectedPerWorker[index], timeoutMs: 30_000 }));
    const checkSend = await first.place({ url: service.url, mode: 'batch', targets: checked.map((s) => ({ code: s.code, productIds: s.productIds })), concurrency: 10 });
    const checkWait = await waits;
    const delivered = checkWait.reduce((sum, result, index) => sum + Math.min(result.total, expectedPerWorker[index]), 0);
    const expectedCheck = expectedPerWorker.reduce((sum, value) => sum + value, 0);
    const stats = await workers.all((worker) => worker.stats());

    return {
      figures: [
        figure(SCENARIO, 'idle subscriptions held by one instance (one WebSocket each)', opened, '', atLeast(settings.target), capNote),
        figure(SCENARIO, 'service RSS per idle WebSocket + subscription', round(perConnectionKb, 1), 'KB', atMost(20)),
        figure(
          SCENARIO,
          `new WebSockets admitted per second (connect → connection_ack, ${settings.workers * settings.concurrencyPerWorker} connecting at once; all subscriptions live after ${liveAfterMs === null ? '—' : round(liveAfterMs / 1000, 1)} s)`,
          round(admittedPerSecond, 0),
          '/s',
          atLeast(2_000),
        ),
        figure(SCENARIO, `idle subscriptions still delivering (one order to ${checked.length} of their sessions)`, delivered, `of ${expectedCheck}`),
      ],
      details: {
        settings,
        count,
        opened,
        failed,
        subscribeErrors: subscribed.flatMap((result) => result.errors),
        fileLimit,
        before,
        after,
        perConnectionKb: round(perConnectionKb, 2),
        // Heap in use includes garbage not yet collected (the service runs without --expose-gc).
        heapPerConnectionKb: round((after.heapUsedBytes - before.heapUsedBytes) / opened / 1024, 2),
        admittedPerSecond: round(admittedPerSecond, 1),
        admissionSeconds: round((lastAck - firstStart) / 1000, 2),
        admissionCpu,
        tcp,
        admissionLoadEventLoopUtilization: admissionLoad.map((s) => s.eventLoopUtilization),
        subscriptionsLiveAfterMs: liveAfterMs,
        check: { orders: checkSend.orderIds.length, failed: checkSend.failed, expected: expectedCheck, delivered, waits: checkWait },
        gaps: stats.reduce((sum, s) => sum + s.gaps, 0),
        duplicates: stats.reduce((sum, s) => sum + s.duplicates, 0),
        loadRssBytes: stats.map((s) => s.rssBytes),
      },
    };
  });
}
