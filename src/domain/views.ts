import type { Order, OrderItem, OrderStatus, Session, SessionState } from '../entities';
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
  const items = order.items.getItems().map(orderItemView);
  const totalCents = items.reduce((sum, item) => sum + toCents(item.lineTotal), 0);
  return {
    id: order.id,
    sessionId: order.session.id,
    status: order.status,
    placedAt: order.placedAt.toISOString(),
    items,
    total: formatCents(totalCents),
  };
}

function orderItemView(item: OrderItem): OrderItemView {
  return {
    productId: item.productId,
    name: item.productName,
    unitPrice: item.unitPrice,
    quantity: item.quantity,
    note: item.note,
    lineTotal: formatCents(toCents(item.unitPrice) * item.quantity),
  };
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
