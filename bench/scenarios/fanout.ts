import { ceilingFromCpu, CpuMeter } from '../cpu';
import { sleep } from '../lib/clock';
import type { SubscriptionSpec } from '../lib/protocol';
import { median, ms, round, summarize } from '../lib/stats';
import { atLeast, figure } from '../report';
import type { ServiceProcess } from '../server';
import { locationHead } from '../setup';
import { WorkerGroup, type LoadWorker } from '../workers';
import { cpuMeter, sessionSpecs, using, waitForServerSubscriptions, withCpu, type BenchContext, type ScenarioResult, type SessionRef } from './context';

const SCENARIO = '3 fan-out';

/**
 * One event to many subscribers of one stream (the location's, for order panels; and one
 * session's), then a burst: one order to each of many sessions with several subscribers.
 * Receivers are spread over load processes; a separate one places the orders.
 */
export async function fanout(context: BenchContext): Promise<ScenarioResult> {
  const settings = context.profile.fanout;
  const service = await context.startService('fanout');
  const receivers = WorkerGroup.start('fanout-receiver', settings.workers);
  const senders = WorkerGroup.start('fanout-sender', 1);
  const [sender] = senders.workers;
  const meter = cpuMeter(context, service, receivers, senders);
  return using(service, [receivers, senders], async () => {
    const head = await locationHead(service.url, context.tokens.rival, 2);
    const locationSpecs: SubscriptionSpec[] = Array.from({ length: settings.locationSubscribers }, () => ({
      stream: 'location',
      locationId: 2,
      afterSeq: head,
      token: context.tokens.rival,
    }));
    const location = await oneStream(service, receivers, sender, meter, context.sessions.fanoutLocation, locationSpecs, settings.events);
    context.log(`fan-out: location stream ${JSON.stringify(location.summary)}`);
    await receivers.all((worker) => worker.closeSubscriptions());

    const sessionSubscribers = sessionSpecs([context.sessions.fanoutSession], settings.sessionSubscribers);
    const session = await oneStream(service, receivers, sender, meter, context.sessions.fanoutSession, sessionSubscribers, settings.events);
    context.log(`fan-out: one session ${JSON.stringify(session.summary)}`);
    await receivers.all((worker) => worker.closeSubscriptions());

    const [burst, burstCpu] = await burstToSessions(context, service, receivers, sender, meter);
    context.log(`fan-out: burst ${JSON.stringify(burst.summary)}`);

    return {
      figures: [
        figure(
          SCENARIO,
          `one event to ${settings.locationSubscribers.toLocaleString('en-US')} subscribers of one location stream: deliveries per second (median of ${location.events.length} events; all delivered after ${ms(location.summary.completionMsP50)})`,
          location.summary.deliveriesPerSecond,
          '/s',
          atLeast(25_000),
        ),
        figure(
          SCENARIO,
          `burst: one order to each of ${burst.summary.sessions.toLocaleString('en-US')} sessions × ${settings.burstSubscribersPerSession} subscribers, after ${settings.burstWarmups === 1 ? 'one such burst' : `${settings.burstWarmups} such bursts`} to warm up: deliveries per second (${burst.summary.delivered} of ${burst.summary.expected} in ${ms(burst.summary.elapsedMs)}; orders committed at ${burst.summary.ordersPerSecond}/s)`,
          burst.summary.deliveriesPerSecond,
          '/s',
          atLeast(25_000),
        ),
        figure(
          SCENARIO,
          `the burst's ceiling on this machine, from the CPU it took: ${burst.ceiling.machineMs} ms per order with its ${settings.burstSubscribersPerSession} deliveries, all processes (the service ${burst.ceiling.serviceMs} ms, PostgreSQL ${burst.ceiling.postgresMs} ms, the load ${burst.ceiling.loadMs} ms); ${burst.ceiling.cores} cores always busy would commit ${burst.ceiling.perSecond.toLocaleString('en-US')} orders/s: deliveries per second at most`,
          burst.ceiling.perSecond * settings.burstSubscribersPerSession,
          '/s',
        ),
        figure(
          SCENARIO,
          `one event to ${settings.sessionSubscribers.toLocaleString('en-US')} subscribers of one session: deliveries per second (median of ${session.events.length} events; all delivered after ${ms(session.summary.completionMsP50)})`,
          session.summary.deliveriesPerSecond,
          '/s',
        ),
      ],
      details: {
        settings,
        location,
        session,
        burst: { ...burst, cpu: burstCpu },
      },
    };
  });
}

/** Subscribes `specs`, then places `events` orders one at a time, each once the last one reached every subscriber. */
async function oneStream(
  service: ServiceProcess,
  receivers: WorkerGroup,
  sender: LoadWorker,
  meter: ReturnType<typeof cpuMeter>,
  session: SessionRef,
  specs: SubscriptionSpec[],
  events: number,
) {
  const shares = receivers.share(specs);
  const subscribed = await receivers.all((worker, index) => worker.subscribe({ wsUrl: service.wsUrl, specs: shares[index], concurrency: 100, resume: false }));
  const opened = subscribed.reduce((sum, result) => sum + result.opened, 0);
  await waitForServerSubscriptions(service, opened, 60_000);
  const target = [{ code: session.code, productIds: session.productIds }];
  // A first order that every subscriber must receive: all of them are live.
  await sender.place({ url: service.url, mode: 'batch', targets: target, concurrency: 1 });
  const live = await receivers.all((worker) => worker.waitEvents({ perSubscription: 1, timeoutMs: 30_000 }));

  const perEvent: { sentAt: number; delivered: number; firstMs: number; lastMs: number; latency: ReturnType<typeof summarize> }[] = [];
  await receivers.all((worker) => worker.stats());
  const cpuStart = meter.snapshot();
  for (let event = 0; event < events; event += 1) {
    await receivers.all((worker) => worker.mark());
    const send = await sender.place({ url: service.url, mode: 'batch', targets: target, concurrency: 1 });
    await receivers.all((worker) => worker.waitEvents({ perSubscription: 1, timeoutMs: 30_000 }));
    const receipts = await receivers.all((worker) => worker.takeReceipts());
    const id = send.orderIds[0];
    const sentAt = send.sentAt[0];
    const latencies = receipts.flatMap((r) => r.orderIds.flatMap((orderId, index) => (orderId === id ? [r.at[index] - sentAt] : [])));
    perEvent.push({
      sentAt,
      delivered: latencies.length,
      firstMs: round(Math.min(...latencies)),
      lastMs: round(Math.max(...latencies)),
      latency: summarize(latencies),
    });
    await sleep(200);
  }
  const cpu = CpuMeter.between(cpuStart, meter.snapshot());
  // An event that did not reach every subscription the scenario asked for never completed.
  const completion = perEvent.map((event) => (opened === specs.length && event.delivered === opened ? event.lastMs : Infinity));
  const completionMsP50 = median(completion);
  const stats = await receivers.all((worker) => worker.stats());
  return {
    subscribers: opened,
    subscribeFailures: subscribed.reduce((sum, result) => sum + result.failed, 0),
    subscribeErrors: subscribed.flatMap((result) => result.errors),
    live,
    summary: {
      subscribers: opened,
      // Subscribers ÷ the median event's time to its last receipt: the figure and its label describe one event.
      deliveriesPerSecond: round((specs.length / completionMsP50) * 1000, 0),
      completionMsP50: round(completionMsP50, 1),
      delivered: perEvent.reduce((sum, event) => sum + event.delivered, 0),
      expected: opened * events,
    },
    events: perEvent,
    gaps: stats.reduce((sum, s) => sum + s.gaps, 0),
    duplicates: stats.reduce((sum, s) => sum + s.duplicates, 0),
    receiverEventLoopUtilization: stats.map((s) => s.eventLoopUtilization),
    cpu,
  };
}

/**
 * One order to each of many pool sessions at once (the sender keeps `burstConcurrency` in
 * flight), after `burstWarmups` such bursts that are not counted. Every subscriber gets its
 * session's.
 */
async function burstToSessions(context: BenchContext, service: ServiceProcess, receivers: WorkerGroup, sender: LoadWorker, meter: ReturnType<typeof cpuMeter>) {
  const settings = context.profile.fanout;
  const sessions = context.sessions.pool.slice(0, settings.burstSessions);
  const specs = sessionSpecs(sessions, settings.burstSubscribersPerSession);
  // Whole sessions per receiver: contiguous shares of specs keep a session's subscribers together mostly; either way each counts its own.
  const shares = receivers.share(specs);
  const subscribed = await receivers.all((worker, index) => worker.subscribe({ wsUrl: service.wsUrl, specs: shares[index], concurrency: 100, resume: false }));
  const opened = subscribed.reduce((sum, result) => sum + result.opened, 0);
  const liveAfterMs = await waitForServerSubscriptions(service, opened, 60_000);
  const targets = sessions.map((session) => ({ code: session.code, productIds: session.productIds }));
  const burst = async () => {
    await receivers.all((worker) => worker.mark());
    const placed = await sender.place({ url: service.url, mode: 'batch', targets, concurrency: settings.burstConcurrency });
    await receivers.all((worker) => worker.waitEvents({ perSubscription: 1, timeoutMs: 60_000 }));
    return placed;
  };
  // Bursts that are not counted warm the service up (as scenario 1's warm-up does): the
  // measured one runs on compiled code, as on an instance that has been serving a while.
  const warmups = [];
  for (let round = 0; round < settings.burstWarmups; round += 1) warmups.push(await burst());
  await receivers.all((worker) => worker.stats());
  const cpuFrom = performance.now();
  const [send, cpu] = await withCpu(meter, burst);
  const cpuWindowMs = performance.now() - cpuFrom;
  const receipts = await receivers.all((worker) => worker.takeReceipts());
  const sentAt = new Map(send.orderIds.map((id, index) => [id, send.sentAt[index]]));
  const latencies: number[] = [];
  let lastReceipt = 0;
  for (const r of receipts) {
    r.orderIds.forEach((id, index) => {
      const sent = sentAt.get(id);
      if (sent === undefined) return;
      latencies.push(r.at[index] - sent);
      lastReceipt = Math.max(lastReceipt, r.at[index]);
    });
  }
  const firstSend = Math.min(...send.sentAt);
  const elapsedMs = lastReceipt - firstSend;
  const stats = await receivers.all((worker) => worker.stats());
  const summary = {
    sessions: sessions.length,
    subscribers: opened,
    expected: send.orderIds.length * settings.burstSubscribersPerSession,
    delivered: latencies.length,
    elapsedMs: round(elapsedMs, 0),
    deliveriesPerSecond: round((latencies.length / elapsedMs) * 1000, 0),
    ordersPerSecond: ordersPerSecond(send),
    warmupOrdersPerSecond: warmups.map(ordersPerSecond),
  };
  // What the orders' own CPU would allow with every core busy: whether the target is within reach of this machine.
  const ceiling = ceilingFromCpu(cpu, cpuWindowMs, send.orderIds.length);
  return [
    {
      summary,
      ceiling,
      subscribeFailures: subscribed.reduce((sum, result) => sum + result.failed, 0),
      subscribeErrors: subscribed.flatMap((result) => result.errors),
      subscriptionsLiveAfterMs: liveAfterMs,
      failedOrders: warmups.reduce((sum, warmup) => sum + warmup.failed, send.failed),
      orderErrors: [...warmups.flatMap((warmup) => warmup.errors), ...send.errors],
      latency: summarize(latencies),
      gaps: stats.reduce((sum, s) => sum + s.gaps, 0),
      duplicates: stats.reduce((sum, s) => sum + s.duplicates, 0),
      receiverEventLoopUtilization: stats.map((s) => s.eventLoopUtilization),
    },
    cpu,
  ] as const;
}

function ordersPerSecond(send: { orderIds: string[]; sentAt: number[]; answeredAt: number[] }): number {
  return round((send.orderIds.length / (Math.max(...send.answeredAt) - Math.min(...send.sentAt))) * 1000, 0);
}
