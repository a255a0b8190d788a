import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { now } from './lib/clock';
import type { Command, PlaceResult, Receipts, Reply, SubscribeResult, WaitResult, WorkerStats } from './lib/protocol';

/** Set by `--cpu-prof`: load processes write a V8 CPU profile there when they exit. */
export const LOAD_PROFILE_DIR = 'BENCH_LOAD_PROFILE_DIR';

const CLIENT_SCRIPT = join(__dirname, 'load', 'client.js');

/**
 * One load process (bench/load/client.ts), started with its open-files limit raised to the
 * hard limit (each WebSocket is a file), and driven over IPC.
 */
export class LoadWorker {
  private nextId = 1;
  private readonly pending = new Map<number, { resolve: (value: unknown) => void; reject: (error: Error) => void }>();
  private readonly exited: Promise<void>;

  private constructor(
    readonly name: string,
    private readonly child: ChildProcess,
  ) {
    child.on('message', (reply: Reply) => {
      const waiting = this.pending.get(reply.id);
      if (!waiting) return;
      this.pending.delete(reply.id);
      if (reply.ok) waiting.resolve(reply.result);
      else waiting.reject(new Error(`${name}: ${reply.error}`));
    });
    this.exited = new Promise((resolve) =>
      child.once('exit', (code, signal) => {
        for (const waiting of this.pending.values()) waiting.reject(new Error(`${name} exited (${code ?? signal})`));
        this.pending.clear();
        resolve();
      }),
    );
  }

  static start(name: string): LoadWorker {
    const profileDir = process.env[LOAD_PROFILE_DIR];
    const profile = profileDir ? ['--cpu-prof', `--cpu-prof-dir=${profileDir}`, `--cpu-prof-name=${name}.cpuprofile`] : [];
    const child = spawn('bash', ['-c', 'ulimit -n "$(ulimit -Hn)" 2>/dev/null; exec "$0" --max-old-space-size=2048 "$@"', process.execPath, ...profile, CLIENT_SCRIPT], {
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
      env: { ...process.env, NODE_ENV: 'production' },
    });
    return new LoadWorker(name, child);
  }

  get pid(): number {
    return this.child.pid as number;
  }

  private send<Result>(command: Command): Promise<Result> {
    const id = this.nextId++;
    return new Promise<Result>((resolve, reject) => {
      this.pending.set(id, { resolve: resolve as (value: unknown) => void, reject });
      this.child.send({ id, command }, (error) => {
        if (error) {
          this.pending.delete(id);
          reject(error);
        }
      });
    });
  }

  subscribe(command: Omit<Extract<Command, { type: 'subscribe' }>, 'type'>): Promise<SubscribeResult> {
    return this.send({ type: 'subscribe', ...command });
  }

  mark(): Promise<void> {
    return this.send({ type: 'mark' });
  }

  waitEvents(condition: { perSubscription?: number; total?: number; timeoutMs: number; quietMs?: number }): Promise<WaitResult> {
    return this.send({ type: 'waitEvents', ...condition });
  }

  takeReceipts(): Promise<Receipts> {
    return this.send({ type: 'takeReceipts' });
  }

  stats(): Promise<WorkerStats> {
    return this.send({ type: 'stats' });
  }

  closeSubscriptions(): Promise<void> {
    return this.send({ type: 'closeSubscriptions' });
  }

  place(command: Omit<Extract<Command, { type: 'place' }>, 'type'>): Promise<PlaceResult> {
    return this.send({ type: 'place', ...command });
  }

  /**
   * How far this process's clock (bench/lib/clock) is from ours: the offset from the exchange
   * with the shortest round trip, and that round trip (the offset is known to within half of it).
   */
  async clockOffset(samples = 20): Promise<{ offsetMs: number; roundTripMs: number }> {
    let best = { offsetMs: 0, roundTripMs: Infinity };
    for (let i = 0; i < samples; i += 1) {
      const sentAt = now();
      const theirs = await this.send<number>({ type: 'clock' });
      const receivedAt = now();
      const roundTripMs = receivedAt - sentAt;
      if (roundTripMs < best.roundTripMs) best = { offsetMs: theirs - (sentAt + receivedAt) / 2, roundTripMs };
    }
    return best;
  }

  async stop(): Promise<void> {
    if (this.child.exitCode !== null || this.child.signalCode !== null) return;
    this.send({ type: 'exit' }).catch(() => undefined);
    const timer = setTimeout(() => this.child.kill('SIGKILL'), 10_000);
    await this.exited;
    clearTimeout(timer);
  }
}

/** `count` load processes, stopped together. */
export class WorkerGroup {
  constructor(readonly workers: LoadWorker[]) {}

  static start(prefix: string, count: number): WorkerGroup {
    return new WorkerGroup(Array.from({ length: count }, (_, index) => LoadWorker.start(`${prefix}-${index + 1}`)));
  }

  get pids(): number[] {
    return this.workers.map((worker) => worker.pid);
  }

  all<Result>(use: (worker: LoadWorker, index: number) => Promise<Result>): Promise<Result[]> {
    return Promise.all(this.workers.map(use));
  }

  /** Splits `items` into contiguous, nearly equal shares, one per worker. */
  share<Item>(items: Item[]): Item[][] {
    const shares: Item[][] = this.workers.map(() => []);
    const size = Math.ceil(items.length / this.workers.length);
    this.workers.forEach((_, index) => shares[index].push(...items.slice(index * size, (index + 1) * size)));
    return shares;
  }

  stop(): Promise<void[]> {
    return this.all((worker) => worker.stop());
  }
}
