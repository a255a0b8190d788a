import { Entity, ManyToOne, PrimaryKey, PrimaryKeyProp, Property, type Rel } from '@mikro-orm/core';
import { Session } from './session.entity';

/**
 * A location's event log, the order panel's one stream: sessions opened and closed, orders
 * placed and moved along. seq is 1, 2, 3 … per location with no gaps, taken from the
 * location's row in `location_streams` in the same transaction as the change it records.
 */
@Entity({ tableName: 'location_events' })
export class LocationEvent {
  [PrimaryKeyProp]?: ['locationId', 'seq'];

  @PrimaryKey({ type: 'integer', autoincrement: false })
  locationId!: number;

  @PrimaryKey({ type: 'integer', autoincrement: false })
  seq!: number;

  @Property({ type: 'string', length: 40 })
  type!: string;

  /** The session the event is about. */
  @ManyToOne(() => Session, { deleteRule: 'cascade' })
  session!: Rel<Session>;

  @Property({ type: 'json' })
  payload!: Record<string, unknown>;

  @Property({ type: 'datetime' })
  at!: Date;
}

/** The seq of a location's last event; its row is locked while the next one is written. */
@Entity({ tableName: 'location_streams' })
export class LocationStream {
  @PrimaryKey({ type: 'integer', autoincrement: false })
  locationId!: number;

  @Property({ type: 'integer' })
  lastSeq!: number;
}
