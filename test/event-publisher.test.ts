import { EventPublisher } from '../src/domain/event-publisher';
import { createLogger } from '../src/logger';
import { EventBus } from '../src/pubsub/event-bus';

/** How many promise jobs a local delivery takes here: live feed, stream, graphql-ws, the socket's send. */
const DELIVERY_JOBS = 30;

/**
 * A committed event goes to this instance's own subscribers first: their delivery runs as
 * promise jobs, and the bus (the PUBLISH for other instances) waits until those have run
 * instead of being built in front of them.
 */
describe('EventPublisher', () => {
  it("publishes on the bus only after this instance's own deliveries have run", async () => {
    const bus = EventBus.inProcess();
    const happened: string[] = [];
    const listening = bus.listen('session.1', () => happened.push('bus'));
    await listening.ready;
    const deliverLocally = async () => {
      for (let job = 0; job < DELIVERY_JOBS; job += 1) await null;
      happened.push('local frame');
    };
    const publisher = new EventPublisher(bus, createLogger('silent'), () => {
      happened.push('heard here');
      void deliverLocally();
    });

    publisher.publishCommitted([{ topic: 'session.1', event: { seq: 1 } }]);
    await new Promise((resolve) => setImmediate(resolve));

    expect(happened).toEqual(['heard here', 'local frame', 'bus']);
    listening.close();
    await bus.close();
  });
});
