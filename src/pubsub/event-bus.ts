import { randomBytes } from 'node:crypto';
import { EventEmitter, once } from 'node:events';
import { PubSub, type PubSubEngine } from 'graphql-subscriptions';
import { RedisPubSub } from 'graphql-redis-subscriptions';
import { Redis, type RedisOptions } from 'ioredis';
import { spacedTurns } from '../spaced-turns';
import { within } from '../time-limit';

/** A publish that has not been sent by then has failed; the event log repairs what it loses. */
export const PUBLISH_TIMEOUT_MS = 1_000;
/** How long a PING may take before Redis counts as unreachable. */
const PING_TIMEOUT_MS = 1_000;
/** How long a starting instance waits for its Redis connections before it listens anyway. */
const CONNECT_WAIT_MS = 1_000;
/**
 * How long a closed connection's socket may stay half-open before ioredis destroys it (its
 * default is 2 s). ioredis also starts that timer when the socket has already gone, as it has
 * for a connection waiting to reconnect to an unreachable Redis: it then only holds the
 * process open, which a stopping instance, and a test run, should not wait for.
 */
const DISCONNECT_TIMEOUT_MS = 250;
/** The least time between two SUBSCRIBEs while new topics keep coming (see batchSubscribes). */
const SUBSCRIBE_SPACING_MS = 2;

/** One topic listened to on this instance. */
export interface Listening {
  /** Resolves once messages published from now on arrive (Redis confirmed the SUBSCRIBE). */
  readonly ready: Promise<void>;
  /** Stops listening; safe to call at any time, also before `ready`. */
  close(): void;
}

/**
 * Publish and listen by topic, over Redis (several instances) or in-process (one).
 *
 * Redis may be away for a while: publishing then fails fast (no offline queue) or after
 * PUBLISH_TIMEOUT_MS, so publishes do not pile up behind an outage; listening connections
 * reconnect and re-subscribe by themselves (ioredis `autoResubscribe`). Nothing here retries
 * a lost message: subscribers repair from the event log (see src/domain/live-feed.ts).
 */
export class EventBus {
  private closing = false;

  private constructor(
    private readonly engine: PubSubEngine,
    private readonly connections: Redis[],
    /** The Redis CLIENT name of the listening connection, for operators (CLIENT LIST) and tests. */
    readonly subscriberName: string | null,
    /** Put before every topic: deployments (or test databases) sharing one Redis stay apart. */
    readonly namespace = '',
  ) {}

  static inProcess(): EventBus {
    const emitter = new EventEmitter();
    emitter.setMaxListeners(0);
    return new EventBus(new PubSub({ eventEmitter: emitter }), [], null);
  }

  static redis(url: string, namespace: string): EventBus {
    const instance = randomBytes(4).toString('hex');
    const publisher = new Redis(url, {
      connectionName: `ordered-publisher-${instance}`,
      // While Redis is away a publish fails at once instead of queueing behind the outage.
      enableOfflineQueue: false,
      commandTimeout: PUBLISH_TIMEOUT_MS,
      maxRetriesPerRequest: 1,
      // An order's session and location events leave in one write.
      enableAutoPipelining: true,
      disconnectTimeout: DISCONNECT_TIMEOUT_MS,
    } satisfies RedisOptions);
    const subscriberName = `ordered-subscriber-${instance}`;
    const subscriber = new Redis(url, {
      connectionName: subscriberName,
      // SUBSCRIBEs sent while Redis is away wait for it; channels are re-subscribed on reconnect.
      enableOfflineQueue: true,
      autoResubscribe: true,
      maxRetriesPerRequest: null,
      // The ready check sends INFO, which a connection already in subscriber mode (SUBSCRIBEs
      // arriving while it connects) refuses, with an error ioredis leaves unhandled.
      enableReadyCheck: false,
      disconnectTimeout: DISCONNECT_TIMEOUT_MS,
    } satisfies RedisOptions);
    // Errors are retried by ioredis; without a listener they would crash the process.
    for (const connection of [publisher, subscriber]) connection.on('error', () => undefined);
    ignoreRejections(subscriber, ['unsubscribe', 'punsubscribe']);
    batchSubscribes(subscriber, spacedTurns(SUBSCRIBE_SPACING_MS));
    return new EventBus(new SettledRedisPubSub({ publisher, subscriber }), [publisher, subscriber], subscriberName, namespace);
  }

  get usesRedis(): boolean {
    return this.connections.length > 0;
  }

  /** The connection for plain Redis commands (the publishing one), if there is Redis. */
  get commandConnection(): Redis | undefined {
    return this.connections[0];
  }

  /** Publishes, or rejects within PUBLISH_TIMEOUT_MS. */
  publish<T>(topic: string, payload: T): Promise<void> {
    return withinOrFail(this.engine.publish(this.namespace + topic, payload), PUBLISH_TIMEOUT_MS, `publish on ${topic} timed out`);
  }

  /** Calls `handler` with every message on `topic` until closed. */
  listen<T>(topic: string, handler: (payload: T) => void): Listening {
    const subscribed = this.engine.subscribe(this.namespace + topic, handler, {});
    // A SUBSCRIBE still unanswered when the connection closes fails; not every listener awaits
    // `ready`, and an unhandled rejection would end the process.
    const ready = subscribed.then(() => undefined);
    ready.catch(() => undefined);
    let closed = false;
    return {
      ready,
      close: () => {
        if (closed || this.closing) return;
        closed = true;
        // RedisPubSub counts a subscription only once Redis confirmed it: unsubscribe after that.
        subscribed.then(
          (id) => this.engine.unsubscribe(id),
          () => undefined,
        );
      },
    };
  }

  /**
   * Resolves once the Redis connections are up, or have failed, or after CONNECT_WAIT_MS: an
   * instance that listens before then publishes nothing (publishes fail fast while connecting)
   * and says it is not ready. One started while Redis is away goes on without it.
   */
  async connected(): Promise<void> {
    await Promise.all(
      this.connections.map((connection) =>
        connection.status === 'ready' ? undefined : once(connection, 'ready', { signal: AbortSignal.timeout(CONNECT_WAIT_MS) }).catch(() => undefined),
      ),
    );
  }

  /** Whether Redis answers, within a second (always true in-process). */
  async isReachable(): Promise<boolean> {
    const answers = await Promise.all(
      this.connections.map(
        (connection) =>
          connection.status === 'ready' &&
          withinOrFail(connection.ping(), PING_TIMEOUT_MS, 'ping timed out').then(
            () => true,
            () => false,
          ),
      ),
    );
    return answers.every(Boolean);
  }

  /**
   * The instance is stopping: topics it stops listening to from now on are left to the
   * connection's close, where Redis forgets them all at once. Thousands of subscriptions
   * ending together would otherwise send as many UNSUBSCRIBEs, one write each.
   */
  beginClosing(): void {
    this.closing = true;
  }

  async close(): Promise<void> {
    await Promise.all(
      this.connections.map(async (connection) => {
        // QUIT would wait for a Redis that is away; then just drop the connection.
        if (connection.status !== 'ready') return connection.disconnect();
        await withinOrFail(connection.quit(), PING_TIMEOUT_MS, 'quit timed out').catch(() => connection.disconnect());
      }),
    );
  }
}

/**
 * RedisPubSub (graphql-redis-subscriptions 2.7) keeps a second promise for a SUBSCRIBE in
 * flight, for subscriptions to the same topic that arrive meanwhile, and leaves its rejection
 * unhandled when none did: a SUBSCRIBE that fails (its connection closed before Redis
 * answered, as when an instance stops while Redis is away) would then end the process.
 */
class SettledRedisPubSub extends RedisPubSub {
  override subscribe<T = unknown>(trigger: string, onMessage: (message: T) => void, options?: unknown): Promise<number> {
    const subscribed = super.subscribe(trigger, onMessage, options);
    const inFlight = (this as unknown as { subsPendingRefsMap: Map<string, { pending: Promise<void> }> }).subsPendingRefsMap;
    inFlight.get(trigger)?.pending.catch(() => undefined);
    return subscribed;
  }
}

/** `promise`, or a rejection with `message` after `ms`. */
function withinOrFail<T>(promise: Promise<T>, ms: number, message: string): Promise<T> {
  return within(promise, ms, () => {
    throw new Error(message);
  });
}

/**
 * RedisPubSub sends UNSUBSCRIBE without awaiting it; when the connection closes first, the
 * rejected promise would be unhandled and end the process. Its failure changes nothing.
 */
function ignoreRejections(connection: Redis, commands: ('unsubscribe' | 'punsubscribe')[]): void {
  for (const command of commands) {
    const original = connection[command].bind(connection) as (...args: unknown[]) => Promise<unknown>;
    (connection as unknown as Record<string, unknown>)[command] = (...args: unknown[]) => {
      const result = original(...args);
      result?.catch?.(() => undefined);
      return result;
    };
  }
}

/**
 * RedisPubSub sends a SUBSCRIBE, one write, for each new topic: thousands of subscriptions
 * arriving together (a restart, a busy hour) would send thousands. Here the new topics of a few
 * turns go out as one SUBSCRIBE (see spacedTurns), and each caller hears back once Redis has
 * confirmed them all (or that it failed).
 */
function batchSubscribes(connection: Redis, schedule: (run: () => void) => void): void {
  const original = connection.subscribe.bind(connection) as (...args: unknown[]) => Promise<unknown>;
  let waiting: { channel: string; done: (error: Error | null) => void }[] = [];
  const sendWaiting = () => {
    const batch = waiting;
    waiting = [];
    original(...batch.map(({ channel }) => channel)).then(
      () => batch.forEach(({ done }) => done(null)),
      (error: Error) => batch.forEach(({ done }) => done(error)),
    );
  };
  (connection as unknown as Record<string, unknown>).subscribe = (...args: unknown[]) => {
    const [channel, done] = args;
    // Any other call (ioredis re-subscribing every channel after a reconnect) goes out as it is.
    if (args.length !== 2 || typeof channel !== 'string' || typeof done !== 'function') return original(...args);
    if (waiting.length === 0) schedule(sendWaiting);
    waiting.push({ channel, done: done as (error: Error | null) => void });
    return undefined;
  };
}
