import { Entity, ManyToOne, OptionalProps, PrimaryKey, PrimaryKeyProp, Property, type Rel } from '@mikro-orm/core';
import { Session } from './session.entity';

/**
 * The session's event log: seq 1, 2, 3 … per session with no gaps, written in the same
 * transaction as the change it records. Replay and gap repair read from here.
 */
@Entity({ tableName: 'session_events' })
export class SessionEvent {
  [PrimaryKeyProp]?: ['session', 'seq'];
  [OptionalProps]?: 'at';

  @ManyToOne(() => Session, { primary: true, deleteRule: 'cascade' })
  session!: Rel<Session>;

  @PrimaryKey({ type: 'integer' })
  seq!: number;

  @Property({ type: 'string', length: 40 })
  type!: string;

  @Property({ type: 'json' })
  payload!: Record<string, unknown>;

  @Property({ type: 'datetime' })
  at: Date = new Date();
}
