import { randomUUID } from 'node:crypto';
import type { Product } from '../datasources';
import { OrderStatus, type Order, type Session, type SessionState } from '../entities';
import { formatCents, toCents } from './money';

/**
 * Plain shapes of what clients see. Events carry them as JSON (through Redis too),
 * so they hold no entities and their dates are ISO strings.
 */
export interface OrderItemView {
  productId: number;
  name: string;
  unitPrice: string;
  quantity: number;
  note: string | null;
  lineTotal: string;
}

export interface OrderView {
  id: string;
  sessionId: string;
  status: OrderStatus;
  placedAt: string;
  items: OrderItemView[];
  total: string;
}

export interface SessionView {
  id: string;
  code: string;
  name: string;
  locationId: number;
  state: SessionState;
  openedAt: string;
  closedAt: string | null;
  lastSeq: number;
}

export function orderView(order: Order): OrderView {
  const items = order.items.getItems().map((item) => orderItemView(item.productId, item.productName, item.unitPrice, item.quantity, item.note));
  return { id: order.id, sessionId: order.session.id, status: order.status, placedAt: order.placedAt.toISOString(), items, total: totalOf(items) };
}

/** A new order of these lines, at the products' current names and prices. */
export function newOrderView(
  sessionId: string,
  lines: { productId: number; quantity: number; note?: string | null }[],
  products: Map<number, Product>,
): OrderView {
  const items = lines.map((line) => {
    const product = products.get(line.productId) as Product;
    return orderItemView(product.id, product.name, product.price, line.quantity, line.note?.trim() || null);
  });
  return { id: randomUUID(), sessionId, status: OrderStatus.PLACED, placedAt: new Date().toISOString(), items, total: totalOf(items) };
}

function orderItemView(productId: number, name: string, unitPrice: string, quantity: number, note: string | null): OrderItemView {
  return { productId, name, unitPrice, quantity, note, lineTotal: formatCents(toCents(unitPrice) * quantity) };
}

function totalOf(items: OrderItemView[]): string {
  return formatCents(items.reduce((sum, item) => sum + toCents(item.lineTotal), 0));
}

export function sessionView(session: Session): SessionView {
  return {
    id: session.id,
    code: session.code,
    name: session.name,
    locationId: session.locationId,
    state: session.state,
    openedAt: session.openedAt.toISOString(),
    closedAt: session.closedAt?.toISOString() ?? null,
    lastSeq: session.lastSeq,
  };
}
