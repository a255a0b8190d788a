import { randomUUID } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import { Client } from 'pg';
import { formatCents, toCents } from '../../src/domain/money';
import { PLACE_ORDER, placeOrderParameters } from '../../src/domain/order-statement';
import type { OrderView } from '../../src/domain/views';

/** An order as the load clients send it. */
export interface OrderRequest {
  code: string;
  idempotencyKey: string;
  items: { productId: number; quantity: number; note?: string | null }[];
}

/** The event a session's subscribers get for a placed order, shaped as the service's. */
export interface OrderPlacedEvent {
  __typename: 'OrderPlaced';
  seq: number;
  at: string;
  order: OrderView;
}

/**
 * What the floors do with an order (the floor servers, bench/lib/*-order-server.ts, and the
 * statement floor of idle-floor.ts), the same in each: build it as the service does (each
 * product's name and price, here made up from its id), write it with the service's own
 * statement, prepared, on one connection, and make its event.
 */
export class FloorOrders {
  private readonly database: Client;
  private readonly sessionIds = new Map<string, string>();

  /** On a connection of its own (`connect` it), or on one already connected. */
  constructor(database: string | Client) {
    this.database = typeof database === 'string' ? new Client({ connectionString: database }) : database;
  }

  async connect(): Promise<void> {
    await this.database.connect();
  }

  async place({ code, idempotencyKey, items }: OrderRequest): Promise<OrderPlacedEvent> {
    const order = orderOf(await this.sessionIdOf(code), items);
    const { rows } = await this.database.query<{ session_seq: number }>({
      name: 'place_order',
      text: PLACE_ORDER,
      values: placeOrderParameters(order, idempotencyKey, 1_000_000_000),
    });
    return { __typename: 'OrderPlaced', seq: rows[0].session_seq, at: order.placedAt, order };
  }

  private async sessionIdOf(code: string): Promise<string> {
    let id = this.sessionIds.get(code);
    if (!id) {
      const { rows } = await this.database.query<{ id: string }>('select id from sessions where code = $1', [code]);
      id = rows[0].id;
      this.sessionIds.set(code, id);
    }
    return id;
  }
}

function orderOf(sessionId: string, lines: OrderRequest['items']): OrderView {
  const items = lines.map(({ productId, quantity, note }) => {
    const unitPrice = formatCents(100 + productId);
    return { productId, name: `Product ${productId}`, unitPrice, quantity, note: note?.trim() || null, lineTotal: formatCents(toCents(unitPrice) * quantity) };
  });
  const total = formatCents(items.reduce((sum, item) => sum + toCents(item.lineTotal), 0));
  return { id: randomUUID(), sessionId, status: 'PLACED' as OrderView['status'], placedAt: new Date().toISOString(), items, total };
}

/** A request's body, parsed: the floor servers trust what the load clients send. */
export async function jsonBody(req: IncomingMessage): Promise<unknown> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return JSON.parse(Buffer.concat(chunks).toString('utf8'));
}

/** Prints the server's port once it listens, and ends it with the bench (which holds its IPC channel). */
export function announcePort(port: number): void {
  process.stdout.write(`${port}\n`);
  process.on('disconnect', () => process.exit(0));
}
