import DataLoader from 'dataloader';
import { LRUCache } from 'lru-cache';
import { RateLimiterRes, type RateLimiterAbstract } from 'rate-limiter-flexible';
import type { EventBus } from '../pubsub/event-bus';
import { Topics } from '../pubsub/topics';
import { spacedTurns } from '../spaced-turns';
import { upTo } from './cache-bounds';
import { RateLimitedError } from './errors';
import { LOOKUP_SPACING_MS, sharedLookups } from './loader-options';
import { giveBack, sharedAllowance } from './shared-allowance';

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
  private readonly exhausted = new LRUCache<string, true>({ ...upTo(100_000), ttl: WINDOW_SECONDS * 1000 });
  /** The attempts of one event-loop turn (of a few, under load) take one count per client from Redis, not one each. */
  private readonly attempts = new DataLoader<string, Taken>((clients) => this.take(clients), sharedLookups());
  private readonly givenBack = new Map<string, number>();
  private readonly giveBackTurn = spacedTurns(LOOKUP_SPACING_MS);

  private constructor(
    private readonly allowance: RateLimiterAbstract,
    private readonly bus: EventBus,
  ) {
    bus.listen<Exhausted>(Topics.wrongCodesExhausted, (told) => {
      if (typeof told?.client === 'string' && told.forMs > 0) this.exhausted.set(told.client, true, { ttl: told.forMs });
    });
  }

  static create(bus: EventBus, limitPerMinute: number): WrongCodeThrottle {
    return new WrongCodeThrottle(sharedAllowance(bus, 'wrong-codes', limitPerMinute, WINDOW_SECONDS), bus);
  }

  /** Refuses a client whose allowance is used up, without asking Redis. */
  assertAllowed(client: string): void {
    if (this.exhausted.has(client)) throw tooMany();
  }

  /** Takes one attempt from the client's allowance, or refuses if none is left. */
  async attempt(client: string): Promise<CodeAttempt> {
    const taken = await this.attempts.load(client);
    if (!taken.allowed) throw tooMany();
    return {
      giveBack: () => this.giveBack(client),
      countAsWrong: () => {
        if (taken.wasLast) this.exhaust(client, taken.msBeforeNext);
      },
    };
  }

  /** One count per client for a turn's attempts: the first that still fit the allowance go ahead. */
  private async take(clients: readonly string[]): Promise<Taken[]> {
    const wanted = new Map<string, number>();
    for (const client of clients) wanted.set(client, (wanted.get(client) ?? 0) + 1);
    const fitting = new Map<string, { count: number; msBeforeNext: number }>();
    await Promise.all(
      [...wanted].map(async ([client, count]) => {
        const result = await this.allowance.consume(client, count).catch((refusal: unknown) => {
          if (refusal instanceof RateLimiterRes) return refusal;
          throw refusal;
        });
        const takenBefore = result.consumedPoints - count;
        fitting.set(client, { count: Math.max(0, this.allowance.points - takenBefore), msBeforeNext: result.msBeforeNext });
      }),
    );
    const handedOut = new Map<string, number>();
    return clients.map((client) => {
      const index = handedOut.get(client) ?? 0;
      handedOut.set(client, index + 1);
      const { count, msBeforeNext } = fitting.get(client)!;
      if (index >= count) this.exhaust(client, msBeforeNext);
      return { allowed: index < count, wasLast: index === count - 1, msBeforeNext };
    });
  }

  /** Right codes are given back together, as the attempts were taken; they need not be waited for. */
  private giveBack(client: string): void {
    if (this.givenBack.size === 0) {
      this.giveBackTurn(() => {
        for (const [each, count] of this.givenBack) void giveBack(this.allowance, each, count);
        this.givenBack.clear();
      });
    }
    this.givenBack.set(client, (this.givenBack.get(client) ?? 0) + 1);
  }

  private exhaust(client: string, forMs: number): void {
    if (forMs <= 0 || this.exhausted.has(client)) return;
    this.exhausted.set(client, true, { ttl: forMs });
    // Redis away: the others refuse the client at its next unknown code, from the shared count.
    this.bus.publish<Exhausted>(Topics.wrongCodesExhausted, { client, forMs }).catch(() => undefined);
  }
}

interface Taken {
  allowed: boolean;
  /** It took the client's last attempt: if it proves wrong, the client is out of attempts. */
  wasLast: boolean;
  msBeforeNext: number;
}

function tooMany(): RateLimitedError {
  return new RateLimitedError('Too many wrong session codes; try again in a minute');
}
