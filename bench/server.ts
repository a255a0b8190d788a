import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { closeSync, existsSync, openSync, readFileSync, readSync, readdirSync, statSync } from 'node:fs';
import { createServer, type AddressInfo } from 'node:net';
import { join } from 'node:path';
import { Client } from 'pg';
import { sleep } from './lib/clock';
import { CONFIG_VARIABLES } from '../src/config-variables';
import { EVENT_LOOP_SAMPLE_MS } from '../src/metrics';

const PROJECT = join(__dirname, '..', '..');

function inheritedEnv(): Record<string, string> {
  return Object.fromEntries(
    Object.entries(process.env).filter((entry): entry is [string, string] => !CONFIG_VARIABLES.includes(entry[0]) && entry[1] !== undefined),
  );
}

/** What `npm start` runs in a built checkout: the bundle, or dist/src/main.js in a checkout from before it. */
export function serviceEntry(checkout: string): string {
  const bundle = join(checkout, 'dist', 'ordered.js');
  return existsSync(bundle) ? bundle : join(checkout, 'dist', 'src', 'main.js');
}

/** Spawns `node <script>` through bash with the open-files limit raised to the hard limit; output goes to `logFile`. */
function spawnNode(script: string, nodeArgs: string[], env: Record<string, string>, logFile: string): ChildProcess {
  const log = openSync(logFile, 'a');
  const child = spawn('bash', ['-c', 'ulimit -n "$(ulimit -Hn)" 2>/dev/null; exec "$0" "$@"', process.execPath, ...nodeArgs, script], {
    cwd: PROJECT,
    env: { ...inheritedEnv(), ...env },
    stdio: ['ignore', log, log],
  });
  closeSync(log);
  return child;
}

/** Polls `logFile` from `offset` until `match` finds a line, or the process exits, or the time is up. */
async function waitForLine<T>(child: ChildProcess, logFile: string, offset: number, match: (line: string) => T | undefined, timeoutMs: number): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const text = readFrom(logFile, offset);
    for (const line of text.split('\n')) {
      const found = match(line);
      if (found !== undefined) return found;
    }
    if (child.exitCode !== null || child.signalCode !== null) throw new Error(`exited (${child.exitCode ?? child.signalCode}) before it was ready; see ${logFile}`);
    if (Date.now() > deadline) throw new Error(`not ready within ${timeoutMs} ms; see ${logFile}`);
    await sleep(25);
  }
}

function fileSize(path: string): number {
  try {
    return statSync(path).size;
  } catch {
    return 0;
  }
}

function readFrom(path: string, offset: number): string {
  const length = fileSize(path) - offset;
  if (length <= 0) return '';
  const buffer = Buffer.alloc(length);
  const fd = openSync(path, 'r');
  try {
    readSync(fd, buffer, 0, length, offset);
  } finally {
    closeSync(fd);
  }
  return buffer.toString('utf8');
}

/** A port nothing listens on right now, for a service to take. */
function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const { port } = probe.address() as AddressInfo;
      probe.close(() => resolve(port));
    });
  });
}

/** Polls `url` until it answers 200, or the process exits, or the time is up. */
async function waitUntilHealthy(child: ChildProcess, url: string, logFile: string, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const healthy = await fetch(url).then((response) => response.ok, () => false);
    if (healthy) return;
    if (child.exitCode !== null || child.signalCode !== null) throw new Error(`exited (${child.exitCode ?? child.signalCode}) before it was ready; see ${logFile}`);
    if (Date.now() > deadline) throw new Error(`not ready within ${timeoutMs} ms; see ${logFile}`);
    await sleep(25);
  }
}

async function stopChild(child: ChildProcess, signal: NodeJS.Signals, timeoutMs: number): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  child.kill(signal);
  const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
  await exited;
  clearTimeout(timer);
}

/** The development doubles of the four siblings as their own process (dist/src/dev/siblings/serve.js), on loopback. */
export class SiblingDoublesProcess {
  private constructor(
    readonly url: string,
    private readonly child: ChildProcess,
  ) {}

  static async start(logFile: string): Promise<SiblingDoublesProcess> {
    const offset = fileSize(logFile);
    const child = spawnNode(join(PROJECT, 'dist', 'src', 'dev', 'siblings', 'serve.js'), [], { PORT: '0', HOST: '127.0.0.1' }, logFile);
    const url = await waitForLine(child, logFile, offset, (line) => /listening at (http:\/\/\S+)/.exec(line)?.[1], 15_000);
    return new SiblingDoublesProcess(url, child);
  }

  get pid(): number {
    return this.child.pid as number;
  }

  stop(): Promise<void> {
    return stopChild(this.child, 'SIGTERM', 5_000);
  }
}

export interface ServiceOptions {
  databaseUrl: string;
  redisUrl: string;
  siblingsUrl: string;
  logFile: string;
  /** 0 for any free port; a restart passes the port it had. */
  port?: number;
  logLevel?: string;
  /** Extra arguments for node, e.g. --cpu-prof. */
  nodeArgs?: string[];
  /** The service's entry point: this checkout's (see serviceEntry) unless told. */
  entry?: string;
}

/** The built service (dist/src/main.js) in production mode as its own process. */
export class ServiceProcess {
  url = '';
  wsUrl = '';
  port = 0;
  /** Exits that nobody asked for (a crash), with the log to read. */
  readonly crashes: { code: number | null; signal: string | null; logFile: string }[] = [];
  private child: ChildProcess | undefined;

  constructor(private readonly options: ServiceOptions) {}

  get pid(): number {
    if (!this.child) throw new Error('the service is not running');
    return this.child.pid as number;
  }

  /** Starts it and resolves once it answers /healthz (whatever it logs); returns how long that took (ms). */
  async start(port = this.options.port ?? 0): Promise<number> {
    const { options } = this;
    const startedAt = performance.now();
    const chosenPort = port || (await freePort());
    const child = spawnNode(
      options.entry ?? serviceEntry(PROJECT),
      options.nodeArgs ?? [],
      {
        NODE_ENV: 'production',
        PORT: String(chosenPort),
        HOST: '127.0.0.1',
        DATABASE_URL: options.databaseUrl,
        REDIS_URL: options.redisUrl,
        VERIFICATION_URL: options.siblingsUrl,
        LOCATIONS_URL: options.siblingsUrl,
        PRODUCTS_URL: options.siblingsUrl,
        CODES_URL: options.siblingsUrl,
        WRONG_CODE_LIMIT_PER_MINUTE: '1000000',
        // The closed loops place hundreds of orders a second into each of 50 sessions.
        SESSION_ORDER_LIMIT: '1000000000',
        // Every load process connects from 127.0.0.1: 20,000 WebSockets from one address. (The
        // second name is the one services before 7 December's third session read, for bench:compare.)
        CONNECTIONS_PER_CLIENT: '0',
        WS_CONNECTIONS_PER_CLIENT: '0',
        LOG_LEVEL: options.logLevel ?? 'info',
      },
      options.logFile,
    );
    this.child = child;
    child.once('exit', (code, signal) => {
      if (this.child === child) {
        this.child = undefined;
        this.crashes.push({ code, signal, logFile: options.logFile });
      }
    });
    await waitUntilHealthy(child, `http://127.0.0.1:${chosenPort}/healthz`, options.logFile, 60_000);
    this.url = `http://127.0.0.1:${chosenPort}/graphql`;
    this.wsUrl = `ws://127.0.0.1:${chosenPort}/graphql`;
    this.port = chosenPort;
    return performance.now() - startedAt;
  }

  /** SIGTERM (drains, closes WebSockets with 1001), or SIGKILL after `timeoutMs`. */
  async stop(timeoutMs = 20_000): Promise<void> {
    const child = this.child;
    this.child = undefined;
    if (child) await stopChild(child, 'SIGTERM', timeoutMs);
  }

  /** Resident set size of the service process now (VmRSS), in bytes. */
  rssBytes(): number {
    return readStatusKb(this.pid, 'VmRSS') * 1024;
  }

  openFiles(): number {
    return readdirSync(`/proc/${this.pid}/fd`).length;
  }

  /** The soft open-files limit the service runs with. */
  openFilesLimit(): number {
    const line = readFileSync(`/proc/${this.pid}/limits`, 'utf8')
      .split('\n')
      .find((entry) => entry.startsWith('Max open files'));
    return Number(line?.split(/\s{2,}/)[1] ?? NaN);
  }

  /**
   * Its Prometheus metrics (those named, or all), each series (name with labels) to its
   * value. Naming them keeps a poll cheap: the process metrics of a full scrape count every
   * open file, 25 ms of the service's time with 15,000 WebSockets.
   */
  async metrics(names: string[] = []): Promise<Map<string, number>> {
    const query = new URLSearchParams(names.map((name): [string, string] => ['name', name])).toString();
    const response = await fetch(`${this.url.replace(/\/graphql$/, '/metrics')}${query ? `?${query}` : ''}`);
    if (!response.ok) throw new Error(`/metrics answered ${response.status}: ${await response.text()}`);
    const series = new Map<string, number>();
    for (const line of (await response.text()).split('\n')) {
      if (!line || line.startsWith('#')) continue;
      const space = line.lastIndexOf(' ');
      series.set(line.slice(0, space), Number(line.slice(space + 1)));
    }
    return series;
  }

  /** One value of its Prometheus metrics (the sum over label sets), or NaN. */
  async metric(name: string): Promise<number> {
    let sum = NaN;
    for (const [series, value] of await this.metrics([name])) {
      if (series === name || series.startsWith(`${name}{`)) sum = (Number.isNaN(sum) ? 0 : sum) + value;
    }
    return sum;
  }

  /** Its V8 heap in use, as its metrics say (the total's collection sets the used figure too). */
  async heapUsedBytes(): Promise<number> {
    const series = await this.metrics(['ordered_nodejs_heap_size_total_bytes', 'ordered_nodejs_heap_size_used_bytes']);
    return series.get('ordered_nodejs_heap_size_used_bytes') ?? NaN;
  }

  /**
   * The service's own view of an interval: call once at its start and once at its end. Its
   * event-loop delay gauges are reset by each read, so the end read gives how late its delay
   * sampling ticks came over the interval, at worst and at p99 (a blocked or starved process);
   * GC time is the growth of its sum.
   */
  async runtime(): Promise<RuntimeReading> {
    // The lag gauge's collection sets its max and p99 and starts a new interval.
    const series = await this.metrics([
      'ordered_nodejs_eventloop_lag_seconds',
      'ordered_nodejs_eventloop_lag_max_seconds',
      'ordered_nodejs_eventloop_lag_p99_seconds',
      'ordered_nodejs_gc_duration_seconds',
    ]);
    const gc = (kind: string) => series.get(`ordered_nodejs_gc_duration_seconds_sum{kind="${kind}"}`) ?? 0;
    return {
      eventLoopDelayMaxMs: lateByMs(series.get('ordered_nodejs_eventloop_lag_max_seconds')),
      eventLoopDelayP99Ms: lateByMs(series.get('ordered_nodejs_eventloop_lag_p99_seconds')),
      gcSeconds: { major: gc('major'), minor: gc('minor'), incremental: gc('incremental') },
    };
  }
}

/** How late a tick of the service's delay sampling came (ms): the lag gauges count the sampling interval too. */
function lateByMs(seconds: number | undefined): number {
  return Math.round(((seconds ?? NaN) * 1000 - EVENT_LOOP_SAMPLE_MS) * 10) / 10;
}

export interface RuntimeReading {
  eventLoopDelayMaxMs: number;
  eventLoopDelayP99Ms: number;
  gcSeconds: { major: number; minor: number; incremental: number };
}

/** From two readings: the worst event-loop delay over the interval and the GC time spent in it. */
export function runtimeBetween(start: RuntimeReading, end: RuntimeReading) {
  const gcMs = (kind: keyof RuntimeReading['gcSeconds']) => Math.round((end.gcSeconds[kind] - start.gcSeconds[kind]) * 1e4) / 10;
  return {
    eventLoopDelayMaxMs: end.eventLoopDelayMaxMs,
    eventLoopDelayP99Ms: end.eventLoopDelayP99Ms,
    gcMs: { major: gcMs('major'), minor: gcMs('minor'), incremental: gcMs('incremental') },
  };
}

export function readStatusKb(pid: number, field: string): number {
  const line = readFileSync(`/proc/${pid}/status`, 'utf8')
    .split('\n')
    .find((entry) => entry.startsWith(`${field}:`));
  return Number(line?.split(/\s+/)[1] ?? NaN);
}

/** A fresh database `ordered_bench_<random>` on the server, dropped by `drop()`. */
export class BenchDatabase {
  readonly name = `ordered_bench_${randomBytes(5).toString('hex')}`;

  constructor(private readonly serverUrl: string) {}

  get url(): string {
    return `${this.serverUrl}/${this.name}`;
  }

  async drop(): Promise<void> {
    await this.admin(`drop database if exists "${this.name}" with (force)`);
  }

  /** One query on the bench database. */
  async query<Row>(sql: string, params: unknown[] = []): Promise<Row[]> {
    const client = new Client({ connectionString: this.url });
    await client.connect();
    try {
      return (await client.query(sql, params)).rows as Row[];
    } finally {
      await client.end();
    }
  }

  private async admin(sql: string): Promise<void> {
    const client = new Client({ connectionString: `${this.serverUrl}/postgres` });
    await client.connect();
    try {
      await client.query(sql);
    } finally {
      await client.end();
    }
  }
}
