import type { EntityManager, MikroORM } from '@mikro-orm/postgresql';
import type { Product } from '../datasources';
import { Order, OrderStatus, Session, SessionState } from '../entities';
import type { Metrics } from '../metrics';
import type { Sql } from '../orm/sql';
import type { Catalog } from './catalog';
import { BadInputError, ConflictError, NotFoundError, SessionClosedError } from './errors';
import type { EventPublisher } from './event-publisher';
import { validIdempotencyKey } from './idempotency-key';
import { formatCents, MAX_CENTS, toCents } from './money';
import { OrderWriter } from './order-writer';
import { orderPlacedEvents, readEvents, recordSessionEvent } from './session-events';
import { lockSession, type SessionKey } from './sessions';
import { characterCount, storable } from './text';
import { newOrderView, orderView as orderViewOf, type OrderView } from './views';

export const MAX_ITEMS = 50;
export const MAX_QUANTITY = 99;
export const MAX_NOTE_LENGTH = 500;

export interface OrderLine {
  productId: number;
  quantity: number;
  note?: string | null;
}

/** Where an order may go next (DESIGN.md: PLACED → ACCEPTED → PREPARING → SERVED, or CANCELLED before SERVED). */
const NEXT_STATUSES: Record<OrderStatus, OrderStatus[]> = {
  [OrderStatus.PLACED]: [OrderStatus.ACCEPTED, OrderStatus.CANCELLED],
  [OrderStatus.ACCEPTED]: [OrderStatus.PREPARING, OrderStatus.CANCELLED],
  [OrderStatus.PREPARING]: [OrderStatus.SERVED, OrderStatus.CANCELLED],
  [OrderStatus.SERVED]: [],
  [OrderStatus.CANCELLED]: [],
};

/** Placing orders and moving them along. */
export class Orders {
  private readonly writer: OrderWriter;

  constructor(
    private readonly orm: MikroORM,
    private readonly sql: Sql,
    private readonly catalog: Catalog,
    private readonly publisher: EventPublisher,
    private readonly metrics: Metrics,
    /** The orders one session takes (SESSION_ORDER_LIMIT). */
    private readonly orderLimit: number,
  ) {
    this.writer = new OrderWriter(sql, orderLimit, {
      waiting: (change) => metrics.ordersWaitingToBeWritten.inc(change),
      written: (batchSize) => metrics.orderWriteBatchSize.observe(batchSize),
    });
  }

  /**
   * Places an order with a snapshot of each product's name and price. The same
   * idempotency key in a session gives back the order it first made.
   */
  async place(session: SessionKey, lines: OrderLine[], idempotencyKey: string): Promise<OrderView> {
    const key = validIdempotencyKey(idempotencyKey);
    validateLines(lines);
    // Sibling calls happen before anything is written: when they fail, nothing is.
    let products: Map<number, Product>;
    try {
      products = await this.catalog.productsFor(session.locationId, lines.map((line) => line.productId));
    } catch (error) {
      // A retry is answered with its order even when the products changed or cannot be asked.
      const earlier = await this.earlierOrClosed(session.id, key, lines);
      if (earlier) return earlier;
      throw error;
    }

    const order = newOrderView(session.id, lines, products);
    // Lines and total are computed, not stored: one past what Money holds would make the order, and its session's events, unreadable.
    if (toCents(order.total) > MAX_CENTS) {
      // A retry is answered with its order, also when prices have risen since.
      const earlier = await this.earlierOrClosed(session.id, key, lines);
      if (earlier) return earlier;
      throw new BadInputError(`An order's total is at most ${formatCents(MAX_CENTS)}`, { field: 'items' });
    }
    // Null when the session is not open or full, or has an order under this key (also one committed at the same moment).
    const seqs = await this.writer.write(session.locationId, { order, idempotencyKey: key });
    if (!seqs) {
      const earlier = await this.earlierOrClosed(session.id, key, lines);
      if (earlier) return earlier;
      throw new ConflictError(`A session takes at most ${this.orderLimit} orders`, { field: 'code' });
    }
    this.metrics.ordersPlaced.inc();
    this.publisher.publishCommitted(orderPlacedEvents(session, order, seqs));
    return order;
  }

  /** The order an earlier request made under this key; SESSION_CLOSED if the session takes no orders. */
  private async earlierOrClosed(sessionId: string, key: string, lines: OrderLine[]): Promise<OrderView | null> {
    const em = this.orm.em.fork();
    const earlier = await em.findOne(Order, { session: sessionId, idempotencyKey: key }, { populate: ['items'] });
    if (earlier) return orderViewOf(sameOrderOrConflict(earlier, lines));
    const session = await em.findOne(Session, sessionId, { fields: ['state'] });
    if (session?.state === SessionState.CLOSED) throw sessionClosed();
    return null;
  }

  /** The order with its session, or NOT_FOUND. */
  async find(em: EntityManager, orderId: string): Promise<Order> {
    const order = await em.findOne(Order, orderId, { populate: ['session', 'items'] });
    if (!order) throw new NotFoundError(`Order ${orderId} does not exist`);
    return order;
  }

  async setStatus(order: Order, status: OrderStatus): Promise<Order> {
    const events = await this.sql.transaction(async (tx) => {
      const locked = await lockSession(tx, order.session.id);
      const [{ status: previousStatus }] = await tx.rows<{ status: OrderStatus }>('select status from orders where id = $1', [order.id]);
      if (previousStatus === status) return [];
      if (locked.state === SessionState.CLOSED) throw sessionClosed();
      if (!NEXT_STATUSES[previousStatus].includes(status)) {
        throw new ConflictError(`An order that is ${previousStatus} cannot become ${status}`, { field: 'status' });
      }
      await tx.rows('update orders set status = $2 where id = $1', [order.id, status]);
      return recordSessionEvent(tx, locked, 'OrderStatusChanged', { orderId: order.id, status, previousStatus });
    });
    this.publisher.publishCommitted(events);
    // As committed, without reading it back: a read that timed out would answer a committed change as failed.
    order.status = status;
    return order;
  }

  /**
   * The session's orders as its log had them at `lastSeq`, oldest first: the state that a
   * subscription with that afterSeq continues, also while orders arrive (the session's row
   * and its orders read one after the other could disagree).
   */
  async ofSessionAt(sessionId: string, lastSeq: number): Promise<OrderView[]> {
    if (lastSeq === 0) return [];
    this.metrics.sessionLogReads.inc();
    // Seqs run 1, 2, 3 … without gaps: the first lastSeq events are those up to it.
    const events = await readEvents(this.sql, sessionId, 0, lastSeq);
    const orders = new Map<string, OrderView>();
    for (const event of events) {
      if (event.type === 'OrderPlaced') orders.set(event.payload.order.id, event.payload.order);
      if (event.type === 'OrderStatusChanged') {
        const order = orders.get(event.payload.orderId);
        if (order) orders.set(order.id, { ...order, status: event.payload.status });
      }
    }
    return [...orders.values()];
  }
}

/** A retried request must carry the same items; another order under a used key is a client bug. */
function sameOrderOrConflict(order: Order, lines: OrderLine[]): Order {
  const items = order.items.getItems();
  const same =
    items.length === lines.length &&
    items.every(
      (item, index) =>
        item.productId === lines[index].productId &&
        item.quantity === lines[index].quantity &&
        (item.note ?? null) === (lines[index].note?.trim() || null),
    );
  if (!same) throw new ConflictError('This idempotency key was already used for a different order', { field: 'idempotencyKey' });
  return order;
}

function validateLines(lines: OrderLine[]): void {
  if (lines.length === 0) throw new BadInputError('An order needs at least one item', { field: 'items' });
  if (lines.length > MAX_ITEMS) throw new BadInputError(`An order has at most ${MAX_ITEMS} items`, { field: 'items' });
  for (const line of lines) {
    if (!Number.isInteger(line.productId) || line.productId < 1) {
      throw new BadInputError(`"${line.productId}" is not a product id`, { field: 'items.productId' });
    }
    if (!Number.isInteger(line.quantity) || line.quantity < 1 || line.quantity > MAX_QUANTITY) {
      throw new BadInputError(`A quantity is from 1 to ${MAX_QUANTITY}`, { field: 'items.quantity' });
    }
    // As it is kept: trimmed (see newOrderView).
    const note = line.note?.trim();
    if (note && characterCount(note) > MAX_NOTE_LENGTH) {
      throw new BadInputError(`A note has at most ${MAX_NOTE_LENGTH} characters`, { field: 'items.note' });
    }
    if (note && !storable(note)) throw new BadInputError('A note must be Unicode text without NUL characters', { field: 'items.note' });
  }
}

function sessionClosed(): SessionClosedError {
  return new SessionClosedError('This session is closed and takes no more orders');
}
