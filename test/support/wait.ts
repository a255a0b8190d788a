/** Resolves once `holds` does (a failing check counts as not yet); rejects after `timeoutMs`. */
export async function waitFor(holds: () => Promise<boolean>, what: string, timeoutMs = 15_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await holds().catch(() => false))) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for: ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

/** Holds the event loop for `ms`, as a busy instance does: timers due meanwhile run late. */
export function holdEventLoop(ms: number): void {
  const until = performance.now() + ms;
  while (performance.now() < until);
}
