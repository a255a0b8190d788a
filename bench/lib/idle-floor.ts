import { spawn } from 'node:child_process';
import { Client } from 'pg';
import { now, sleep } from './clock';
import { GraphQLHttp } from './http-graphql';
import { summarize, type Summary } from './stats';

/** A bare node:http server in its own process: answers every POST with a small JSON body. */
const BARE_SERVER = `
const server = require('node:http').createServer((req, res) => {
  req.resume();
  req.on('end', () => { res.setHeader('content-type', 'application/json'); res.end('{"data":{"ok":true}}'); });
});
server.listen(0, '127.0.0.1', () => process.stdout.write(server.address().port + '\\n'));
process.on('disconnect', () => process.exit(0));
`;

export interface IdleFloor {
  /** POST and answer between two node processes, no framework. */
  httpRoundTrip: Summary;
  /** One-row insert committed durably on the bench database, from a client already connected. */
  insertCommit: Summary;
}

/**
 * What the two hops an idle order cannot skip cost on this machine, without any of the
 * service's code: an HTTP round trip between two node processes and a durable one-row
 * commit in PostgreSQL, each `count` times `gapMs` apart (an idle order waits for both).
 */
export async function measureIdleFloor(databaseUrl: string, count: number, gapMs: number): Promise<IdleFloor> {
  return { httpRoundTrip: await bareHttpRoundTrips(count, gapMs), insertCommit: await insertCommits(databaseUrl, count, gapMs) };
}

async function bareHttpRoundTrips(count: number, gapMs: number): Promise<Summary> {
  const child = spawn(process.execPath, ['-e', BARE_SERVER], { stdio: ['ignore', 'pipe', 'inherit', 'ipc'] });
  try {
    const port = await new Promise<number>((resolve, reject) => {
      child.stdout?.once('data', (chunk: Buffer) => resolve(Number(chunk.toString().trim())));
      child.once('exit', (code) => reject(new Error(`bare server exited (${code})`)));
    });
    // The client the load processes place their orders with.
    const http = new GraphQLHttp(`http://127.0.0.1:${port}/`, 1);
    try {
      return await spaced(count, gapMs, async () => {
        const sentAt = now();
        await http.post('{ ok }', {});
        return now() - sentAt;
      });
    } finally {
      http.close();
    }
  } finally {
    child.kill();
  }
}

async function insertCommits(databaseUrl: string, count: number, gapMs: number): Promise<Summary> {
  const client = new Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    await client.query('create table if not exists bench_idle_floor (id bigserial primary key, at timestamptz not null)');
    const insert = async () => {
      const sentAt = now();
      await client.query({ name: 'bench_idle_floor_insert', text: 'insert into bench_idle_floor (at) values (now())' });
      return now() - sentAt;
    };
    return await spaced(count, gapMs, insert);
  } finally {
    await client.query('drop table if exists bench_idle_floor').catch(() => undefined);
    await client.end();
  }
}

/** `count` timings of `once`, `gapMs` apart; the first (connection set-up, compiling) is left out. */
async function spaced(count: number, gapMs: number, once: () => Promise<number>): Promise<Summary> {
  await once();
  const samples: number[] = [];
  for (let i = 0; i < count; i += 1) {
    await sleep(gapMs);
    samples.push(await once());
  }
  return summarize(samples);
}
