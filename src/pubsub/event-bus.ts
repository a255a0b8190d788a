import { PubSub, type PubSubEngine } from 'graphql-subscriptions';
import { RedisPubSub } from 'graphql-redis-subscriptions';
import { Redis } from 'ioredis';
import { EventEmitter } from 'node:events';
import { EventQueue } from './event-queue';

const QUEUE_CAPACITY = 10_000;

/**
 * Publish and subscribe by topic, over Redis (several instances) or in-process (one).
 * `subscribe` resolves only once the subscription is live, so a reader may then read
 * the event log without missing what is published meanwhile.
 */
export class EventBus {
  private constructor(
    private readonly engine: PubSubEngine,
    private readonly connections: Redis[],
  ) {}

  static inProcess(): EventBus {
    const emitter = new EventEmitter();
    emitter.setMaxListeners(0);
    return new EventBus(new PubSub({ eventEmitter: emitter }), []);
  }

  static redis(url: string): EventBus {
    const options = { maxRetriesPerRequest: null, enableOfflineQueue: true };
    const publisher = new Redis(url, { ...options, connectionName: 'ordered-publisher' });
    const subscriber = new Redis(url, { ...options, connectionName: 'ordered-subscriber' });
    // Errors are retried by ioredis; without a listener they would crash the process.
    for (const connection of [publisher, subscriber]) connection.on('error', () => undefined);
    return new EventBus(new RedisPubSub({ publisher, subscriber }), [publisher, subscriber]);
  }

  get usesRedis(): boolean {
    return this.connections.length > 0;
  }

  publish<T>(topic: string, payload: T): Promise<void> {
    return this.engine.publish(topic, payload);
  }

  async subscribe<T>(topic: string): Promise<EventQueue<T>> {
    let subscriptionId: number | undefined;
    const queue = new EventQueue<T>(QUEUE_CAPACITY, () => {
      if (subscriptionId !== undefined) this.engine.unsubscribe(subscriptionId);
    });
    subscriptionId = await this.engine.subscribe(topic, (payload: T) => queue.push(payload), {});
    return queue;
  }

  /** Whether Redis answers (always true in-process). */
  async isReachable(): Promise<boolean> {
    try {
      await Promise.all(this.connections.map((connection) => connection.ping()));
      return true;
    } catch {
      return false;
    }
  }

  async close(): Promise<void> {
    await Promise.all(this.connections.map((connection) => connection.quit().catch(() => connection.disconnect())));
  }
}
