/**
 * DataLoader options for look-ups that many connections make at once (a restart, a busy
 * hour): the loads of one event-loop turn (every socket that was readable together) share one
 * query, not only those of one tick. Nothing is cached: each load asks the database.
 */
export const ONE_QUERY_PER_LOOP_TURN = {
  cache: false,
  batchScheduleFn: (run: () => void) => void setImmediate(run),
} as const;
