import { execSync } from 'node:child_process';
import { mkdirSync, readFileSync } from 'node:fs';
import { cpus, loadavg, release, totalmem } from 'node:os';
import { join, resolve } from 'node:path';
import { cpuSpeedMs } from './lib/cpu-speed';
import { widenEphemeralPorts } from './lib/port-range';
import { round } from './lib/stats';
import { FULL, QUICK, type Profile } from './profile';
import { figure, table, writeResults, type Figure } from './report';
import { connections } from './scenarios/connections';
import { PRODUCTS, type BenchContext, type BenchSessions, type ScenarioResult } from './scenarios/context';
import { fanout } from './scenarios/fanout';
import { independence } from './scenarios/independence';
import { latency } from './scenarios/latency';
import { restart } from './scenarios/restart';
import { throughput } from './scenarios/throughput';
import { BenchDatabase, serviceEntry, ServiceProcess, SiblingDoublesProcess } from './server';
import { DEMO, exerciseEveryWrite, login, openSessions } from './setup';
import { LOAD_PROFILE_DIR } from './workers';

/**
 * `npm run bench [-- --quick] [-- --only=throughput,latency] [-- --cpu-prof] [-- --node-arg=<flag>]`: starts the
 * built service in production mode against the local PostgreSQL (a fresh database, dropped
 * afterwards) and Redis, loads it from separate processes over real HTTP and WebSockets,
 * prints one table of figures against the targets and writes them as JSON to bench/results/.
 */
const PROJECT = join(__dirname, '..', '..');
const RESULTS_DIR = join(PROJECT, 'bench', 'results');
const DATABASE_SERVER_URL = (process.env.BENCH_DATABASE_SERVER_URL ?? 'postgresql://postgres@127.0.0.1:5432').replace(/\/+$/, '');
const REDIS_URL = process.env.BENCH_REDIS_URL ?? 'redis://127.0.0.1:6379';

const SCENARIOS: Record<string, (context: BenchContext) => Promise<ScenarioResult>> = {
  throughput,
  latency,
  independence,
  connections,
  fanout,
  restart,
};

interface Options {
  profile: Profile;
  only: string[];
  cpuProfile: boolean;
  logLevel: string;
  /** Extra flags for the service's node, e.g. --max-semi-space-size=32 (a V8 setting to try). */
  nodeArgs: string[];
  /** The checkout whose built service (dist/src/main.js) is measured: this one unless told (bench/compare.ts). */
  serviceCheckout: string;
}

function parseOptions(argv: string[]): Options {
  const options: Options = { profile: FULL, only: Object.keys(SCENARIOS), cpuProfile: false, logLevel: 'info', nodeArgs: [], serviceCheckout: PROJECT };
  for (const arg of argv) {
    if (arg === '--quick') options.profile = QUICK;
    else if (arg === '--cpu-prof') options.cpuProfile = true;
    else if (arg.startsWith('--only=')) options.only = arg.slice('--only='.length).split(',').filter(Boolean);
    else if (arg.startsWith('--log-level=')) options.logLevel = arg.slice('--log-level='.length);
    else if (arg.startsWith('--node-arg=')) options.nodeArgs.push(arg.slice('--node-arg='.length));
    else if (arg.startsWith('--service=')) options.serviceCheckout = resolve(arg.slice('--service='.length));
    else throw new Error(`unknown option ${arg}; use --quick, --only=${Object.keys(SCENARIOS).join(',')}, --cpu-prof, --log-level=<level>, --node-arg=<flag>, --service=<checkout>`);
  }
  const unknown = options.only.filter((name) => !(name in SCENARIOS));
  if (unknown.length) throw new Error(`unknown scenario ${unknown.join(', ')}; scenarios: ${Object.keys(SCENARIOS).join(', ')}`);
  return options;
}

async function main(): Promise<void> {
  const options = parseOptions(process.argv.slice(2));
  const { profile } = options;
  const startedAt = new Date().toISOString();
  const began = performance.now();
  const logDir = join(RESULTS_DIR, 'logs', `${startedAt.replace(/[:.]/g, '-')}-${profile.mode}`);
  mkdirSync(logDir, { recursive: true });
  const log = (message: string) => process.stderr.write(`[bench ${round((performance.now() - began) / 1000, 1)}s] ${message}\n`);
  const meta: Record<string, unknown> = { startedAt, mode: profile.mode, machine: machine(), loadAverageAtStart: loadavg().map((v) => round(v, 2)), serviceNodeArgs: options.nodeArgs, ...gitState(options.serviceCheckout) };
  const cpuSpeed = { atStartMs: cpuSpeedMs(), beforeScenarioMs: {} as Record<string, number>, atEndMs: 0 };
  meta.cpuSpeed = cpuSpeed;
  log(`cpu speed: a fixed piece of work took ${cpuSpeed.atStartMs} ms (lower is faster)`);

  const ports = widenEphemeralPorts();
  meta.ephemeralPorts = { before: ports.before, during: ports.during, ...(ports.note ? { note: ports.note } : {}) };
  if (ports.during !== ports.before) log(`outgoing ports ${ports.during} for this run (were ${ports.before}; put back at the end)`);
  if (ports.note) log(`outgoing ports: ${ports.note}`);

  const database = new BenchDatabase(DATABASE_SERVER_URL);
  let siblings: SiblingDoublesProcess | undefined;
  const services: ServiceProcess[] = [];
  const cleanUp = async () => {
    await Promise.allSettled(services.map((service) => service.stop()));
    await siblings?.stop();
    await database.drop().catch((error) => log(`could not drop ${database.name}: ${String(error)}`));
    ports.restore();
  };
  // Ctrl-C, or a stop from outside (timeout, kill): the port range and the database are put back either way.
  let interrupted = false;
  for (const [signal, code] of [['SIGINT', 130], ['SIGTERM', 143]] as const) {
    process.once(signal, () => {
      if (interrupted) return;
      interrupted = true;
      log(`${signal}: stopping processes and dropping the database`);
      void cleanUp().then(() => process.exit(code));
    });
  }

  if (options.cpuProfile) process.env[LOAD_PROFILE_DIR] = join(logDir, 'profiles', 'load');
  const figures: Figure[] = [];
  const details: Record<string, unknown> = {};
  try {
    siblings = await SiblingDoublesProcess.start(join(logDir, 'sibling-doubles.log'));
    let tokens: BenchContext['tokens'] | undefined;
    const startService = async (scenario: string) => {
      const service = new ServiceProcess({
        databaseUrl: database.url,
        redisUrl: REDIS_URL,
        siblingsUrl: (siblings as SiblingDoublesProcess).url,
        logFile: join(logDir, `service-${scenario}.log`),
        logLevel: options.logLevel,
        nodeArgs: [...options.nodeArgs, ...(options.cpuProfile ? ['--cpu-prof', `--cpu-prof-dir=${join(logDir, 'profiles', scenario)}`] : [])],
        entry: serviceEntry(options.serviceCheckout),
      });
      services.push(service);
      const ms = await service.start();
      log(`${scenario}: service listening at ${service.url} after ${Math.round(ms)} ms`);
      // The setup service has no token yet; it opens thousands of sessions anyway.
      if (tokens) await exerciseEveryWrite(service.url, tokens.demo, 1, PRODUCTS.cafe[0]);
      return service;
    };

    log(`database ${database.name}; opening sessions`);
    const setupService = await startService('setup');
    tokens = { demo: await login(setupService.url, DEMO.representative), rival: await login(setupService.url, DEMO.rival) };
    const sessions = await openBenchSessions(setupService.url, tokens, profile, options.only, log);
    details.setup = { sessionsOpenedPerSecond: sessions.openedPerSecond };
    await setupService.stop();

    const context: BenchContext = { profile, database, siblings, tokens, sessions: sessions.sessions, startService, log };
    for (const name of Object.keys(SCENARIOS).filter((scenario) => options.only.includes(scenario))) {
      const scenarioStart = performance.now();
      const servicesBefore = services.length;
      // The machine's speed moves within a run too: each scenario's figures go with their own.
      cpuSpeed.beforeScenarioMs[name] = cpuSpeedMs();
      log(`${name}: start (cpu speed ${cpuSpeed.beforeScenarioMs[name]} ms)`);
      try {
        const result = await SCENARIOS[name](context);
        figures.push(...result.figures);
        details[name] = result.details;
        for (const line of result.figures) log(`  ${line.name}: ${line.value} ${line.unit}${line.met === undefined ? '' : line.met ? ' (met)' : ' (MISSED)'}`);
      } catch (error) {
        const message = error instanceof Error ? error.message.split('\n')[0] : String(error);
        log(`${name}: failed: ${error instanceof Error ? error.stack : message}`);
        figures.push(figure(name, `failed: ${message}`, null, ''));
        details[name] = { error: error instanceof Error ? error.stack : message };
      }
      for (const service of services.slice(servicesBefore)) {
        for (const crash of service.crashes) {
          const how = crash.signal ?? `code ${crash.code}`;
          log(`${name}: the service process exited unexpectedly (${how}); see ${crash.logFile}`);
          figures.push(figure(name, `the service process exited unexpectedly (${how}) during this scenario; see its log`, null, ''));
        }
      }
      log(`${name}: done in ${round((performance.now() - scenarioStart) / 1000, 1)} s`);
    }
  } finally {
    await cleanUp();
  }

  cpuSpeed.atEndMs = cpuSpeedMs();
  meta.durationSeconds = round((performance.now() - began) / 1000, 1);
  meta.loadAverageAtEnd = loadavg().map((v) => round(v, 2));
  meta.logs = logDir;
  meta.service = { NODE_ENV: 'production', LOG_LEVEL: options.logLevel, pubSub: 'redis', database: `${DATABASE_SERVER_URL}/ordered_bench_*`, siblings: 'development doubles, own process' };
  const complete = options.only.length === Object.keys(SCENARIOS).length;
  const ownService = options.serviceCheckout === PROJECT;
  const files = writeResults(RESULTS_DIR, { meta, figures, scenarios: details }, profile.mode === 'full' && complete && ownService);
  process.stdout.write(`\n${table(figures)}\n\n`);
  process.stdout.write(
    `${profile.mode} run, ${meta.durationSeconds} s, ${describeMachine(meta.machine as ReturnType<typeof machine>)}, cpu speed ${cpuSpeed.atStartMs} ms at the start, ${speedRange(Object.values(cpuSpeed.beforeScenarioMs))} before the scenarios and ${cpuSpeed.atEndMs} ms at the end (lower is faster); figures in ${files.join(', ')}\n`,
  );
}

function speedRange(speeds: number[]): string {
  const low = Math.min(...speeds);
  const high = Math.max(...speeds);
  return low === high ? `${low} ms` : `${low}–${high} ms`;
}

/** The scenarios that subscribe to the pool of idle sessions: a run of none of them does not open it (45 s in a full run). */
const POOL_SCENARIOS = ['independence', 'connections', 'fanout', 'restart'];

async function openBenchSessions(url: string, tokens: { demo: string; rival: string }, profile: Profile, scenarios: string[], log: (message: string) => void) {
  const cafe = (prefix: string, count: number) => openSessions(url, tokens.demo, 1, PRODUCTS.cafe, prefix, count);
  const throughputSessions = await cafe('throughput', profile.throughput.sessions);
  const latencySessions = await cafe('latency', profile.latency.sessions);
  const [independenceSession] = (await cafe('independence', 1)).sessions;
  const [fanoutSession] = (await cafe('fanout', 1)).sessions;
  const [fanoutLocation] = (await openSessions(url, tokens.rival, 2, PRODUCTS.bistro, 'fanout', 1)).sessions;
  const poolSize = scenarios.some((scenario) => POOL_SCENARIOS.includes(scenario)) ? profile.poolSessions : 0;
  const pool = poolSize > 0 ? await openSessions(url, tokens.demo, 3, PRODUCTS.garden, 'idle', poolSize, 32) : { sessions: [], perSecond: null };
  if (poolSize > 0) log(`opened ${poolSize} idle sessions at ${pool.perSecond}/s`);
  const sessions: BenchSessions = {
    throughput: throughputSessions.sessions,
    latency: latencySessions.sessions,
    independence: independenceSession,
    fanoutSession,
    fanoutLocation,
    pool: pool.sessions,
  };
  return { sessions, openedPerSecond: pool.perSecond };
}

function machine() {
  const model = /model name\s*:\s*(.*)/.exec(readFileSync('/proc/cpuinfo', 'utf8'))?.[1]?.trim() ?? cpus()[0]?.model ?? 'unknown';
  return {
    cpus: cpus().length,
    model,
    memoryGiB: round(totalmem() / 1024 ** 3, 1),
    kernel: release(),
    node: process.version,
    openFilesLimit: openFilesLimit(),
  };
}

function describeMachine(m: ReturnType<typeof machine>): string {
  return `${m.cpus} × ${m.model}, ${m.memoryGiB} GiB, Linux ${m.kernel}, Node ${m.node}`;
}

function openFilesLimit(): string {
  const line = readFileSync('/proc/self/limits', 'utf8')
    .split('\n')
    .find((entry) => entry.startsWith('Max open files'));
  const [, soft, hard] = line?.split(/\s{2,}/) ?? [];
  return `${soft}/${hard}`;
}

/** The commit of the checkout whose service is measured, and whether its sources differ from it. */
function gitState(checkout: string): Record<string, unknown> {
  try {
    const commit = execSync('git rev-parse --short HEAD', { cwd: checkout, encoding: 'utf8' }).trim();
    const dirty = execSync('git status --porcelain -- src', { cwd: checkout, encoding: 'utf8' }).trim() !== '';
    return { commit, serviceSourcesChanged: dirty, ...(checkout === PROJECT ? {} : { serviceCheckout: checkout }) };
  } catch {
    return {};
  }
}

main().catch((error) => {
  process.stderr.write(`bench failed: ${error instanceof Error ? error.stack : String(error)}\n`);
  process.exit(1);
});
