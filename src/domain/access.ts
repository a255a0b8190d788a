import { LRUCache } from 'lru-cache';
import type { Siblings } from '../datasources';
import { formatToken, type Credential } from './credential';
import { ForbiddenError, NotFoundError, UnauthenticatedError } from './errors';

/**
 * Who may do what (DESIGN.md §4). Verification and ownership answers are reused for a
 * short time (≤ 60 s); logging out forgets the credential at once.
 */
export class Access {
  private readonly verified: LRUCache<string, number>;
  private readonly owners: LRUCache<number, number>;

  constructor(
    private readonly siblings: Pick<Siblings, 'verification' | 'locations'>,
    cacheTtlMs: number,
  ) {
    const ttl = Math.max(1, Math.min(cacheTtlMs, 60_000));
    this.verified = new LRUCache({ max: 50_000, ttl });
    this.owners = new LRUCache({ max: 50_000, ttl });
  }

  /** The verified user id of a representative's credential. */
  async authenticate(credential: Credential | null | 'malformed'): Promise<number> {
    if (credential === null) throw new UnauthenticatedError('Sign in as a representative: send "Authorization: Bearer <user id>:<session key>"');
    if (credential === 'malformed') throw new UnauthenticatedError('The credential is not of the form "Bearer <user id>:<session key>"');
    const token = formatToken(credential);
    const cached = this.verified.get(token);
    if (cached !== undefined) return cached;
    const { userId } = await this.siblings.verification.verify(credential);
    this.verified.set(token, userId);
    return userId;
  }

  /** The verified user id, who must own the location. */
  async requireOwner(credential: Credential | null | 'malformed', locationId: number): Promise<number> {
    const userId = await this.authenticate(credential);
    const ownerId = await this.ownerOf(locationId);
    if (ownerId !== userId) throw new ForbiddenError(`You do not represent location ${locationId}`);
    return userId;
  }

  forget(credential: Credential): void {
    this.verified.delete(formatToken(credential));
  }

  private async ownerOf(locationId: number): Promise<number> {
    const cached = this.owners.get(locationId);
    if (cached !== undefined) return cached;
    const location = await this.siblings.locations.location(locationId);
    if (!location) throw new NotFoundError(`Location ${locationId} does not exist`);
    this.owners.set(locationId, location.userId);
    return location.userId;
  }
}
