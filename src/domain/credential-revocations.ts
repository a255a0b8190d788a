import type { Logger } from '../logger';
import type { EventBus } from '../pubsub/event-bus';
import { Topics } from '../pubsub/topics';
import type { Access } from './access';
import { credentialKey, type Credential } from './credential';

/**
 * A logout reaches every instance at once, not only the one that served it: the others would
 * otherwise keep the credential's verification until their cache entry expired, longer than
 * the credential lived (DESIGN.md §4). The message carries the credential's key (a hash of
 * its token), never the token.
 */
export class CredentialRevocations {
  constructor(
    private readonly bus: EventBus,
    private readonly access: Access,
    private readonly logger: Logger,
  ) {
    bus.listen<string>(Topics.credentialsRevoked, (token) => {
      if (typeof token === 'string') access.revoke(token);
    });
  }

  /** Refuses the credential here at once and tells the other instances to. */
  async revoke(credential: Credential): Promise<void> {
    const token = credentialKey(credential);
    this.access.revoke(token);
    // Redis away: the others refuse it when their cached verification expires (at most AUTH_CACHE_TTL_MS).
    await this.bus.publish(Topics.credentialsRevoked, token).catch((error: unknown) => {
      this.logger.warn('a logout could not be told to the other instances', { error: String(error) });
    });
  }
}
