import type { Client } from 'graphql-ws';
import { DEMO, login, openSession, placeOrder } from './support/fixtures';
import { Subscriber, webSocketClient } from './support/graphql-client';
import { SESSION_EVENTS_SUBSCRIPTION } from './support/operations';
import { scrapeMetric } from './support/metrics';
import { startTestApp, type TestApp } from './support/test-app';

const SEQ_ONLY = /* GraphQL */ `
  subscription SeqOnly($code: String!) {
    sessionEvents(code: $code) { seq }
  }
`;

/**
 * A live event goes to many subscribers; its subscription document is executed once per
 * distinct operation (document, variables), not once per subscriber — counted by
 * ordered_subscription_executions_total against ordered_event_delivery_seconds_count.
 */
describe('live events to many subscribers', () => {
  let test: TestApp;
  const clients: Client[] = [];
  beforeAll(async () => {
    test = await startTestApp();
  });
  afterAll(async () => {
    await Promise.all(clients.map((client) => client.dispose()));
    await test.stop();
  });

  it('executes each live event once per distinct operation and sends every subscriber its result', async () => {
    const token = await login(test.url);
    const { code } = await openSession(test.url, token, 'Shared execution');
    const subscribe = (query: string, variables: Record<string, unknown>) => {
      const client = webSocketClient(test.wsUrl);
      clients.push(client);
      return new Subscriber(client, query, variables);
    };
    const full = Array.from({ length: 5 }, () => subscribe(SESSION_EVENTS_SUBSCRIPTION, { code }));
    const fullFromZero = Array.from({ length: 2 }, () => subscribe(SESSION_EVENTS_SUBSCRIPTION, { code, afterSeq: 0 }));
    const seqOnly = Array.from({ length: 3 }, () => subscribe(SEQ_ONLY, { code }));
    const everyone = [...full, ...fullFromZero, ...seqOnly];

    // The first order makes sure every subscription is live (it may reach some from the log).
    await placeOrder(test.url, code);
    await Promise.all(everyone.map((subscriber) => subscriber.waitFor(1)));
    const executionsBefore = await scrapeMetric(test.url, 'ordered_subscription_executions_total');
    const deliveriesBefore = await scrapeMetric(test.url, 'ordered_event_delivery_seconds_count');

    const second = await placeOrder(test.url, code, [{ productId: DEMO.croissant.id, quantity: 2 }]);
    await Promise.all(everyone.map((subscriber) => subscriber.waitFor(2)));

    expect((await scrapeMetric(test.url, 'ordered_event_delivery_seconds_count')) - deliveriesBefore).toBe(10);
    expect((await scrapeMetric(test.url, 'ordered_subscription_executions_total')) - executionsBefore).toBe(3);
    for (const subscriber of [...full, ...fullFromZero]) {
      expect(subscriber.items[1].sessionEvents).toMatchObject({
        __typename: 'OrderPlaced',
        seq: 2,
        order: { id: second.data.placeOrder.id, total: second.data.placeOrder.total, items: [{ productId: DEMO.croissant.id, quantity: 2 }] },
      });
    }
    for (const subscriber of seqOnly) expect(subscriber.items[1]).toEqual({ sessionEvents: { seq: 2 } });
    expect(everyone.flatMap((subscriber) => subscriber.errors)).toEqual([]);
  });
});
