import { RateLimiterMemory, RateLimiterRedis, type RateLimiterAbstract } from 'rate-limiter-flexible';
import type { EventBus } from '../pubsub/event-bus';

/**
 * An allowance of `points` per client in a fixed window of `durationSeconds`, counted in Redis
 * when the bus has it, so that attempts spread over instances add up; in memory while Redis is
 * away (each instance on its own) or when there is none.
 */
export function sharedAllowance(bus: EventBus, name: string, points: number, durationSeconds: number): RateLimiterAbstract {
  const options = { points, duration: durationSeconds, keyPrefix: `${bus.namespace}${name}` };
  const inMemory = new RateLimiterMemory(options);
  const redis = bus.commandConnection;
  return redis ? new RateLimiterRedis({ ...options, storeClient: redis, rejectIfRedisNotReady: true, insuranceLimiter: inMemory }) : inMemory;
}

/**
 * `count` attempts back to `key`, as far as the window they were taken in still counts them: a
 * reward on a key whose window ended meanwhile would start the next window below zero, with
 * attempts to spare beyond the limit.
 */
export async function giveBack(allowance: RateLimiterAbstract, key: string, count = 1): Promise<void> {
  try {
    const counted = await allowance.get(key);
    // Past its end a window counts nothing any more (in memory, its expiry timer may run late).
    if (!counted || counted.msBeforeNext <= 0) return;
    const back = Math.min(count, counted.consumedPoints);
    if (back <= 0) return;
    const rewarded = await allowance.reward(key, back);
    // The window ended between the two calls, and the reward began the next one below zero.
    if (rewarded.consumedPoints < 0) await allowance.penalty(key, -rewarded.consumedPoints);
  } catch {
    // Redis away: the attempts stay counted until their window ends.
  }
}
