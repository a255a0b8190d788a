import { randomUUID } from 'node:crypto';
import { Collection, Entity, Enum, OneToMany, OptionalProps, PrimaryKey, Property } from '@mikro-orm/core';
import { Order } from './order.entity';

export enum SessionState {
  OPEN = 'OPEN',
  CLOSED = 'CLOSED',
}

/** One table's order session at a location. Its name is unique among the location's OPEN sessions (a partial index, see the migration). */
@Entity({ tableName: 'sessions' })
export class Session {
  [OptionalProps]?: 'state' | 'openedAt' | 'closedAt' | 'lastSeq';

  @PrimaryKey({ type: 'uuid' })
  id: string = randomUUID();

  @Property({ type: 'string', length: 6, unique: true })
  code!: string;

  @Property({ type: 'string', length: 200 })
  name!: string;

  @Property({ type: 'integer', index: true })
  locationId!: number;

  @Enum({ items: () => SessionState, nativeEnumName: 'session_state' })
  state: SessionState = SessionState.OPEN;

  @Property({ type: 'datetime' })
  openedAt: Date = new Date();

  @Property({ type: 'datetime', nullable: true })
  closedAt: Date | null = null;

  /** Verification service user id of the representative who opened it. */
  @Property({ type: 'integer' })
  openedBy!: number;

  /** Sequence number of the session's last event; the next event gets lastSeq + 1. */
  @Property({ type: 'integer' })
  lastSeq: number = 0;

  @OneToMany(() => Order, (order) => order.session)
  orders = new Collection<Order>(this);
}
