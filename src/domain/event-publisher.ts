import type { EventBus } from '../pubsub/event-bus';
import { Topics } from '../pubsub/topics';
import type { Logger } from '../logger';
import type { SessionEventRecord } from './session-events';

/**
 * Publishes events whose transaction has committed. A publish that fails is logged and
 * not retried here: subscribers repair gaps from the event log.
 */
export class EventPublisher {
  constructor(
    private readonly bus: EventBus,
    private readonly logger: Logger,
  ) {}

  async publishCommitted(events: SessionEventRecord[]): Promise<void> {
    for (const event of events) {
      try {
        await this.bus.publish(Topics.session(event.sessionId), event);
      } catch (error) {
        this.logger.warn('event publish failed', { sessionId: event.sessionId, seq: event.seq, error: String(error) });
      }
    }
  }
}
