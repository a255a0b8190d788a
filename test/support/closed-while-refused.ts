// Run as its own process by sdk-stream-refusals.test.ts: a customer subscribes with a code its
// address may not use (RATE_LIMITED), then closes the client while the subscription waits to be
// asked for again, and prints which timers the process still holds once its sockets have closed.
import WebSocket from 'ws';
import { createCustomerClient } from '../../sdk/src';

const [url, wsUrl, code] = process.argv.slice(2);
const guest = createCustomerClient({ url, wsUrl, webSocketImpl: WebSocket });
const subscription = guest.subscribeToSession(code, { onError: () => undefined, onEnd: () => console.log('ended') });
process.stdin.once('data', async () => {
  await guest.close();
  // A socket that was still connecting clears its own timers once it has closed, in a moment;
  // the wait before asking again would hold one for at least half a second.
  const timers = () => process.getActiveResourcesInfo().filter((resource) => resource === 'Timeout');
  const settled = Date.now() + 300;
  while (timers().length > 0 && Date.now() < settled) await new Promise((resolve) => setImmediate(resolve));
  console.log(JSON.stringify(timers()));
  void subscription;
});
console.log('subscribed');
