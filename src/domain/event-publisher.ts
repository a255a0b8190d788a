import type { Logger } from '../logger';
import type { EventBus } from '../pubsub/event-bus';

/** An event written in a transaction, to publish on its topic once that transaction has committed. */
export interface Outgoing {
  topic: string;
  event: { seq: number };
}

/**
 * Publishes events whose transaction has committed: this instance's own subscribers get them
 * at once, the bus (other instances) in the background, so no answer waits for Redis. The
 * bus's turn comes after this one's promise jobs, where the local subscribers' frames are
 * made and written: building a PUBLISH (ioredis's pipeline, the event's JSON) took about
 * 0.07 ms in front of them on an idle instance. A
 * publish that fails (or takes longer than the bus allows) is logged and not retried: the
 * live feed of every instance finds the log ahead of what it heard and its subscribers read
 * the rest from there.
 */
export class EventPublisher {
  constructor(
    private readonly bus: EventBus,
    private readonly logger: Logger,
    /** Hands each event to this instance's own subscribers first. */
    private readonly hearLocally: (topic: string, event: Outgoing['event']) => void = () => undefined,
  ) {}

  publishCommitted(events: Outgoing[]): void {
    for (const { topic, event } of events) this.hearLocally(topic, event);
    setImmediate(() => this.publishToBus(events));
  }

  private publishToBus(events: Outgoing[]): void {
    for (const { topic, event } of events) {
      this.bus.publish(topic, event).catch((error: unknown) => {
        this.logger.warn('event publish failed', { topic, seq: event.seq, error: String(error) });
      });
    }
  }
}
