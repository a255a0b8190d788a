import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { CONFIG_VARIABLES } from '../../src/config-variables';

export interface ChildService {
  /** The GraphQL URL it printed. */
  url: string;
  /** Everything it wrote to stdout so far. */
  output(): string;
  /** SIGTERM to its whole process group (npm and the service), then wait until all have exited. */
  stop(): Promise<void>;
}

const PROJECT = join(__dirname, '..', '..');

/**
 * Runs `command` in the project folder as its own process, with none of the service's
 * configuration variables but `env`, and waits for it to print where it listens.
 */
export async function startChildService(command: string[], env: Record<string, string>, timeoutMs = 90_000): Promise<ChildService> {
  const cleanEnv = Object.fromEntries(Object.entries(process.env).filter(([name]) => !CONFIG_VARIABLES.includes(name)));
  // Its own process group: a signal reaches npm and the service it started, as Ctrl-C would.
  const child = spawn(command[0], command.slice(1), {
    cwd: PROJECT,
    env: { ...cleanEnv, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
    detached: true,
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk) => (stdout += chunk));
  child.stderr.on('data', (chunk) => (stderr += chunk));
  // 'close' comes once every process holding its output has exited, the service included.
  const closed = new Promise<number | null>((resolve) => child.once('close', (code) => resolve(code)));

  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => fail(new Error(`no "running at" line within ${timeoutMs} ms`)), timeoutMs);
    const fail = (error: Error) => {
      clearTimeout(timer);
      signalGroup(child, 'SIGKILL');
      reject(new Error(`${error.message}\nstdout:\n${stdout}\nstderr:\n${stderr}`));
    };
    child.stdout.on('data', () => {
      const match = /running at (http:\/\/\S+)/.exec(stdout);
      if (match) {
        clearTimeout(timer);
        resolve(match[1]);
      }
    });
    void closed.then((code) => fail(new Error(`exited with ${code} before it was ready`)));
  });

  return {
    url,
    output: () => stdout,
    stop: () => stopGroup(child, closed),
  };
}

async function stopGroup(child: ChildProcess, closed: Promise<unknown>): Promise<void> {
  signalGroup(child, 'SIGTERM');
  const timer = setTimeout(() => signalGroup(child, 'SIGKILL'), 20_000);
  await closed;
  clearTimeout(timer);
}

function signalGroup(child: ChildProcess, signal: NodeJS.Signals): void {
  try {
    process.kill(-(child.pid as number), signal);
  } catch {
    // already gone
  }
}
