import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { DEMO } from './support/fixtures';
import { metricValue } from './support/metrics';
import { Collector, customerClient, representativeClient } from './support/sdk';
import { startTestApp, type TestApp } from './support/test-app';
import { waitFor } from './support/wait';

const ESPRESSO = [{ productId: DEMO.espresso.id, quantity: 1 }];
const pause = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** Every WebSocket the instance holds dropped, as when a café's Wi-Fi blinks. */
function dropSockets(test: TestApp): void {
  for (const socket of test.app.webSocketServer.clients) socket.terminate();
}

async function refusedOverWebSocket(test: TestApp, code: string): Promise<number> {
  const text = await (await fetch(test.url.replace('/graphql', '/metrics?name=ordered_graphql_errors_total'))).text();
  const line = text.split('\n').find((entry) => entry.includes('transport="ws"') && entry.includes(`code="${code}"`));
  return line ? metricValue(line, 'ordered_graphql_errors_total') : 0;
}

describe('SDK streams refused for a while on resubscribing', () => {
  let test: TestApp;
  beforeAll(async () => {
    // Verification answers older than half a second are asked again when a location stream opens.
    test = await startTestApp({ authCacheTtlMs: 1000, wrongCodeLimitPerMinute: 5 });
  });
  afterAll(() => test.stop());

  it('still ends a stream refused for good (NOT_FOUND) with its error', async () => {
    const guest = customerClient(test);
    try {
      const stream = new Collector(guest.subscribeToSession('fffff0'));
      await stream.done;
      expect(stream.errors).toEqual([expect.objectContaining({ code: 'NOT_FOUND' })]);
    } finally {
      await guest.close();
    }
  });

  it("keeps the panel's location stream while the verification service is away for a moment, and goes on from its last seq", async () => {
    const representative = representativeClient(test);
    const customer = customerClient(test);
    try {
      await representative.login(DEMO.representative);
      const { code } = await representative.openSession({ locationId: DEMO.cafe, name: 'Blip' });
      const panel = new Collector(representative.subscribeToLocation(DEMO.cafe));
      await panel.waitFor(1);
      await pause(700);

      const refusedBefore = await refusedOverWebSocket(test, 'SERVICE_UNAVAILABLE');
      test.doubles.control.setUnavailable('verification');
      dropSockets(test);
      await waitFor(async () => (await refusedOverWebSocket(test, 'SERVICE_UNAVAILABLE')) >= refusedBefore + 2, 'the stream asked for again');
      test.doubles.control.setUnavailable('verification', false);

      await customer.placeOrder({ code, items: ESPRESSO });
      await panel.waitFor(2);
      expect(panel.errors).toEqual([]);
      expect(panel.completed).toBe(false);
      expect(panel.items.map((event) => [event.seq, event.__typename])).toEqual([
        [1, 'SessionOpened'],
        [2, 'OrderPlaced'],
      ]);
    } finally {
      await Promise.all([representative.close(), customer.close()]);
    }
  });

  it("keeps asking for a guest's stream while another guest at the same address is out of wrong codes, instead of ending it", async () => {
    const representative = representativeClient(test);
    const guest = customerClient(test);
    const neighbour = customerClient(test);
    try {
      await representative.login(DEMO.representative);
      const { code } = await representative.openSession({ locationId: DEMO.cafe, name: 'Throttled' });
      const stream = new Collector(guest.subscribeToSession(code));
      await guest.placeOrder({ code, items: ESPRESSO });
      await stream.waitFor(1);

      for (let i = 0; i < 6; i++) await neighbour.session(`00000${i}`).catch(() => undefined);
      const refusedBefore = await refusedOverWebSocket(test, 'RATE_LIMITED');
      dropSockets(test);
      await waitFor(async () => (await refusedOverWebSocket(test, 'RATE_LIMITED')) >= refusedBefore + 3, 'the stream asked for again');
      expect(stream.errors).toEqual([]);
      expect(stream.completed).toBe(false);
    } finally {
      await Promise.all([representative.close(), guest.close(), neighbour.close()]);
    }
  });


  it('ends a subscription waiting to be asked for again when the client closes, and leaves no timer behind', async () => {
    const representative = representativeClient(test);
    await representative.login(DEMO.representative);
    const { code } = await representative.openSession({ locationId: DEMO.cafe, name: 'Closed while waiting' });
    await representative.close();
    // The address out of wrong codes: the stream is refused, and waits to be asked for again.
    const neighbour = customerClient(test);
    for (let i = 0; i < 6; i++) await neighbour.session(`10000${i}`).catch(() => undefined);
    await neighbour.close();
    const child = spawn(process.execPath, ['-r', './test/support/swc-register.js', 'test/support/closed-while-refused.ts', test.url, test.wsUrl, code], {
      cwd: join(__dirname, '..'),
      stdio: ['pipe', 'pipe', 'inherit'],
    });
    const lines: string[] = [];
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => lines.push(...chunk.trim().split('\n')));
    const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
    try {
      const refusedBefore = await refusedOverWebSocket(test, 'RATE_LIMITED');
      await waitFor(async () => (await refusedOverWebSocket(test, 'RATE_LIMITED')) > refusedBefore, 'the stream refused');
      child.stdin.write('close\n');
      await waitFor(async () => lines.some((line) => line.startsWith('[')), 'the timers told');
      expect([lines.includes('ended'), JSON.parse(lines.find((line) => line.startsWith('[')) as string)]).toEqual([true, []]);
      const refusedAtClose = await refusedOverWebSocket(test, 'RATE_LIMITED');
      child.stdin.end();
      await exited;
      expect(await refusedOverWebSocket(test, 'RATE_LIMITED')).toBe(refusedAtClose);
    } finally {
      child.kill();
    }
  });
});
