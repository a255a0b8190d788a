import { randomUUID } from 'node:crypto';
import { Redis } from 'ioredis';
import { EventBus } from '../src/pubsub/event-bus';
import { testRedisUrl } from './support/environment';
import { waitFor } from './support/wait';

/**
 * Thousands of subscriptions arriving together (a restart) bring as many new topics: they go to
 * Redis a batch per SUBSCRIBE, not one each, and each still hears only its own messages.
 */
describe('topics listened to over Redis', () => {
  const namespace = `test-${randomUUID()}:`;
  const bus = EventBus.redis(testRedisUrl(), namespace);
  const watcher = new Redis(testRedisUrl());
  let monitor: Redis | undefined;
  const subscribes: string[][] = [];

  beforeAll(async () => {
    await bus.connected();
    monitor = await watcher.monitor();
    monitor.on('monitor', (_time: string, args: string[]) => {
      if (args[0].toLowerCase() === 'subscribe' && args[1]?.startsWith(namespace)) subscribes.push(args.slice(1));
    });
  });
  afterAll(async () => {
    await bus.close();
    // MONITOR runs on a connection of its own.
    monitor?.disconnect();
    watcher.disconnect();
  });

  it('go out as one SUBSCRIBE for the topics of one turn, each ready once Redis confirmed it and hearing its own messages', async () => {
    const topics = Array.from({ length: 20 }, (_, index) => `table-${index}`);
    const heard = new Map<string, unknown[]>(topics.map((topic) => [topic, []]));
    const listenings = topics.map((topic) => bus.listen(topic, (message) => heard.get(topic)!.push(message)));
    await Promise.all(listenings.map((listening) => listening.ready));

    expect(subscribes).toEqual([topics.map((topic) => namespace + topic)]);
    for (const topic of topics) await bus.publish(topic, { to: topic });
    await waitFor(async () => [...heard.values()].every((messages) => messages.length === 1), 'every topic heard its message');
    for (const topic of topics) expect(heard.get(topic)).toEqual([{ to: topic }]);
    for (const listening of listenings) listening.close();
  });
});
