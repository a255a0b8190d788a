import { connect, type Socket } from 'node:net';
import { MAX_UNSENT_BYTES } from '../src/server/bounded-websocket';
import { login, openSession, placeOrder, DEMO } from './support/fixtures';
import { graphql } from './support/graphql-client';
import { scrapeMetric } from './support/metrics';
import { SESSION } from './support/operations';
import { startTestApp, type TestApp } from './support/test-app';
import { waitFor } from './support/wait';

/** A keep-alive HTTP connection that asks for a session with its orders and reads nothing, until `read()`. */
class NotReading {
  private readonly socket: Socket;
  private head = '';
  private bodyBytes = 0;
  private readonly closed: Promise<void>;

  constructor(url: string, code: string) {
    const { hostname, port } = new URL(url);
    this.socket = connect(Number(port), hostname);
    this.socket.pause();
    this.socket.on('data', (chunk: Buffer) => this.take(chunk));
    this.closed = new Promise((resolve) => this.socket.once('close', () => resolve()));
    this.socket.on('error', () => undefined); // a connection cut off may end in a reset
    const body = JSON.stringify({ query: SESSION, variables: { code } });
    this.socket.write(`POST /graphql HTTP/1.1\r\nHost: ${hostname}\r\nContent-Type: application/json\r\nContent-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`);
  }

  /** Reads what the service kept for it; whether that is its whole answer (else it was cut off first). */
  async read(): Promise<boolean> {
    const whole = new Promise<void>((resolve) => this.socket.on('data', () => this.complete() && resolve()));
    this.socket.resume();
    await Promise.race([this.closed, whole]);
    this.socket.destroy();
    return this.complete();
  }

  private take(chunk: Buffer): void {
    const headEnd = this.head.indexOf('\r\n\r\n');
    if (headEnd >= 0) return void (this.bodyBytes += chunk.length);
    this.head += chunk.toString('latin1');
    const end = this.head.indexOf('\r\n\r\n');
    if (end >= 0) {
      this.bodyBytes = this.head.length - end - 4;
      this.head = this.head.slice(0, end + 4);
    }
  }

  private complete(): boolean {
    const length = /content-length: (\d+)/i.exec(this.head)?.[1];
    return this.head.startsWith('HTTP/1.1 200') && length !== undefined && this.bodyBytes === Number(length);
  }
}

describe('what one client may leave unsent over its HTTP connections (UNSENT_BYTES_PER_CLIENT)', () => {
  const LIMIT = 8 * 1024 * 1024;
  const CONNECTIONS = 8;
  const ORDERS = 150;
  let test: TestApp;
  beforeAll(async () => {
    test = await startTestApp({ unsentBytesPerClient: LIMIT });
  });
  afterAll(() => test.stop());

  it('cuts off the connections with the most waiting of a client that asks on several and reads none, until it is under its limit', async () => {
    const { code } = await openSession(test.url, await login(test.url), 'Large orders over HTTP');
    const items = Array.from({ length: 50 }, () => ({ productId: DEMO.espresso.id, quantity: 1, note: 'n'.repeat(500) }));
    for (let order = 0; order < ORDERS; order++) expect((await placeOrder(test.url, code, items)).errors).toBeUndefined();
    // About 4.5 MB asked for on each connection: more than the kernel's buffers take, and together far over the limit.
    expect(ORDERS * 30_000).toBeLessThan(MAX_UNSENT_BYTES);
    expect(CONNECTIONS * ORDERS * 30_000).toBeGreaterThan(3 * LIMIT);

    const connections = Array.from({ length: CONNECTIONS }, () => new NotReading(test.url, code));
    await waitFor(async () => (await scrapeMetric(test.url, 'ordered_connections_cut_off_total')) > 0, 'connections cut off', 20_000);
    // A second count finds the client under its limit: nothing more is cut.
    await new Promise((resolve) => setTimeout(resolve, 2_500));
    const cutOff = await scrapeMetric(test.url, 'ordered_connections_cut_off_total');

    const whole = await Promise.all(connections.map((connection) => connection.read()));
    expect(whole.filter((complete) => !complete)).toHaveLength(cutOff);
    expect(cutOff).toBeLessThan(CONNECTIONS);

    // The address is answered again, in full.
    const read = await graphql(test.url, SESSION, { code });
    expect(read.errors).toBeUndefined();
    expect(read.data.session.orders).toHaveLength(ORDERS);
  }, 90_000);
});
