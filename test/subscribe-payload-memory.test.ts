import WebSocket from 'ws';
import { MAX_SUBSCRIPTION_MESSAGE_BYTES } from '../src/server/websocket';
import { DEMO, login, openSession, placeOrder } from './support/fixtures';
import { heapUsed } from './support/heap';
import { scrapeMetric } from './support/metrics';
import { SESSION_EVENTS_SUBSCRIPTION } from './support/operations';
import { acknowledgedSocket } from './support/raw-socket';
import { startTestApp, type TestApp } from './support/test-app';
import { waitFor } from './support/wait';

/** JSON of about `bytes` that parses into many small objects: `{"p":[{},{},…]}`. */
const manyObjects = (bytes: number) => `{"p":[${new Array(Math.floor(bytes / 3)).fill('{}').join(',')}]}`;
const SUBSCRIPTIONS = 50;
/** Where a Subscribe message carries the padding: the payload's extensions, a variable the operation does not declare, a key of its own in the payload, or in the message. */
type Padded = 'extensions' | 'variables' | 'payload' | 'message';

/**
 * graphql-ws keeps a Subscribe message as long as its subscription streams. A frame of `{}`s in
 * the payload's extensions, in a variable the operation does not declare, in a key of its own in
 * the payload or in the message parses into about 20 times its size in objects, which each of a
 * socket's 50 subscriptions would keep (about 290 MB a socket at 256 KiB frames; now a
 * subscription's frame has at most 16 KiB, and only the protocol's fields reach graphql-ws).
 */
describe('what a streaming subscription keeps of its Subscribe message', () => {
  let test: TestApp;
  let code: string;
  beforeAll(async () => {
    test = await startTestApp();
    ({ code } = await openSession(test.url, await login(test.url), 'Padded subscribes'));
  });
  afterAll(() => test.stop());

  async function subscribePadded(socket: WebSocket, where: Padded): Promise<void> {
    const before = await scrapeMetric(test.url, 'ordered_subscriptions_active');
    const padding = manyObjects(MAX_SUBSCRIPTION_MESSAGE_BYTES - 1_000);
    for (let id = 1; id <= SUBSCRIPTIONS; id++) {
      const payload = JSON.stringify({ query: SESSION_EVENTS_SUBSCRIPTION, variables: { code, afterSeq: 0 } }).slice(0, -1);
      const padded = {
        extensions: `${payload},"extensions":${padding}}`,
        variables: payload.replace('"afterSeq":0}', `"afterSeq":0,"unused":${padding}}`) + '}',
        payload: `${payload},"unused":${padding}}`,
        message: `${payload}},"unused":${padding}`,
      }[where];
      socket.send(`{"id":"${id}","type":"subscribe","payload":${padded}}`);
    }
    await waitFor(async () => (await scrapeMetric(test.url, 'ordered_subscriptions_active')) === before + SUBSCRIPTIONS, 'the streams live');
  }

  it.each(['extensions', 'variables', 'payload', 'message'] as const)('keeps nothing of what is added in its %s beyond what the operation runs on', async (where) => {
    const start = heapUsed();
    const { socket, messages } = await acknowledgedSocket(test.wsUrl);
    await subscribePadded(socket, where);
    const held = heapUsed() - start;

    // The subscriptions stream as if nothing had been added.
    await placeOrder(test.url, code, [{ productId: DEMO.espresso.id, quantity: 1 }]);
    await waitFor(async () => messages.filter((message) => message.type === 'next').length >= SUBSCRIPTIONS, 'an event on every subscription');
    socket.terminate();
    await waitFor(async () => (await scrapeMetric(test.url, 'ordered_subscriptions_active')) === 0, 'the streams ended');

    // What the streams themselves take: the payloads share one copy of their query text.
    expect(held).toBeLessThan(6e6);
  });

  it('keeps one copy of a query text that many subscriptions send, and none of their frames', async () => {
    const comment = 14_000;
    const heldBySubscriptions = async (query: string) => {
      const start = heapUsed();
      const { socket } = await acknowledgedSocket(test.wsUrl);
      for (let id = 1; id <= SUBSCRIPTIONS; id++) socket.send(JSON.stringify({ id: String(id), type: 'subscribe', payload: { query, variables: { code, afterSeq: 0 } } }));
      await waitFor(async () => (await scrapeMetric(test.url, 'ordered_subscriptions_active')) === SUBSCRIPTIONS, 'the streams live');
      // What the streams' first steps hold for a moment (a few KB each) is let go by then.
      await new Promise((resolve) => setTimeout(resolve, 300));
      const held = heapUsed() - start;
      socket.terminate();
      await waitFor(async () => (await scrapeMetric(test.url, 'ordered_subscriptions_active')) === 0, 'the streams ended');
      return held;
    };
    // The first streams also leave what their code compiled to: not counted.
    await heldBySubscriptions(SESSION_EVENTS_SUBSCRIPTION);
    const plain = await heldBySubscriptions(SESSION_EVENTS_SUBSCRIPTION);
    const commented = await heldBySubscriptions(`# ${'x'.repeat(comment)}\n${SESSION_EVENTS_SUBSCRIPTION}`);
    // Kept the text of its frame, and a copy of the query besides, each would hold twice the comment.
    expect((commented - plain) / SUBSCRIPTIONS).toBeLessThan(comment / 2);
  });
});
