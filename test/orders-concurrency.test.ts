import { randomUUID } from 'node:crypto';
import { Client } from 'pg';
import { loadConfig } from '../src/config';
import { PLACE_ORDER, PLACE_ORDERS } from '../src/domain/order-statement';
import { holdSessionRow, lockWaits, queryRows, storedOrderCount, storedSeqs } from './support/database';
import { DEMO, login, openSession, placeOrder } from './support/fixtures';
import { errorCode, graphql, Subscriber, webSocketClient } from './support/graphql-client';
import { CLOSE_SESSION, SESSION, SESSION_EVENTS_SUBSCRIPTION, SET_ORDER_STATUS } from './support/operations';
import { waitFor } from './support/wait';
import { scrapeMetric } from './support/metrics';
import { startTestApp, type TestApp } from './support/test-app';

/** SESSION_ORDER_LIMIT's default, which the test app keeps. */
const MAX_ORDERS_PER_SESSION = loadConfig({}).sessionOrderLimit;
const range = (from: number, to: number) => Array.from({ length: to - from + 1 }, (_, index) => from + index);

/**
 * The plan PostgreSQL keeps for a statement prepared now on this service's connections
 * (generic plans), made from the statistics of this moment.
 */
async function genericPlan(databaseUrl: string, statement: string, values: string[]): Promise<string> {
  const client = new Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    await client.query('set plan_cache_mode = force_generic_plan');
    await client.query(`prepare statement as ${statement}`);
    const literals = values.map((value) => client.escapeLiteral(value)).join(', ');
    const rows = (await client.query(`explain execute statement(${literals})`)).rows as { 'QUERY PLAN': string }[];
    return rows.map((row) => row['QUERY PLAN']).join('\n');
  } finally {
    await client.end();
  }
}

describe('placing orders concurrently', () => {
  let test: TestApp;
  let token: string;
  let tables = 0;
  beforeAll(async () => {
    test = await startTestApp();
    token = await login(test.url);
  });
  afterAll(() => test.stop());

  const newSession = () => openSession(test.url, token, `Table ${++tables}`);
  const items = [{ productId: DEMO.espresso.id, quantity: 2, note: 'no sugar' }];

  describe('with an idempotency key', () => {
    it('gives back the first order when the same placeOrder is sent again, writing one order and one event', async () => {
      const session = await newSession();
      const key = randomUUID();

      const first = await placeOrder(test.url, session.code, items, key);
      const again = await placeOrder(test.url, session.code, items, key);

      expect(first.errors).toBeUndefined();
      expect(again.data.placeOrder).toEqual(first.data.placeOrder);
      expect(await storedOrderCount(test.databaseUrl, session.id)).toBe(1);
      expect(await storedSeqs(test.databaseUrl, session.id)).toEqual([1]);
    });

    it('makes one order of 20 concurrent sends of the same placeOrder', async () => {
      const session = await newSession();
      const key = randomUUID();

      const answers = await Promise.all(range(1, 20).map(() => placeOrder(test.url, session.code, items, key)));

      expect(answers.flatMap((answer) => answer.errors ?? [])).toEqual([]);
      expect(new Set(answers.map((answer) => answer.data.placeOrder.id)).size).toBe(1);
      expect(await storedOrderCount(test.databaseUrl, session.id)).toBe(1);
      expect(await storedSeqs(test.databaseUrl, session.id)).toEqual([1]);
    });

    it('refuses the same key with different items as CONFLICT and writes nothing more', async () => {
      const session = await newSession();
      const key = randomUUID();
      await placeOrder(test.url, session.code, items, key);

      const different = await placeOrder(test.url, session.code, [{ productId: DEMO.croissant.id, quantity: 1 }], key);

      expect(errorCode(different)).toBe('CONFLICT');
      expect(await storedOrderCount(test.databaseUrl, session.id)).toBe(1);
      expect(await storedSeqs(test.databaseUrl, session.id)).toEqual([1]);
    });

    it('refuses as CONFLICT, also among concurrent sends, every request whose items differ from the order the key made', async () => {
      const session = await newSession();
      const key = randomUUID();
      const products = range(1, 20).map((index) => (index % 2 ? DEMO.espresso.id : DEMO.croissant.id));

      const answers = await Promise.all(
        products.map((productId) => placeOrder(test.url, session.code, [{ productId, quantity: 1 }], key)),
      );

      const made = answers.filter((answer) => answer.data?.placeOrder);
      expect(new Set(made.map((answer) => answer.data.placeOrder.id)).size).toBe(1);
      const madeWith = made[0].data.placeOrder.items[0].productId;
      answers.forEach((answer, index) => {
        if (products[index] === madeWith) expect(answer.data.placeOrder.id).toBe(made[0].data.placeOrder.id);
        else expect(errorCode(answer)).toBe('CONFLICT');
      });
      expect(await storedOrderCount(test.databaseUrl, session.id)).toBe(1);
    });
  });

  it('accepts 50 concurrent orders on one session, numbers their events 1..50, and delivers each once and in order to every subscriber', async () => {
    const session = await newSession();
    const clients = range(1, 3).map(() => webSocketClient(test.wsUrl));
    const subscribers = clients.map((client) => new Subscriber(client, SESSION_EVENTS_SUBSCRIPTION, { code: session.code }));

    const answers = await Promise.all(range(1, 50).map(() => placeOrder(test.url, session.code)));

    expect(answers.flatMap((answer) => answer.errors ?? [])).toEqual([]);
    const orderIds = answers.map((answer) => answer.data.placeOrder.id);
    expect(new Set(orderIds).size).toBe(50);
    expect(await storedSeqs(test.databaseUrl, session.id)).toEqual(range(1, 50));

    // Closing ends every subscription after SessionClosed (seq 51): nothing can arrive twice unseen.
    await graphql(test.url, CLOSE_SESSION, { code: session.code }, token);
    for (const subscriber of subscribers) {
      await subscriber.done;
      expect(subscriber.errors).toEqual([]);
      const events = subscriber.items.map((item) => item.sessionEvents);
      expect(events.map((event) => event.seq)).toEqual(range(1, 51));
      const placed = events.slice(0, 50);
      expect(placed.every((event) => event.__typename === 'OrderPlaced')).toBe(true);
      expect(placed.map((event) => event.order.id).sort()).toEqual([...orderIds].sort());
      expect(events[50].__typename).toBe('SessionClosed');
    }
    await Promise.all(clients.map((client) => client.dispose()));
  });

  it('answers a session with its orders as they stood at its lastSeq, also while orders and status changes arrive', async () => {
    const session = await newSession();
    const first = (await placeOrder(test.url, session.code)).data.placeOrder.id;
    let placing = true;
    const placers = range(1, 3).map(async () => {
      while (placing) expect((await placeOrder(test.url, session.code)).errors).toBeUndefined();
    });
    const snapshots: { lastSeq: number; orders: { id: string; status: string }[] }[] = [];
    try {
      for (let round = 0; round < 20; round++) {
        if (round === 10) await graphql(test.url, SET_ORDER_STATUS, { orderId: first, status: 'ACCEPTED' }, token);
        const answers = await Promise.all(range(1, 3).map(() => graphql(test.url, SESSION, { code: session.code })));
        snapshots.push(...answers.map((answer) => answer.data.session));
      }
    } finally {
      placing = false;
      await Promise.all(placers);
    }
    const events = await queryRows<{ seq: number; type: string; payload: any }>(
      test.databaseUrl,
      'select seq, type, payload from session_events where session_id = $1 order by seq',
      [session.id],
    );
    for (const { lastSeq, orders } of snapshots) {
      const upToLastSeq = events.filter((event) => event.seq <= lastSeq);
      const placed = upToLastSeq.filter((event) => event.type === 'OrderPlaced').map((event) => event.payload.order.id);
      const accepted = upToLastSeq.some((event) => event.type === 'OrderStatusChanged');
      expect(orders.map((order) => order.id)).toEqual(placed);
      expect(orders[0].status).toBe(accepted ? 'ACCEPTED' : 'PLACED');
    }
  });

  it("writes the orders that arrive while their location's statement is in flight together, in one commit", async () => {
    const [held, ...others] = await Promise.all(range(1, 6).map(() => newSession()));
    const metric = (name: string) => scrapeMetric(test.url, name);
    const batchesBefore = await metric('ordered_order_write_batch_size_count');
    const ordersBefore = await metric('ordered_order_write_batch_size_sum');

    // The first order's statement waits on its session's row, locked here; the café's next orders queue behind it.
    const lock = await holdSessionRow(test.databaseUrl, held.id);
    const first = placeOrder(test.url, held.code);
    await waitFor(async () => (await lockWaits(test.databaseUrl)) === 1, 'the first statement waiting on the lock');
    const queued = others.map((session) => placeOrder(test.url, session.code));
    await waitFor(async () => (await metric('ordered_orders_waiting_to_be_written')) === others.length, 'the orders queued');
    await lock.release();
    const answers = await Promise.all([first, ...queued]);

    expect(answers.flatMap((answer) => answer.errors ?? [])).toEqual([]);
    expect((await metric('ordered_order_write_batch_size_count')) - batchesBefore).toBe(2);
    expect((await metric('ordered_order_write_batch_size_sum')) - ordersBefore).toBe(6);
    for (const session of [held, ...others]) expect(await storedSeqs(test.databaseUrl, session.id)).toEqual([1]);
    // The café's log numbers them on from where it was, without a gap, the held order first.
    const logged = await queryRows<{ seq: number; session_id: string }>(
      test.databaseUrl,
      `select seq, session_id from location_events where type = 'OrderPlaced' and session_id = any($1) order by seq`,
      [[held, ...others].map((session) => session.id)],
    );
    expect(logged.map((event) => event.seq)).toEqual(range(logged[0].seq, logged[0].seq + 5));
    expect(logged[0].session_id).toBe(held.id);
  });

  it('answers one order when two instances get the same key at the same moment, and writes it once', async () => {
    const second = await test.startAnotherInstance();
    const session = await newSession();
    const key = randomUUID();

    // Both statements wait on the session's row; the one that gets it second finds the key taken.
    const lock = await holdSessionRow(test.databaseUrl, session.id);
    const answers = [placeOrder(test.url, session.code, items, key), placeOrder(second.url, session.code, items, key)];
    await waitFor(async () => (await lockWaits(test.databaseUrl)) === 2, 'both statements waiting on the lock');
    await lock.release();
    const [first, other] = await Promise.all(answers);

    expect(first.errors).toBeUndefined();
    expect(other.errors).toBeUndefined();
    expect(other.data.placeOrder.id).toBe(first.data.placeOrder.id);
    expect(await storedOrderCount(test.databaseUrl, session.id)).toBe(1);
    expect(await storedSeqs(test.databaseUrl, session.id)).toEqual([1]);
  });

  it(`takes at most ${MAX_ORDERS_PER_SESSION} orders in a session, also of orders queued together, and refuses more as CONFLICT`, async () => {
    const session = await newSession();
    // As if it had taken all but two already.
    await queryRows(test.databaseUrl, 'update sessions set order_count = $2 where id = $1', [session.id, MAX_ORDERS_PER_SESSION - 2]);
    const lock = await holdSessionRow(test.databaseUrl, session.id);
    const first = placeOrder(test.url, session.code);
    await waitFor(async () => (await lockWaits(test.databaseUrl)) === 1, 'the first statement waiting on the lock');
    const queued = range(1, 4).map(() => placeOrder(test.url, session.code));
    await waitFor(async () => (await scrapeMetric(test.url, 'ordered_orders_waiting_to_be_written')) === 4, 'the orders queued');
    await lock.release();
    const answers = await Promise.all([first, ...queued]);

    expect(answers.map((answer) => errorCode(answer) ?? 'placed').sort()).toEqual(['CONFLICT', 'CONFLICT', 'CONFLICT', 'placed', 'placed']);
    expect(errorCode(await placeOrder(test.url, session.code))).toBe('CONFLICT');
    expect(await storedOrderCount(test.databaseUrl, session.id)).toBe(2);
    expect(await storedSeqs(test.databaseUrl, session.id)).toEqual([1, 2]);
  });

  it('places a new order in the last free place of a session also when a retry of its earlier order is queued beside it', async () => {
    const [held, session] = await Promise.all([newSession(), newSession()]);
    // As if it had taken all but two already; the next order takes one of them.
    await queryRows(test.databaseUrl, 'update sessions set order_count = $2 where id = $1', [session.id, MAX_ORDERS_PER_SESSION - 2]);
    const key = randomUUID();
    const earlier = await placeOrder(test.url, session.code, items, key);

    const lock = await holdSessionRow(test.databaseUrl, held.id);
    const first = placeOrder(test.url, held.code);
    await waitFor(async () => (await lockWaits(test.databaseUrl)) === 1, 'the first statement waiting on the lock');
    // The customer's app retries the order whose answer it lost, then places a new one.
    const retried = placeOrder(test.url, session.code, items, key);
    await waitFor(async () => (await scrapeMetric(test.url, 'ordered_orders_waiting_to_be_written')) === 1, 'the retry queued');
    const fresh = placeOrder(test.url, session.code);
    await waitFor(async () => (await scrapeMetric(test.url, 'ordered_orders_waiting_to_be_written')) === 2, 'the new order queued');
    await lock.release();
    const [, retriedAnswer, freshAnswer] = await Promise.all([first, retried, fresh]);

    expect(retriedAnswer.data.placeOrder.id).toBe(earlier.data.placeOrder.id);
    expect(freshAnswer.errors).toBeUndefined();
    expect(await storedSeqs(test.databaseUrl, session.id)).toEqual([1, 2]);
    expect(errorCode(await placeOrder(test.url, session.code))).toBe('CONFLICT');
  });

  it("writes another table's order in the next statement while one session's flood of orders waits", async () => {
    const [held, flooded, other] = await Promise.all(range(1, 3).map(() => newSession()));
    const lock = await holdSessionRow(test.databaseUrl, held.id);
    const first = placeOrder(test.url, held.code);
    await waitFor(async () => (await lockWaits(test.databaseUrl)) === 1, 'the first statement waiting on the lock');
    const flood = range(1, 500).map(() => placeOrder(test.url, flooded.code));
    await waitFor(async () => (await scrapeMetric(test.url, 'ordered_orders_waiting_to_be_written')) === flood.length, 'the flood queued');
    const otherOrder = placeOrder(test.url, other.code);
    await waitFor(async () => (await scrapeMetric(test.url, 'ordered_orders_waiting_to_be_written')) === flood.length + 1, 'the other order queued');
    await lock.release();
    await Promise.all([first, otherOrder, ...flood]);

    // The held order's statement, then one with the flood's first and the other table's order.
    const seqOf = async (sessionId: string) =>
      (await queryRows<{ seq: number }>(test.databaseUrl, `select min(seq) as seq from location_events where type = 'OrderPlaced' and session_id = $1`, [sessionId]))[0].seq;
    expect((await seqOf(other.id)) - (await seqOf(held.id))).toBeLessThanOrEqual(2);
    expect(await storedSeqs(test.databaseUrl, flooded.id)).toEqual(range(1, MAX_ORDERS_PER_SESSION));
  });

  it('plans the order statements without reading the orders table, however many orders the statistics last counted', async () => {
    // A young database: the statistics say there are hardly any orders, which made a key look-up's kept plan scan them all.
    await queryRows(test.databaseUrl, 'analyze orders');
    const statements: [string, string[]][] = [
      [PLACE_ORDERS, ['[]', '{}', String(MAX_ORDERS_PER_SESSION)]],
      [PLACE_ORDER, [randomUUID(), 'key', randomUUID(), new Date().toISOString(), '[]', '{}', String(MAX_ORDERS_PER_SESSION)]],
    ];
    for (const [statement, values] of statements) {
      const plan = await genericPlan(test.databaseUrl, statement, values);
      expect(plan).toContain('Insert on orders');
      expect(plan).toContain('Conflict Arbiter Indexes: orders_session_id_idempotency_key_unique');
      expect(plan).not.toMatch(/Scan[^\n]* on orders\b/);
    }
  });

  it('writes a batch that mixes new orders, a retried key and a closed session: each answered as if alone', async () => {
    const [held, fresh, retried, closed, twice] = await Promise.all(range(1, 5).map(() => newSession()));
    const retriedKey = randomUUID();
    const earlier = await placeOrder(test.url, retried.code, items, retriedKey);
    expect((await graphql(test.url, CLOSE_SESSION, { code: closed.code }, token)).errors).toBeUndefined();
    const metric = (name: string) => scrapeMetric(test.url, name);
    const batchesBefore = await metric('ordered_order_write_batch_size_count');

    const lock = await holdSessionRow(test.databaseUrl, held.id);
    const first = placeOrder(test.url, held.code);
    // Its statement waits on the lock before the others are sent: they cannot go ahead of it.
    await waitFor(async () => (await lockWaits(test.databaseUrl)) === 1, 'the first statement waiting on the lock');
    const queued = [
      placeOrder(test.url, fresh.code),
      placeOrder(test.url, retried.code, items, retriedKey),
      placeOrder(test.url, closed.code),
      placeOrder(test.url, twice.code),
      placeOrder(test.url, twice.code),
    ];
    await waitFor(async () => (await metric('ordered_orders_waiting_to_be_written')) === queued.length, 'the orders queued');
    await lock.release();
    const [heldAnswer, freshAnswer, retriedAnswer, closedAnswer, ...twiceAnswers] = await Promise.all([first, ...queued]);

    // The held order's, then all the others but twice's second, which has a batch of its own: one order of a session per batch.
    expect((await metric('ordered_order_write_batch_size_count')) - batchesBefore).toBe(3);
    for (const answer of [heldAnswer, freshAnswer, retriedAnswer, ...twiceAnswers]) expect(answer.errors).toBeUndefined();
    expect(retriedAnswer.data.placeOrder.id).toBe(earlier.data.placeOrder.id);
    expect(errorCode(closedAnswer)).toBe('SESSION_CLOSED');
    expect(await storedSeqs(test.databaseUrl, fresh.id)).toEqual([1]);
    expect(await storedSeqs(test.databaseUrl, retried.id)).toEqual([1]);
    expect(await storedOrderCount(test.databaseUrl, retried.id)).toBe(1);
    expect(await storedOrderCount(test.databaseUrl, closed.id)).toBe(0);
    expect(await storedSeqs(test.databaseUrl, twice.id)).toEqual([1, 2]);
  });
});
