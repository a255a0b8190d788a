import { LRUCache } from 'lru-cache';
import { RateLimiterMemory, RateLimiterRedis, RateLimiterRes, type RateLimiterAbstract } from 'rate-limiter-flexible';
import type { EventBus } from '../pubsub/event-bus';
import { Topics } from '../pubsub/topics';
import { RateLimitedError } from './errors';

const WINDOW_SECONDS = 60;

/** One lookup of a code this instance does not know, paid for from the client's allowance. */
export interface CodeAttempt {
  /** The code opened a session, or could not be looked up: the attempt is given back. */
  giveBack(): void;
  /** The code opened nothing: the attempt stays counted as a wrong code. */
  countAsWrong(): void;
}

interface Exhausted {
  client: string;
  forMs: number;
}

/**
 * Codes are only 6 hex characters: a client that keeps trying wrong ones is slowed down.
 *
 * Wrong codes are counted per client address in a fixed one-minute window, in Redis when
 * there is one, so that guesses spread over instances add up (in memory while Redis is away).
 * Every lookup takes its attempt before it is made and gives it back if the code is right:
 * guesses sent all at once are counted before any of them is answered. A client that has
 * used up its allowance is refused everything that takes a code, on every instance (told
 * through the bus), also codes an instance already knows.
 */
export class WrongCodeThrottle {
  private readonly exhausted = new LRUCache<string, true>({ max: 100_000, ttl: WINDOW_SECONDS * 1000 });

  private constructor(
    private readonly allowance: RateLimiterAbstract,
    private readonly bus: EventBus,
  ) {
    bus.listen<Exhausted>(Topics.wrongCodesExhausted, (told) => {
      if (typeof told?.client === 'string' && told.forMs > 0) this.exhausted.set(told.client, true, { ttl: told.forMs });
    });
  }

  static create(bus: EventBus, limitPerMinute: number): WrongCodeThrottle {
    const options = { points: limitPerMinute, duration: WINDOW_SECONDS, keyPrefix: `${bus.namespace}wrong-codes` };
    const inMemory = new RateLimiterMemory(options);
    const redis = bus.commandConnection;
    const allowance = redis
      ? new RateLimiterRedis({ ...options, storeClient: redis, rejectIfRedisNotReady: true, insuranceLimiter: inMemory })
      : inMemory;
    return new WrongCodeThrottle(allowance, bus);
  }

  /** Refuses a client whose allowance is used up, without asking Redis. */
  assertAllowed(client: string): void {
    if (this.exhausted.has(client)) throw tooMany();
  }

  /** Takes one attempt from the client's allowance, or refuses if none is left. */
  async attempt(client: string): Promise<CodeAttempt> {
    const taken = await this.allowance.consume(client).catch((refusal: unknown) => {
      if (!(refusal instanceof RateLimiterRes)) throw refusal;
      this.exhaust(client, refusal.msBeforeNext);
      throw tooMany();
    });
    return {
      // Giving back is only fairness to a client that guessed right; it need not be waited for.
      giveBack: () => void this.allowance.reward(client).catch(() => undefined),
      countAsWrong: () => {
        if (taken.remainingPoints === 0) this.exhaust(client, taken.msBeforeNext);
      },
    };
  }

  private exhaust(client: string, forMs: number): void {
    if (forMs <= 0 || this.exhausted.has(client)) return;
    this.exhausted.set(client, true, { ttl: forMs });
    // Redis away: the others refuse the client at its next unknown code, from the shared count.
    this.bus.publish<Exhausted>(Topics.wrongCodesExhausted, { client, forMs }).catch(() => undefined);
  }
}

function tooMany(): RateLimitedError {
  return new RateLimitedError('Too many wrong session codes; try again in a minute');
}
