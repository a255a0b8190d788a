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
