import { now } from '../lib/clock';
import { round, summarize } from '../lib/stats';
import { tcpCounters, tcpCountersBetween } from '../lib/tcp-counters';
import { atMost, figure } from '../report';
import { WorkerGroup } from '../workers';
import { sessionSpecs, using, waitForServerSubscriptions, type BenchContext, type ScenarioResult } from './context';

const SCENARIO = '4 connections';

/**
 * Clients that resume (reconnect with backoff, resubscribe after the last seq they received,
 * as the SDK does) on an instance that restarts: SIGTERM, then a new process on the same port.
 * Back to full delivery when the new instance holds every client's subscription again (its
 * ordered_subscriptions_active gauge) and an order placed in a sample of the sessions as soon
 * as it listens has reached each of their subscribers. (An order in every session would
 * measure how fast orders are placed, which scenario 1 does.)
 */
export async function restart(context: BenchContext): Promise<ScenarioResult> {
  const settings = context.profile.restart;
  const offset = context.profile.fanout.burstSessions;
  const sessions = context.sessions.pool.slice(offset, offset + Math.ceil(settings.clients / settings.subscribersPerSession));
  const targetOf = (session: (typeof sessions)[number]) => ({ code: session.code, productIds: session.productIds });
  const step = Math.max(1, Math.floor(sessions.length / settings.probeSessions));
  const probed = sessions.filter((_, index) => index % step === 0).slice(0, settings.probeSessions);
  const probedCodes = new Set(probed.map((session) => session.code));
  const service = await context.startService('restart');
  const receivers = WorkerGroup.start('restart-client', settings.workers);
  const senders = WorkerGroup.start('restart-sender', 1);
  const [sender] = senders.workers;
  return using(service, [receivers, senders], async () => {
    const specs = sessionSpecs(sessions, settings.subscribersPerSession).slice(0, settings.clients);
    const shares = receivers.share(specs);
    const subscribed = await receivers.all((worker, index) => worker.subscribe({ wsUrl: service.wsUrl, specs: shares[index], concurrency: 100, resume: true }));
    const opened = subscribed.reduce((sum, result) => sum + result.opened, 0);
    await waitForServerSubscriptions(service, opened, 60_000);
    // All live before the restart: an order in every session reaches every client.
    await sender.place({ url: service.url, mode: 'batch', targets: sessions.map(targetOf), concurrency: 20 });
    const liveBefore = await receivers.all((worker) => worker.waitEvents({ perSubscription: 1, timeoutMs: 60_000 }));
    await receivers.all((worker) => worker.mark());

    const expectedPerWorker = shares.map((share) => share.filter((spec) => spec.stream === 'session' && probedCodes.has(spec.code)).length);
    const waits = receivers.all((worker, index) => worker.waitEvents({ total: expectedPerWorker[index], timeoutMs: 60_000 }));
    const tcpBefore = tcpCounters();
    const restartAt = now();
    await service.stop();
    const stoppedAt = now();
    await service.start(service.port);
    const listeningAt = now();
    const resubscribed = waitForServerSubscriptions(service, opened, 60_000, restartAt);
    const probes = await sender.place({ url: service.url, mode: 'batch', targets: probed.map(targetOf), concurrency: 20 });
    const probesAnsweredAt = now();
    const delivered = await waits;
    const allResubscribedMs = await resubscribed;
    const probesDeliveredMs = Math.max(...delivered.map((result) => result.at)) - restartAt;
    const complete = delivered.every((result) => result.satisfied) && allResubscribedMs !== null;
    const fullDeliverySeconds = complete ? Math.max(probesDeliveredMs, allResubscribedMs as number) / 1000 : null;
    const tcp = tcpCountersBetween(tcpBefore, tcpCounters());
    const stats = await receivers.all((worker) => worker.stats());
    const reconnectedAfter = summarize(stats.flatMap((s) => s.reconnectedAt.map((at) => (at - restartAt) / 1000)));
    const reconnects = stats.reduce((sum, s) => sum + s.reconnects, 0);
    const gaps = stats.reduce((sum, s) => sum + s.gaps, 0);
    const duplicates = stats.reduce((sum, s) => sum + s.duplicates, 0);

    return {
      figures: [
        figure(
          SCENARIO,
          `restart with ${opened.toLocaleString('en-US')} clients resuming: back to full delivery after (stop ${round((stoppedAt - restartAt) / 1000, 1)} s, start ${round((listeningAt - stoppedAt) / 1000, 1)} s, all resubscribed at ${allResubscribedMs === null ? '—' : round(allResubscribedMs / 1000, 1)} s, orders to ${probed.length} sessions delivered at ${round(probesDeliveredMs / 1000, 1)} s; ${reconnects} reconnects, median at ${round(reconnectedAfter.p50, 1)} s; ${gaps + duplicates} gaps/repeats)`,
          fullDeliverySeconds === null ? null : round(fullDeliverySeconds, 2),
          's',
          atMost(10),
          complete ? undefined : 'not every client resubscribed or got its order within 60 s',
        ),
      ],
      details: {
        settings,
        sessions: sessions.length,
        probedSessions: probed.length,
        opened,
        subscribeErrors: subscribed.flatMap((result) => result.errors),
        liveBefore,
        stopMs: round(stoppedAt - restartAt, 0),
        startMs: round(listeningAt - stoppedAt, 0),
        probesAnsweredMs: round(probesAnsweredAt - restartAt, 0),
        probeFailures: probes.failed,
        probeErrors: probes.errors,
        allResubscribedMs: allResubscribedMs === null ? null : round(allResubscribedMs, 0),
        probesDeliveredMs: round(probesDeliveredMs, 0),
        fullDeliverySeconds,
        delivered,
        reconnects,
        reconnectedAfterSeconds: reconnectedAfter,
        tcp,
        gaps,
        duplicates,
        subscriptionErrors: stats.flatMap((s) => s.errors),
      },
    };
  });
}
