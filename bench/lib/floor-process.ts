import { spawn, type ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import type { Client } from 'pg';
import { INSERT_SESSION } from '../../src/domain/sessions';

/**
 * A floor's server as a node process of its own (`args` after node's path), which prints its
 * port once it listens and exits when the bench does (it holds the IPC channel): the process,
 * and its port, or an error if it exits first.
 */
export function startFloorServer(name: string, args: string[]): { child: ChildProcess; port: Promise<number> } {
  const child = spawn(process.execPath, args, { stdio: ['ignore', 'pipe', 'inherit', 'ipc'] });
  const port = new Promise<number>((resolve, reject) => {
    child.stdout?.once('data', (chunk: Buffer) => resolve(Number(chunk.toString().trim())));
    child.once('exit', (code) => reject(new Error(`${name} exited (${code})`)));
  });
  // Awaited by the caller when it needs the port; until then an early exit is not an unhandled rejection.
  port.catch(() => undefined);
  return { child, port };
}

/**
 * `use` with an open session of its own at `location`, a location no scenario uses; the
 * session, and with it its orders, items and events (on delete cascade), and the location's
 * counter are deleted afterwards. Its code starts with `prefix`: lower case, so that it is
 * no code the codes double hands out.
 */
export async function withFloorSession<Result>(
  client: Client,
  location: number,
  prefix: string,
  use: (session: { id: string; code: string }) => Promise<Result>,
): Promise<Result> {
  const session = { id: randomUUID(), code: `${prefix}${process.pid.toString(36).slice(-5)}` };
  try {
    await client.query(INSERT_SESSION, [session.id, session.code, `floor ${prefix}`, location, new Date().toISOString(), 0, null]);
    return await use(session);
  } finally {
    await client.query('delete from sessions where id = $1', [session.id]).catch(() => undefined);
    await client.query('delete from location_streams where location_id = $1', [location]).catch(() => undefined);
  }
}
