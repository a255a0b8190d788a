import { randomUUID } from 'node:crypto';
import { Collection, Entity, Enum, ManyToOne, OneToMany, OptionalProps, PrimaryKey, Property, type Rel, Unique } from '@mikro-orm/core';
import { OrderItem } from './order-item.entity';
import { Session } from './session.entity';

export enum OrderStatus {
  PLACED = 'PLACED',
  ACCEPTED = 'ACCEPTED',
  PREPARING = 'PREPARING',
  SERVED = 'SERVED',
  CANCELLED = 'CANCELLED',
}

/** An order never changes its items after it is placed; only its status moves. */
@Entity({ tableName: 'orders' })
@Unique({ properties: ['session', 'idempotencyKey'] })
export class Order {
  [OptionalProps]?: 'status' | 'placedAt';

  @PrimaryKey({ type: 'uuid' })
  id: string = randomUUID();

  @ManyToOne(() => Session, { deleteRule: 'cascade' })
  session!: Rel<Session>;

  @Enum({ items: () => OrderStatus, nativeEnumName: 'order_status' })
  status: OrderStatus = OrderStatus.PLACED;

  @Property({ type: 'datetime' })
  placedAt: Date = new Date();

  @Property({ type: 'string', length: 100 })
  idempotencyKey!: string;

  @OneToMany(() => OrderItem, (item) => item.order, { orderBy: { position: 'asc' } })
  items = new Collection<OrderItem>(this);
}
