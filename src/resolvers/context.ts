import type { EntityManager } from '@mikro-orm/postgresql';
import type { Credential } from '../domain/credential';
import type { Services } from '../services';

/**
 * What every resolver gets: the services, who is asking, and an EntityManager of its own,
 * forked on first use (placing orders and streaming events need none). The getter lives on
 * the prototype: Apollo copies a context's own properties per operation, which would call it.
 */
export class GraphQLContext {
  private forkedEm: EntityManager | undefined;

  constructor(
    readonly services: Services,
    /** The representative's credential as presented; verified only when an operation needs it. */
    readonly credential: Credential | null | 'malformed',
    /** The client's address, for throttling wrong session codes. */
    readonly client: string,
  ) {}

  get em(): EntityManager {
    return (this.forkedEm ??= this.services.orm.em.fork());
  }
}
