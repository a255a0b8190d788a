import type { Sql } from '../orm/sql';
import type { OrderView } from './views';

/**
 * Everything placing an order writes, as one statement (one round trip, one commit): the
 * session's next seq (the row lock that orders its events), the order and its items, the
 * location's next seq (its counter row locked after the session's, as everywhere), and the
 * OrderPlaced event in both logs. It writes nothing when the session is not open or already
 * has an order under this key; a key committed concurrently fails it on the unique index.
 */
const PLACE_ORDER = `
with session as (
  update sessions set last_seq = last_seq + 1
  where id = $1 and state = 'OPEN'
    and not exists (select 1 from orders where session_id = $1 and idempotency_key = $2)
  returning id, location_id, last_seq
), placed as (
  insert into orders (id, session_id, status, placed_at, idempotency_key)
  select $3, id, 'PLACED', $4, $2 from session
  returning id
), items as (
  insert into order_items (id, order_id, position, product_id, product_name, unit_price, quantity, note)
  select gen_random_uuid(), placed.id, item.position, item.product_id, item.product_name, item.unit_price, item.quantity, item.note
  from placed, jsonb_to_recordset($5::jsonb)
    as item(position smallint, product_id int, product_name text, unit_price numeric, quantity smallint, note text)
), stream as (
  insert into location_streams (location_id, last_seq) select location_id, 1 from session
  on conflict (location_id) do update set last_seq = location_streams.last_seq + 1
  returning location_id, last_seq
), session_event as (
  insert into session_events (session_id, seq, type, payload, at)
  select id, last_seq, 'OrderPlaced', $6::jsonb, $4 from session
), location_event as (
  insert into location_events (location_id, seq, type, session_id, payload, at)
  select location_id, last_seq, 'OrderPlaced', $1, $6::jsonb, $4 from stream
)
select session.last_seq as session_seq, stream.last_seq as location_seq from session, stream`;

export interface PlacedSeqs {
  sessionSeq: number;
  locationSeq: number;
}

/** Writes the order; null when nothing was written (session not open, or the key already used). */
export async function insertPlacedOrder(sql: Sql, order: OrderView, idempotencyKey: string): Promise<PlacedSeqs | null> {
  const items = order.items.map((item, position) => ({
    position,
    product_id: item.productId,
    product_name: item.name,
    unit_price: item.unitPrice,
    quantity: item.quantity,
    note: item.note,
  }));
  const parameters = [order.sessionId, idempotencyKey, order.id, order.placedAt, JSON.stringify(items), JSON.stringify({ order })];
  const rows = await sql.rows<{ session_seq: number; location_seq: number }>(PLACE_ORDER, parameters);
  const [row] = rows;
  return row ? { sessionSeq: row.session_seq, locationSeq: row.location_seq } : null;
}
