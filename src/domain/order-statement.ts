import type { Sql } from '../orm/sql';
import type { OrderView } from './views';

/**
 * Everything placing orders writes, as one statement (one round trip, one commit) for any
 * number of orders: the orders and their items, each session's next seqs (its row lock orders
 * its events; rows are locked in id order, so concurrent statements cannot deadlock), the
 * locations' next seqs (counter rows locked after the sessions', as everywhere), and the
 * OrderPlaced events in both logs, numbered in the orders' given order. An order is skipped
 * when its session is not open, is full (SESSION_ORDER_LIMIT orders) or already has an order under its key.
 *
 * The key is checked by the insert itself (ON CONFLICT DO NOTHING on its unique index), not
 * by a look-up first: a look-up's plan is made once per connection (generic plans) from the
 * statistics of that moment, and a database that was young then kept scanning every order
 * of the table for each batch as it grew. The unique index also waits for a concurrent
 * order under the same key and then skips this one, where a look-up would not have seen it.
 */
export const PLACE_ORDERS = `
with input as (
  select * from jsonb_to_recordset($1::jsonb)
    as o(ord int, id uuid, session_id uuid, key text, placed_at timestamptz, items jsonb, payload jsonb)
), locked as (
  -- Every session of the batch, by primary key (an index on open sessions alone would be read
  -- whole); whether it is open is read from its locked row.
  select id, state, order_count from sessions where id = any($2::uuid[]) order by id for update
), placed as (
  insert into orders (id, session_id, status, placed_at, idempotency_key)
  select input.id, input.session_id, 'PLACED', input.placed_at, input.key
  from (select *, row_number() over (partition by session_id order by ord) as nth from input) as input
  join locked on locked.id = input.session_id and locked.state = 'OPEN' and locked.order_count + input.nth <= $3
  on conflict (session_id, idempotency_key) do nothing
  returning id
), fresh as (
  select input.* from input join placed using (id)
), per_session as (
  select session_id, count(*)::int as n from fresh group by session_id
), bumped as (
  update sessions s set last_seq = s.last_seq + per_session.n, order_count = s.order_count + per_session.n
  from per_session
  where s.id = per_session.session_id
  returning s.id, s.location_id, s.last_seq, per_session.n
), accepted as (
  select fresh.*, bumped.location_id,
    bumped.last_seq - bumped.n + row_number() over (partition by fresh.session_id order by fresh.ord) as session_seq
  from fresh join bumped on bumped.id = fresh.session_id
), per_location as (
  select location_id, count(*)::int as n from accepted group by location_id
), stream as (
  insert into location_streams (location_id, last_seq)
  select location_id, n from per_location order by location_id
  on conflict (location_id) do update set last_seq = location_streams.last_seq + excluded.last_seq
  returning location_id, last_seq
), numbered as (
  select accepted.*,
    stream.last_seq - per_location.n + row_number() over (partition by accepted.location_id order by accepted.ord) as location_seq
  from accepted join per_location using (location_id) join stream using (location_id)
), items as (
  insert into order_items (id, order_id, position, product_id, product_name, unit_price, quantity, note)
  select gen_random_uuid(), numbered.id, item.position, item.product_id, item.product_name, item.unit_price, item.quantity, item.note
  from numbered, jsonb_to_recordset(numbered.items)
    as item(position smallint, product_id int, product_name text, unit_price numeric, quantity smallint, note text)
), session_event as (
  insert into session_events (session_id, seq, type, payload, at)
  select session_id, session_seq, 'OrderPlaced', payload, placed_at from numbered
), location_event as (
  insert into location_events (location_id, seq, type, session_id, payload, at)
  select location_id, location_seq, 'OrderPlaced', session_id, payload, placed_at from numbered
)
select ord, session_seq::int, location_seq::int from numbered`;

/** The same for one order: a smaller statement, cheaper to run when orders do not queue. */
export const PLACE_ORDER = `
with session as (
  select id from sessions where id = $1 and state = 'OPEN' and order_count < $7 for update
), placed as (
  insert into orders (id, session_id, status, placed_at, idempotency_key)
  select $3, id, 'PLACED', $4, $2 from session
  on conflict (session_id, idempotency_key) do nothing
  returning id, session_id
), bumped as (
  update sessions set last_seq = last_seq + 1, order_count = order_count + 1
  from placed where sessions.id = placed.session_id
  returning sessions.id, sessions.location_id, sessions.last_seq
), items as (
  insert into order_items (id, order_id, position, product_id, product_name, unit_price, quantity, note)
  select gen_random_uuid(), placed.id, item.position, item.product_id, item.product_name, item.unit_price, item.quantity, item.note
  from placed, jsonb_to_recordset($5::jsonb)
    as item(position smallint, product_id int, product_name text, unit_price numeric, quantity smallint, note text)
), stream as (
  insert into location_streams (location_id, last_seq) select location_id, 1 from bumped
  on conflict (location_id) do update set last_seq = location_streams.last_seq + 1
  returning location_id, last_seq
), session_event as (
  insert into session_events (session_id, seq, type, payload, at)
  select id, last_seq, 'OrderPlaced', $6::jsonb, $4 from bumped
), location_event as (
  insert into location_events (location_id, seq, type, session_id, payload, at)
  select location_id, last_seq, 'OrderPlaced', $1, $6::jsonb, $4 from stream
)
select bumped.last_seq as session_seq, stream.last_seq as location_seq from bumped, stream`;

export interface PlacedSeqs {
  sessionSeq: number;
  locationSeq: number;
}

export interface OrderToWrite {
  order: OrderView;
  idempotencyKey: string;
}

/** Writes the orders; for each, its seqs, or null when it was skipped (session not open or full, or its key already used). */
export async function insertPlacedOrders(sql: Sql, orders: OrderToWrite[], orderLimit: number): Promise<(PlacedSeqs | null)[]> {
  if (orders.length === 1) return [await insertPlacedOrder(sql, orders[0], orderLimit)];
  const input = orders.map(({ order, idempotencyKey }, ord) => ({
    ord,
    id: order.id,
    session_id: order.sessionId,
    key: idempotencyKey,
    placed_at: order.placedAt,
    items: itemRows(order),
    payload: { order },
  }));
  const sessionIds = new Set(orders.map(({ order }) => order.sessionId));
  const rows = await sql.rows<{ ord: number; session_seq: number; location_seq: number }>(PLACE_ORDERS, [
    JSON.stringify(input),
    [...sessionIds],
    orderLimit,
  ]);
  const written = new Map(rows.map((row) => [row.ord, { sessionSeq: row.session_seq, locationSeq: row.location_seq }]));
  return orders.map((_order, ord) => written.get(ord) ?? null);
}

async function insertPlacedOrder(sql: Sql, { order, idempotencyKey }: OrderToWrite, orderLimit: number): Promise<PlacedSeqs | null> {
  const [row] = await sql.rows<{ session_seq: number; location_seq: number }>(PLACE_ORDER, placeOrderParameters(order, idempotencyKey, orderLimit));
  return row ? { sessionSeq: row.session_seq, locationSeq: row.location_seq } : null;
}

/** PLACE_ORDER's parameters for one order. */
export function placeOrderParameters(order: OrderView, idempotencyKey: string, orderLimit: number): unknown[] {
  return [order.sessionId, idempotencyKey, order.id, order.placedAt, JSON.stringify(itemRows(order)), JSON.stringify({ order }), orderLimit];
}

/** The order's items as the statements' jsonb_to_recordset reads them. */
function itemRows(order: OrderView) {
  return order.items.map((item, position) => ({
    position,
    product_id: item.productId,
    product_name: item.name,
    unit_price: item.unitPrice,
    quantity: item.quantity,
    note: item.note,
  }));
}
