import type { EntityManager } from '@mikro-orm/postgresql';
import type { Credential } from '../domain/credential';
import type { Services } from '../services';

/** What every resolver gets: a forked EntityManager, the services, and who is asking. */
export interface GraphQLContext {
  em: EntityManager;
  services: Services;
  /** The representative's credential as presented; verified only when an operation needs it. */
  credential: Credential | null | 'malformed';
  /** The client's address, for throttling wrong session codes. */
  client: string;
}
