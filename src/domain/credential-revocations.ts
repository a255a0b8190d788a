import type { Logger } from '../logger';
import type { EventBus } from '../pubsub/event-bus';
import { Topics } from '../pubsub/topics';
import type { Access } from './access';
import { formatToken, type Credential } from './credential';

/**
 * A logout reaches every instance at once, not only the one that served it: the others would
 * otherwise keep the credential's verification until their cache entry expired, longer than
 * the credential lived (DESIGN.md §4). The token goes out only after the verification service
 * has ended it, so the message carries nothing that still works.
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
    const token = formatToken(credential);
    this.access.revoke(token);
    // Redis away: the others refuse it when their cached verification expires (at most AUTH_CACHE_TTL_MS).
    await this.bus.publish(Topics.credentialsRevoked, token).catch((error: unknown) => {
      this.logger.warn('a logout could not be told to the other instances', { error: String(error) });
    });
  }
}
