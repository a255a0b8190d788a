import { createHash, randomBytes } from 'node:crypto';
import { LRUCache } from 'lru-cache';
import type { EventBus } from '../pubsub/event-bus';
import { upTo } from './cache-bounds';

/** How long a device stays known after its last successful login. */
const KNOWN_FOR_SECONDS = 30 * 24 * 60 * 60;

/**
 * The devices each username logged in from: a successful login hands out a random device key,
 * which the client keeps and sends with its later logins. Kept in Redis (only a hash of the
 * key), so every instance knows it; in memory when there is no Redis. A key it cannot check
 * (Redis away) counts as unknown.
 */
export class KnownDevices {
  private readonly inMemory = new LRUCache<string, true>({ ...upTo(100_000), ttl: KNOWN_FOR_SECONDS * 1000 });

  constructor(private readonly bus: EventBus) {}

  /** Whether `deviceKey` was handed out to a login of this username (`userKey`: its throttle key). */
  async knows(userKey: string, deviceKey: string): Promise<boolean> {
    const entry = this.entryOf(userKey, deviceKey);
    const redis = this.bus.commandConnection;
    if (!redis) return this.inMemory.has(entry);
    return (await redis.exists(entry).catch(() => 0)) === 1;
  }

  /** The device key for a successful login: the one it came with when known, or a new one; known for 30 days from now. */
  async remember(userKey: string, presented: string | null): Promise<string> {
    const deviceKey = presented ?? randomBytes(24).toString('base64url');
    const entry = this.entryOf(userKey, deviceKey);
    const redis = this.bus.commandConnection;
    if (!redis) this.inMemory.set(entry, true);
    else await redis.set(entry, '1', 'EX', KNOWN_FOR_SECONDS).catch(() => undefined);
    return deviceKey;
  }

  private entryOf(userKey: string, deviceKey: string): string {
    return `${this.bus.namespace}login-devices:${userKey}:${createHash('sha256').update(deviceKey).digest('base64url')}`;
  }
}
