/**
 * Milliseconds since the epoch with sub-millisecond resolution, from the monotonic clock.
 * Every process of the benchmark anchors it at its own start (performance.timeOrigin), so
 * stamps taken in different processes on this machine are comparable: a send stamped by
 * one load process and a receipt stamped by another give a latency.
 */
export function now(): number {
  return performance.timeOrigin + performance.now();
}

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
