import { randomUUID } from 'node:crypto';
import { Entity, ManyToOne, OptionalProps, PrimaryKey, Property, type Rel } from '@mikro-orm/core';
import { Order } from './order.entity';

/** One line of an order with the product's name and unit price as they were when ordered. */
@Entity({ tableName: 'order_items' })
export class OrderItem {
  [OptionalProps]?: 'note';

  @PrimaryKey({ type: 'uuid' })
  id: string = randomUUID();

  @ManyToOne(() => Order, { deleteRule: 'cascade' })
  order!: Rel<Order>;

  /** Position within the order, so items read back in the order they were placed. */
  @Property({ type: 'smallint' })
  position!: number;

  @Property({ type: 'integer' })
  productId!: number;

  @Property({ type: 'string', length: 500 })
  productName!: string;

  /** Exact decimal string ("0.80"); never a float. */
  @Property({ type: 'decimal', precision: 10, scale: 2 })
  unitPrice!: string;

  @Property({ type: 'smallint' })
  quantity!: number;

  @Property({ type: 'string', length: 500, nullable: true })
  note: string | null = null;
}
