import type { EntityManager } from '@mikro-orm/postgresql';
import type { Credential } from '../domain/credential';
import type { OrderView } from '../domain/views';
import type { Connection } from '../server/large-operations';
import type { Services } from '../services';

/**
 * What every resolver gets: the services, who is asking, and an EntityManager of its own,
 * forked on first use (placing orders and streaming events need none). The getter lives on
 * the prototype: Apollo copies a context's own properties per operation, which would call it.
 */
export class GraphQLContext {
  private forkedEm: EntityManager | undefined;
  /** Sessions' orders by `<session id>@<lastSeq>`: a log read once however often the query asks. */
  private ordersAt: Map<string, Promise<OrderView[]>> | undefined;

  constructor(
    readonly services: Services,
    /** The representative's credential as presented; verified only when an operation needs it. */
    readonly credential: Credential | null | 'malformed',
    /** The client's address, for throttling wrong session codes and failed logins. */
    readonly client: string,
    /** An HTTP request's socket: a large operation waiting for its turn leaves the line when it closes. */
    readonly connection?: Connection,
  ) {}

  get em(): EntityManager {
    return (this.forkedEm ??= this.services.orm.em.fork());
  }

  /** The session's orders as its log had them at `lastSeq`, read once per request (aliases ask again). */
  ordersOf(session: { id: string; lastSeq: number }): Promise<OrderView[]> {
    const key = `${session.id}@${session.lastSeq}`;
    // Made when first asked: most requests (every order) never are.
    this.ordersAt ??= new Map();
    let orders = this.ordersAt.get(key);
    if (!orders) this.ordersAt.set(key, (orders = this.services.orders.ofSessionAt(session.id, session.lastSeq)));
    return orders;
  }
}
