import { randomBytes } from 'node:crypto';
import { LRUCache } from 'lru-cache';
import type { EventBus } from '../pubsub/event-bus';
import { upTo } from './cache-bounds';
import { digest } from './digest';

/** How long a device stays known after its last successful login. */
const KNOWN_FOR_MS = 30 * 24 * 60 * 60 * 1000;
/** Devices kept per username: those that logged in last. */
const DEVICES_PER_USERNAME = 20;
/** A presented key longer than any handed out counts as none. */
const MAX_KEY_LENGTH = 100;

/**
 * The devices each username logged in from: a successful login hands out a random device key
 * (or keeps the one it came with), which the client sends with its later logins. A key belongs
 * to the username exactly as it logged in (a verification service may tell "DEMO" from "demo"),
 * and only the last DEVICES_PER_USERNAME are kept, for KNOWN_FOR_MS after their last login.
 * Kept in Redis as hashes in one sorted set per username, so every instance knows them; in
 * memory when there is no Redis. One that cannot be checked or kept (Redis away) counts as
 * unknown, and is not handed out.
 */
export class KnownDevices {
  private readonly inMemory = new LRUCache<string, Map<string, number>>({ ...upTo(10_000) });

  constructor(private readonly bus: EventBus) {}

  /** Whether `deviceKey` was handed out to a login of exactly this username. */
  async knows(username: string, deviceKey: string): Promise<boolean> {
    if (deviceKey.length > MAX_KEY_LENGTH) return false;
    const [set, device] = [this.setOf(username), digest(deviceKey)];
    const redis = this.bus.commandConnection;
    const lastLogin = redis ? await redis.zscore(set, device).then(Number, () => NaN) : this.inMemory.get(set)?.get(device);
    return lastLogin !== undefined && lastLogin >= Date.now() - KNOWN_FOR_MS;
  }

  /**
   * The device key for a successful login: the one it came with (also one another username's
   * login on a shared device made), or a new one; null when it could not be kept.
   */
  async remember(username: string, presented: string | null): Promise<string | null> {
    const deviceKey = presented !== null && presented.length <= MAX_KEY_LENGTH ? presented : randomBytes(24).toString('base64url');
    const [set, device, now] = [this.setOf(username), digest(deviceKey), Date.now()];
    const redis = this.bus.commandConnection;
    if (!redis) {
      const devices = this.inMemory.get(set) ?? new Map<string, number>();
      devices.delete(device);
      devices.set(device, now);
      for (const oldest of devices.keys()) if (devices.size > DEVICES_PER_USERNAME) devices.delete(oldest);
      this.inMemory.set(set, devices);
      return deviceKey;
    }
    const kept = await redis
      .multi()
      .zadd(set, now, device)
      .zremrangebyscore(set, '-inf', now - KNOWN_FOR_MS)
      .zremrangebyrank(set, 0, -DEVICES_PER_USERNAME - 1)
      .pexpire(set, KNOWN_FOR_MS)
      .exec()
      .then((results) => results?.every(([error]) => !error) ?? false, () => false);
    return kept ? deviceKey : null;
  }

  private setOf(username: string): string {
    return `${this.bus.namespace}login-devices:${digest(username)}`;
  }
}
