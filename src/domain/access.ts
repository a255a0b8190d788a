import { LRUCache } from 'lru-cache';
import type { Siblings } from '../datasources';
import { upTo } from './cache-bounds';
import { credentialKey, type Credential } from './credential';
import { ForbiddenError, NotFoundError, UnauthenticatedError } from './errors';

/** Tokens logged out within one cache lifetime that an instance remembers as such. */
const MAX_REVOKED = 10_000;

/** How often, at least, watched streams are checked again, however short the cache lifetime. */
const MIN_RECHECK_MS = 1_000;

/**
 * Credentials a re-check asks about at once. One by one, a round took as long as the
 * verification service needed for all of them, and a slow answer held up every other check.
 */
const RECHECK_CONCURRENCY = 16;

/** A live stream a representative's credential opened: ended when that credential may no longer open it. */
export interface EndableStream {
  fail(error: Error): void;
  onceClosed(callback: () => void): void;
}

interface WatchedStream {
  stream: EndableStream;
  credential: Credential;
  locationId: number;
}

/**
 * Who may do what (DESIGN.md §4). Verification and ownership answers are reused for a
 * short time (≤ 60 s); a logged-out token is forgotten at once and, for as long as a
 * verification could still be cached, refused without asking (see CredentialRevocations).
 */
export class Access {
  private readonly verified: LRUCache<string, number>;
  private readonly owners: LRUCache<number, number>;
  private readonly revoked: LRUCache<string, true>;
  /** Questions to the siblings in flight, shared by everyone asking the same meanwhile (a room of panels subscribing at once). */
  private readonly verifying = new Map<string, Promise<number>>();
  private readonly locating = new Map<number, Promise<number>>();
  /** The live streams each token opened, while they stream. */
  private readonly streamsByToken = new Map<string, Set<WatchedStream>>();
  private readonly ttl: number;
  private readonly recheckMs: number;
  private recheckTimer: NodeJS.Timeout | undefined;
  private rechecking = false;
  private rounds = 0;

  constructor(
    private readonly siblings: Pick<Siblings, 'verification' | 'locations'>,
    cacheTtlMs: number,
  ) {
    const ttl = (this.ttl = Math.max(1, Math.min(cacheTtlMs, 60_000)));
    this.verified = new LRUCache({ ...upTo(50_000), ttl });
    this.owners = new LRUCache({ ...upTo(50_000), ttl });
    this.revoked = new LRUCache({ ...upTo(MAX_REVOKED), ttl });
    // Half a lifetime: a stream opens on answers at most half a lifetime old (see requireOwner),
    // so none outlives the answers it was let in on by more than one lifetime.
    this.recheckMs = Math.max(Math.floor(ttl / 2), MIN_RECHECK_MS);
  }

  /**
   * The verified user id of a representative's credential; `fresh`: asked again, whatever is
   * cached; `streaming`: asked again if the cached answer is older than half its lifetime.
   */
  async authenticate(presented: Credential | null | 'malformed', { fresh = false, streaming = false } = {}): Promise<number> {
    const credential = wellFormed(presented);
    const token = credentialKey(credential);
    const cached = fresh || (streaming && !this.youngEnough(this.verified, token)) ? undefined : this.verified.get(token);
    if (cached !== undefined) return cached;
    if (this.revoked.has(token)) throw loggedOut();
    const userId = await shared(this.verifying, token, async () => (await this.siblings.verification.verify(credential)).userId);
    // Logged out while the verification service was answering: that answer is already stale.
    if (this.revoked.has(token)) throw loggedOut();
    this.verified.set(token, userId);
    return userId;
  }

  /**
   * The verified user id, who must own the location. `streaming`: for a stream that is then
   * checked again every half lifetime (endWhenRefused), on answers at most half a lifetime old.
   */
  async requireOwner(credential: Credential | null | 'malformed', locationId: number, { streaming = false } = {}): Promise<number> {
    const userId = await this.authenticate(credential, { streaming });
    const ownerId = await this.ownerOf(locationId, { fresh: streaming && !this.youngEnough(this.owners, locationId) });
    if (ownerId !== userId) throw notOwner(locationId);
    return userId;
  }

  /** Whether the cached answer under `key` is at most half its lifetime old. */
  private youngEnough<Key extends {}>(cache: LRUCache<Key, number>, key: Key): boolean {
    return cache.getRemainingTTL(key) >= this.ttl / 2;
  }

  /**
   * The credential (its `credentialKey`) was logged out, here or on another instance: refused
   * from now on, and the live streams it opened end with UNAUTHENTICATED.
   */
  revoke(token: string): void {
    this.verified.delete(token);
    this.revoked.set(token, true);
    const streams = this.streamsByToken.get(token);
    this.streamsByToken.delete(token);
    this.stopRecheckingIfNone();
    for (const { stream } of streams ?? []) stream.fail(loggedOut());
  }

  /** How many live streams are watched for a logout of their credential. */
  get streamsWatched(): number {
    let count = 0;
    for (const streams of this.streamsByToken.values()) count += streams.size;
    return count;
  }

  /**
   * Ends the location stream `stream` when its credential may no longer open it: at once when
   * the credential is logged out (here, or on another instance, told through Redis), and
   * otherwise at the next re-check, every half cache lifetime, which also finds a logout whose
   * message was lost, a credential that expired and a location that changed hands. Access to
   * a stream is checked when it starts and must not outlive the credential (DESIGN.md §4).
   */
  endWhenRefused(credential: Credential | null | 'malformed', locationId: number, stream: EndableStream): void {
    if (credential === null || credential === 'malformed') return;
    const token = credentialKey(credential);
    // Logged out while the stream was being opened.
    if (this.revoked.has(token)) return stream.fail(loggedOut());
    let streams = this.streamsByToken.get(token);
    if (!streams) this.streamsByToken.set(token, (streams = new Set()));
    const watched: WatchedStream = { stream, credential, locationId };
    streams.add(watched);
    this.recheckTimer ??= setInterval(() => void this.recheck(), this.recheckMs).unref();
    stream.onceClosed(() => this.forget(token, watched));
  }

  private forget(token: string, watched: WatchedStream): void {
    const current = this.streamsByToken.get(token);
    if (!current?.delete(watched) || current.size > 0) return;
    this.streamsByToken.delete(token);
    this.stopRecheckingIfNone();
  }

  private stopRecheckingIfNone(): void {
    if (this.streamsByToken.size > 0 || !this.recheckTimer) return;
    clearInterval(this.recheckTimer);
    this.recheckTimer = undefined;
  }

  /** Rounds of re-checking the watched streams so far. */
  get recheckRounds(): number {
    return this.rounds;
  }

  /**
   * Asks the siblings again whether each watched stream's credential may open it: afresh, as
   * the cached answers are what is being checked (answered from the cache, a round would see
   * the last round's answer), and once per credential and per location in a round.
   */
  private async recheck(): Promise<void> {
    if (this.rechecking) return;
    this.rechecking = true;
    this.rounds += 1;
    const owners = new Map<number, Promise<number | Error | null>>();
    const refusalAt = async (locationId: number, userId: number): Promise<Error | null> => {
      let owner = owners.get(locationId);
      if (!owner) owners.set(locationId, (owner = refusalOf(this.ownerOf(locationId, { fresh: true }))));
      const ownerId = await owner;
      if (typeof ownerId !== 'number') return ownerId;
      return ownerId === userId ? null : notOwner(locationId);
    };
    const recheckToken = async (token: string, streams: Set<WatchedStream>) => {
      // Its streams may have closed while the round asked about others.
      const watchedOnes = [...streams];
      if (watchedOnes.length === 0) return;
      const user = await refusalOf(this.authenticate(watchedOnes[0].credential, { fresh: true }));
      for (const watched of watchedOnes) {
        const refusal = typeof user === 'number' ? await refusalAt(watched.locationId, user) : user;
        if (!refusal) continue;
        this.forget(token, watched);
        watched.stream.fail(refusal);
      }
    };
    try {
      // A few credentials at a time, each taking the next from one shared list.
      const tokens = [...this.streamsByToken].values();
      const checkInTurn = async () => {
        for (const [token, streams] of tokens) await recheckToken(token, streams);
      };
      await Promise.all(Array.from({ length: RECHECK_CONCURRENCY }, checkInTurn));
    } finally {
      this.rechecking = false;
    }
  }

  private async ownerOf(locationId: number, { fresh = false } = {}): Promise<number> {
    const cached = fresh ? undefined : this.owners.get(locationId);
    if (cached !== undefined) return cached;
    const ownerId = await shared(this.locating, locationId, async () => {
      const location = await this.siblings.locations.location(locationId);
      if (!location) throw new NotFoundError(`Location ${locationId} does not exist`);
      return location.userId;
    });
    this.owners.set(locationId, ownerId);
    return ownerId;
  }
}

/** The answer to a question already in flight under `key`, or a new one asked: one call however many wait for it. */
function shared<Key, Answer>(inFlight: Map<Key, Promise<Answer>>, key: Key, ask: () => Promise<Answer>): Promise<Answer> {
  let answer = inFlight.get(key);
  if (!answer) {
    answer = ask().finally(() => inFlight.delete(key));
    inFlight.set(key, answer);
  }
  return answer;
}

/**
 * What `answer` gives, its refusal (the credential's own answer) as an Error, or null for an
 * outage: a sibling that is down (SERVICE_UNAVAILABLE) leaves the stream be.
 */
function refusalOf<T>(answer: Promise<T>): Promise<T | Error | null> {
  return answer.catch((error: unknown) =>
    error instanceof UnauthenticatedError || error instanceof ForbiddenError || error instanceof NotFoundError ? error : null,
  );
}

function notOwner(locationId: number): ForbiddenError {
  return new ForbiddenError(`You do not represent location ${locationId}`);
}

function loggedOut(): UnauthenticatedError {
  return new UnauthenticatedError('This credential was logged out: sign in again');
}

/** The credential a request presented, or UNAUTHENTICATED saying what is wrong with it. */
export function wellFormed(presented: Credential | null | 'malformed'): Credential {
  if (presented === null) throw new UnauthenticatedError('Sign in as a representative: send "Authorization: Bearer <user id>:<session key>"');
  if (presented === 'malformed') throw new UnauthenticatedError('The credential is not of the form "Bearer <user id>:<session key>"');
  return presented;
}
