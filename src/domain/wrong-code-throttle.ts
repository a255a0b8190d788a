import { LRUCache } from 'lru-cache';
import { RateLimitedError } from './errors';

const WINDOW_MS = 60_000;

/**
 * Codes are only 6 hex characters: a client that keeps trying wrong ones is slowed down.
 * Counts wrong codes per client address in a one-minute window, per instance.
 */
export class WrongCodeThrottle {
  private readonly misses = new LRUCache<string, number>({ max: 100_000, ttl: WINDOW_MS, updateAgeOnGet: false });

  constructor(private readonly limitPerMinute: number) {}

  assertAllowed(client: string): void {
    if ((this.misses.get(client) ?? 0) >= this.limitPerMinute) {
      throw new RateLimitedError('Too many wrong session codes; try again in a minute');
    }
  }

  recordMiss(client: string): void {
    const misses = this.misses.get(client) ?? 0;
    // Keep the window's start: the count's TTL is not renewed by later misses.
    this.misses.set(client, misses + 1, { ttl: misses === 0 ? WINDOW_MS : this.misses.getRemainingTTL(client) || 1 });
  }
}
