import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { CONFIG_VARIABLES } from '../../src/config-variables';

const PROJECT = join(__dirname, '..', '..');

/**
 * One instance of the service as its own process: `src/main.ts` run from the sources
 * (compiled on load by test/support/swc-register.js), configured only by `env`. It may be
 * killed and started again on the same port, as a crashed instance behind a load balancer is.
 */
export class ServiceProcess {
  private child: ChildProcess | undefined;
  private exited: Promise<void> = Promise.resolve();
  private output = '';
  /** How many log entries it wrote with each message. */
  readonly messages = new Map<string, number>();
  url = '';
  wsUrl = '';

  constructor(
    readonly name: string,
    private readonly env: Record<string, string>,
    /** Before the sources are loaded, e.g. `-r` of a test's own observer. */
    private readonly nodeArgs: string[] = [],
  ) {}

  get running(): boolean {
    return this.child !== undefined;
  }

  /** Starts it and resolves once it logged where it listens. */
  async start(timeoutMs = 30_000): Promise<void> {
    if (this.child) return;
    const inherited = Object.fromEntries(Object.entries(process.env).filter(([name]) => !CONFIG_VARIABLES.includes(name)));
    const child = spawn(process.execPath, [...this.nodeArgs, '-r', './test/support/swc-register.js', 'src/main.ts'], {
      cwd: PROJECT,
      env: { ...inherited, LOG_LEVEL: 'info', ...this.env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    this.child = child;
    this.exited = new Promise((resolve) => child.once('exit', () => resolve()));
    void this.exited.then(() => {
      if (this.child === child) this.child = undefined;
    });

    const listening = new Promise<{ api: string; webSocket: string }>((resolve, reject) => {
      let pending = '';
      const timer = setTimeout(() => reject(new Error(`${this.name} did not start within ${timeoutMs} ms:\n${this.output}`)), timeoutMs);
      child.stdout?.on('data', (chunk: Buffer) => {
        pending += chunk.toString('utf8');
        const lines = pending.split('\n');
        pending = lines.pop() ?? '';
        for (const line of lines) {
          this.record(line);
          const entry = parseJson(line);
          if (entry?.message === 'ordered is listening') {
            clearTimeout(timer);
            resolve(entry as { api: string; webSocket: string });
          }
        }
      });
      child.stderr?.on('data', (chunk: Buffer) => this.record(chunk.toString('utf8')));
      void this.exited.then(() => {
        clearTimeout(timer);
        reject(new Error(`${this.name} exited before it listened:\n${this.output}`));
      });
    });
    const { api, webSocket } = await listening;
    this.url = api;
    this.wsUrl = webSocket;
  }

  /** Stops reading its stdout, as a log reader that has fallen behind does: the pipe fills. */
  holdOutput(): void {
    this.child?.stdout?.pause();
  }

  releaseOutput(): void {
    this.child?.stdout?.resume();
  }

  /** Sends it a signal, e.g. for a preloaded observer. */
  signal(signal: NodeJS.Signals): void {
    this.child?.kill(signal);
  }

  /** Ends it at once (SIGKILL), as a crash does: no draining, in-flight work is cut. */
  async kill(): Promise<void> {
    if (!this.child) return;
    this.child.kill('SIGKILL');
    await this.exited;
  }

  /** Stops it gracefully (SIGTERM), or kills it after `timeoutMs`. */
  async stop(timeoutMs = 10_000): Promise<void> {
    if (!this.child) return;
    const child = this.child;
    child.kill('SIGTERM');
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    await this.exited;
    clearTimeout(timer);
  }

  /** The last lines it wrote (warnings and errors only), for failure messages. */
  log(): string {
    return this.output;
  }

  private record(text: string): void {
    const entry = parseJson(text);
    if (typeof entry?.message === 'string') this.messages.set(entry.message, (this.messages.get(entry.message) ?? 0) + 1);
    if (entry && entry.level !== 'warn' && entry.level !== 'error') return;
    this.output = (this.output + text + '\n').slice(-20_000);
    if (process.env.TEST_LOG === '1') process.stderr.write(`[${this.name}] ${text}\n`);
  }
}

function parseJson(line: string): Record<string, unknown> | undefined {
  try {
    const parsed = JSON.parse(line);
    return typeof parsed === 'object' && parsed ? parsed : undefined;
  } catch {
    return undefined;
  }
}
