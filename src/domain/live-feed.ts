import type { Logger } from '../logger';
import type { EventBus, Listening } from '../pubsub/event-bus';
import { EventQueue } from '../pubsub/event-queue';
import { within } from '../time-limit';

/** Anything with a place in a gap-free log: 1, 2, 3 … per stream. */
export interface Sequenced {
  seq: number;
}

/**
 * What a watch yields: an event as published, or word that the log has reached `head`
 * (everything up to it is committed) while no event said so. `head: Infinity` means
 * "events were dropped here; read the log to its end".
 */
export type FeedItem<Event extends Sequenced> = { event: Event } | { head: number };

/** One subscription's view of a topic: pull items with `next()`, stop with `return()`. */
export type Watch<Event extends Sequenced> = EventQueue<FeedItem<Event>>;

/**
 * The seq of the last event of each stream asked about whose log is past the seq given for
 * it (-1: none seen yet); streams not past it are left out, so a quiet topic costs no row.
 */
export type ReadHeads = (seen: ReadonlyMap<string, number>) => Promise<Map<string, number>>;

export interface LiveFeedOptions<Kind extends string> {
  bus: EventBus;
  topic: (kind: Kind, key: string) => string;
  /** Per kind of stream, how to read the heads of many of its logs in one query. */
  heads: Record<Kind, ReadHeads>;
  logger: Logger;
  /** How often quiet topics are checked against their log's head. */
  repairIntervalMs?: number;
}

export interface LiveFeedStats {
  /** Topics this instance listens to. */
  topics: number;
  /** Messages received from the bus, over all topics. */
  messages: number;
  /** Events committed by this instance and handed to its own subscriptions without the bus. */
  committedHere: number;
  /** Events handed to subscriptions: each message counts once per subscription of its topic. */
  deliveries: number;
  /** Times a topic's log was found ahead of what its messages said. */
  repairs: number;
  /** Rounds of checking the quiet topics against their logs (one per interval while any topic is watched). */
  checks: number;
}

export const DEFAULT_REPAIR_INTERVAL_MS = 1_000;
/** Events a slow subscription may have waiting before it falls back to reading the log. */
const QUEUE_CAPACITY = 1_000;
/** How long a new subscription waits for Redis to confirm the topic; after that the repair covers it. */
const LISTEN_WAIT_MS = 1_000;
const HEADS_PER_QUERY = 500;

interface Topic {
  name: string;
  kind: string;
  key: string;
  watches: Set<Watch<Sequenced>>;
  listening: Listening;
  /**
   * The highest seq this topic has handed to its watches (as an event or a head). Every
   * watch that existed then delivers everything up to it: an event past a gap makes it read
   * the gap from the log; a later watch reads the log after it started listening. Undefined
   * until the first message or repair.
   */
  highestSeen: number | undefined;
  /**
   * When a message last raised highestSeen (performance.now()): a topic that has been quiet
   * for an interval is checked. A repair does not count: its topic is losing messages.
   */
  lastMessageAt: number;
}

/**
 * This instance's live events, one bus topic per session or location, shared by all local
 * subscriptions to it. A message is handed only to the subscriptions of its own topic, so
 * its cost does not grow with subscriptions to anything else.
 *
 * Messages can be lost: a publish that failed (Redis away, the process died after its
 * commit), or one sent while this instance's Redis connection was re-connecting. So every
 * interval the feed asks, in one query per kind, which of the topics that have been quiet have
 * a log ahead of what they were told, and tells their watches; they read what they missed.
 */
export class LiveFeed<Kind extends string> {
  private readonly topics = new Map<string, Topic>();
  private readonly intervalMs: number;
  private timer: NodeJS.Timeout | undefined;
  private repairing: Promise<void> | undefined;
  private readonly counts = { messages: 0, committedHere: 0, deliveries: 0, repairs: 0, checks: 0 };

  constructor(private readonly options: LiveFeedOptions<Kind>) {
    this.intervalMs = options.repairIntervalMs ?? DEFAULT_REPAIR_INTERVAL_MS;
  }

  /**
   * Starts watching a stream. When it resolves, the topic is live (or Redis is away and the
   * repair will cover it): read the log after this, and nothing published is missed.
   */
  async watch<Event extends Sequenced>(kind: Kind, key: string): Promise<Watch<Event>> {
    const topic = this.topicFor(kind, key);
    const watch: Watch<Sequenced> = new EventQueue<FeedItem<Sequenced>>(QUEUE_CAPACITY, { head: Infinity }, () => this.unwatch(topic, watch));
    topic.watches.add(watch);
    await within(topic.listening.ready, LISTEN_WAIT_MS, () => undefined).catch((error) =>
      this.options.logger.warn('listening failed; relying on the log', { topic: topic.name, error: String(error) }),
    );
    return watch as unknown as Watch<Event>;
  }

  stats(): LiveFeedStats {
    return { topics: this.topics.size, ...this.counts };
  }

  private topicFor(kind: Kind, key: string): Topic {
    const name = this.options.topic(kind, key);
    const existing = this.topics.get(name);
    if (existing) return existing;
    const listening = this.options.bus.listen<Sequenced>(name, (event) => this.dispatch(topic, event));
    const topic: Topic = { name, kind, key, watches: new Set(), listening, highestSeen: undefined, lastMessageAt: -Infinity };
    this.topics.set(name, topic);
    this.timer ??= setInterval(() => void this.repair(), this.intervalMs).unref();
    return topic;
  }

  private unwatch(topic: Topic, watch: Watch<Sequenced>): void {
    topic.watches.delete(watch);
    if (topic.watches.size > 0 || this.topics.get(topic.name) !== topic) return;
    this.topics.delete(topic.name);
    topic.listening.close();
    if (this.topics.size === 0 && this.timer) {
      clearInterval(this.timer);
      this.timer = undefined;
    }
  }

  /**
   * An event this instance has just committed: its local subscribers get it at once instead
   * of after a round trip through Redis, whose copy then arrives as a repeat and is dropped.
   */
  hearCommitted(topicName: string, event: Sequenced): void {
    const topic = this.topics.get(topicName);
    if (!topic) return;
    this.counts.committedHere += 1;
    this.deliver(topic, event);
  }

  private dispatch(topic: Topic, event: Sequenced): void {
    this.counts.messages += 1;
    if (!Number.isInteger(event?.seq)) {
      this.options.logger.warn('ignored a message without seq', { topic: topic.name });
      return;
    }
    this.deliver(topic, event);
  }

  private deliver(topic: Topic, event: Sequenced): void {
    // Every watch has had it (or was told to read the log past it) when the topic rose past it.
    if (topic.highestSeen !== undefined && event.seq <= topic.highestSeen) return;
    topic.highestSeen = event.seq;
    topic.lastMessageAt = performance.now();
    for (const watch of topic.watches) {
      watch.push({ event });
      this.counts.deliveries += 1;
    }
  }

  private repair(): Promise<void> {
    // One repair at a time: a slow database must not pile them up.
    this.repairing ??= this.repairQuietTopics()
      .catch((error) => this.options.logger.warn('live event repair failed', { error: String(error) }))
      .finally(() => (this.repairing = undefined));
    return this.repairing;
  }

  private async repairQuietTopics(): Promise<void> {
    // The monotonic clock: a wall clock set back would make every topic look busy until it caught up.
    const quietSince = performance.now() - this.intervalMs;
    this.counts.checks += 1;
    const due = new Map<string, Topic[]>();
    for (const topic of this.topics.values()) {
      if (topic.lastMessageAt > quietSince) continue;
      const ofKind = due.get(topic.kind);
      if (ofKind) ofKind.push(topic);
      else due.set(topic.kind, [topic]);
    }
    for (const [kind, topics] of due) {
      for (let start = 0; start < topics.length; start += HEADS_PER_QUERY) {
        const batch = topics.slice(start, start + HEADS_PER_QUERY);
        const heads = await this.options.heads[kind as Kind](new Map(batch.map((topic) => [topic.key, topic.highestSeen ?? -1])));
        for (const topic of batch) this.tellHead(topic, heads.get(topic.key) ?? topic.highestSeen ?? 0);
      }
    }
  }

  private tellHead(topic: Topic, head: number): void {
    if (topic.highestSeen !== undefined && head <= topic.highestSeen) return;
    if (topic.highestSeen !== undefined) this.counts.repairs += 1;
    topic.highestSeen = head;
    if (head === 0) return;
    for (const watch of topic.watches) watch.push({ head });
  }
}
