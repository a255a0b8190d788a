// Run as its own process by sdk-stream-refusals.test.ts: a customer subscribes with a code its
// address may not use (RATE_LIMITED), then closes the client while the subscription waits to be
// asked for again, and prints which timers the process still holds.
import WebSocket from 'ws';
import { createCustomerClient } from '../../sdk/src';

const [url, wsUrl, code] = process.argv.slice(2);
const guest = createCustomerClient({ url, wsUrl, webSocketImpl: WebSocket });
const subscription = guest.subscribeToSession(code, { onError: () => undefined, onEnd: () => console.log('ended') });
process.stdin.once('data', async () => {
  await guest.close();
  setImmediate(() => console.log(JSON.stringify(process.getActiveResourcesInfo().filter((resource) => resource === 'Timeout'))));
  void subscription;
});
console.log('subscribed');
