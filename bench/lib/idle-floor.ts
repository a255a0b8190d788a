import { Client } from 'pg';
import { now, sleep } from './clock';
import { FloorOrders } from './floor-orders';
import { startFloorServer, withFloorSession } from './floor-process';
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
  /**
   * The statement the service writes an idle order with (its items, both logs' events and
   * their counters), committed the same way: what PostgreSQL alone takes for an order. Its
   * error instead when the database was migrated by another commit's service (bench:compare)
   * whose schema this checkout's statement does not fit.
   */
  orderStatementCommit: Summary | { error: string };
}

/**
 * What the two hops an idle order cannot skip cost on this machine, without any of the
 * service's code: an HTTP round trip between two node processes and a durable one-row
 * commit in PostgreSQL, each `count` times `gapMs` apart (an idle order waits for both);
 * then the durable commit of the order's own statement, which writes more than one row.
 */
export async function measureIdleFloor(databaseUrl: string, count: number, gapMs: number): Promise<IdleFloor> {
  return {
    httpRoundTrip: await bareHttpRoundTrips(count, gapMs),
    insertCommit: await insertCommits(databaseUrl, count, gapMs),
    orderStatementCommit: await orderStatementCommits(databaseUrl, count, gapMs).catch((error: Error) => ({ error: error.message })),
  };
}

async function bareHttpRoundTrips(count: number, gapMs: number): Promise<Summary> {
  const { child, port } = startFloorServer('bare server', ['-e', BARE_SERVER]);
  try {
    // The client the load processes place their orders with.
    const http = new GraphQLHttp(`http://127.0.0.1:${await port}/`, 1);
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

/** A location no scenario uses: its session, orders and events are deleted afterwards. */
const FLOOR_LOCATION = -1;

async function orderStatementCommits(databaseUrl: string, count: number, gapMs: number): Promise<Summary> {
  const client = new Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    const orders = new FloorOrders(client);
    return await withFloorSession(client, FLOOR_LOCATION, 'f', async ({ code }) => {
      let placed = 0;
      return spaced(count, gapMs, async () => {
        // Two items, as the latency scenario's orders have.
        const order = { code, idempotencyKey: `idle-floor-${(placed += 1)}`, items: [{ productId: 1, quantity: 2 }, { productId: 2, quantity: 1, note: 'no sugar' }] };
        const sentAt = now();
        await orders.place(order);
        return now() - sentAt;
      });
    });
  } finally {
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
