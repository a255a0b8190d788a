/** How big each scenario is: the full run (the targets' sizes) or a quick one (small, under a minute). */
export interface Profile {
  mode: 'quick' | 'full';
  /** Idle sessions at location 3 that the connection, independence, burst and restart scenarios subscribe to. */
  poolSessions: number;
  throughput: { sessions: number; subscribersPerSession: number; clientsPerSession: number; warmupMs: number; durationMs: number; workers: number };
  latency: {
    sessions: number;
    subscribersPerSession: number;
    warmupMs: number;
    idleOrders: number;
    idleRatePerSecond: number;
    rates: number[];
    durationMs: number;
    /** How long an open loop waits for answers after its last send before it abandons the rest. */
    graceMs: number;
  };
  fanout: {
    locationSubscribers: number;
    sessionSubscribers: number;
    events: number;
    burstSessions: number;
    burstSubscribersPerSession: number;
    burstConcurrency: number;
    /** Bursts sent first and not counted, to warm the service up. */
    burstWarmups: number;
    workers: number;
  };
  connections: { target: number; subscriptionsPerSession: number; workers: number; concurrencyPerWorker: number; checkSessions: number; settleMs: number };
  restart: { clients: number; subscribersPerSession: number; probeSessions: number; workers: number };
  independence: { few: number; many: number; subscribers: number; ratePerSecond: number; warmupMs: number; durationMs: number; settleMs: number; workers: number };
}

export const FULL: Profile = {
  mode: 'full',
  poolSessions: 10_000,
  throughput: { sessions: 50, subscribersPerSession: 3, clientsPerSession: 1, warmupMs: 3_000, durationMs: 20_000, workers: 2 },
  latency: { sessions: 50, subscribersPerSession: 3, warmupMs: 3_000, idleOrders: 100, idleRatePerSecond: 10, rates: [50, 500], durationMs: 20_000, graceMs: 10_000 },
  fanout: {
    locationSubscribers: 5_000,
    sessionSubscribers: 5_000,
    events: 10,
    burstSessions: 1_000,
    burstSubscribersPerSession: 5,
    burstConcurrency: 50,
    burstWarmups: 3,
    workers: 2,
  },
  connections: { target: 20_000, subscriptionsPerSession: 2, workers: 2, concurrencyPerWorker: 128, checkSessions: 100, settleMs: 5_000 },
  restart: { clients: 5_000, subscribersPerSession: 5, probeSessions: 100, workers: 2 },
  independence: { few: 10, many: 10_000, subscribers: 3, ratePerSecond: 20, warmupMs: 2_000, durationMs: 10_000, settleMs: 3_000, workers: 2 },
};

export const QUICK: Profile = {
  mode: 'quick',
  poolSessions: 250,
  throughput: { sessions: 50, subscribersPerSession: 3, clientsPerSession: 1, warmupMs: 500, durationMs: 2_000, workers: 2 },
  latency: { sessions: 20, subscribersPerSession: 3, warmupMs: 500, idleOrders: 10, idleRatePerSecond: 10, rates: [50, 500], durationMs: 600, graceMs: 1_000 },
  fanout: {
    locationSubscribers: 300,
    sessionSubscribers: 300,
    events: 2,
    burstSessions: 50,
    burstSubscribersPerSession: 5,
    burstConcurrency: 50,
    burstWarmups: 1,
    workers: 2,
  },
  connections: { target: 500, subscriptionsPerSession: 2, workers: 2, concurrencyPerWorker: 64, checkSessions: 20, settleMs: 1_000 },
  restart: { clients: 200, subscribersPerSession: 5, probeSessions: 20, workers: 2 },
  independence: { few: 10, many: 250, subscribers: 3, ratePerSecond: 20, warmupMs: 500, durationMs: 1_500, settleMs: 500, workers: 2 },
};
