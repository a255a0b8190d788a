import { connect, type Socket } from 'node:net';
import { MAX_UNSENT_BYTES } from '../src/server/bounded-websocket';
import { login, openSession, placeOrder, DEMO } from './support/fixtures';
import { graphql } from './support/graphql-client';
import { scrapeMetric } from './support/metrics';
import { SESSION } from './support/operations';
import { startTestApp, type TestApp } from './support/test-app';
import { waitFor } from './support/wait';

/** A keep-alive HTTP connection that asks for a session with its orders (`requests` times, pipelined) and reads nothing, until told to. */
class NotReading {
  private readonly socket: Socket;
  private head = '';
  private bodyBytes = 0;
  private receivedBytes = 0;
  private readonly closed: Promise<void>;

  constructor(url: string, code: string, requests = 1) {
    const { hostname, port } = new URL(url);
    this.socket = connect(Number(port), hostname);
    this.socket.pause();
    this.socket.on('data', (chunk: Buffer) => this.take(chunk));
    this.closed = new Promise((resolve) => this.socket.once('close', () => resolve()));
    this.socket.on('error', () => undefined); // a connection cut off may end in a reset
    const body = JSON.stringify({ query: SESSION, variables: { code } });
    const request = `POST /graphql HTTP/1.1\r\nHost: ${hostname}\r\nContent-Type: application/json\r\nContent-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`;
    this.socket.write(request.repeat(requests));
  }

  /** Reads until the service closes the connection, at most `withinMs`; the bytes it was sent. */
  async readAll(withinMs: number): Promise<number> {
    this.socket.resume();
    await Promise.race([this.closed, new Promise((resolve) => setTimeout(resolve, withinMs))]);
    this.socket.destroy();
    return this.receivedBytes;
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
    this.receivedBytes += chunk.length;
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

  /** A session whose orders are about 4.5 MB: more than the kernel's buffers take for a connection. */
  let code: string;
  beforeAll(async () => {
    ({ code } = await openSession(test.url, await login(test.url), 'Large orders over HTTP'));
    const items = Array.from({ length: 50 }, () => ({ productId: DEMO.espresso.id, quantity: 1, note: 'n'.repeat(500) }));
    for (let order = 0; order < ORDERS; order++) expect((await placeOrder(test.url, code, items)).errors).toBeUndefined();
    expect(ORDERS * 30_000).toBeLessThan(MAX_UNSENT_BYTES);
  }, 60_000);

  it('cuts off the connections with the most waiting of a client that asks on several and reads none, until it is under its limit', async () => {
    expect(CONNECTIONS * ORDERS * 30_000).toBeGreaterThan(3 * LIMIT);
    const cutBefore = await scrapeMetric(test.url, 'ordered_connections_cut_off_total');

    const connections = Array.from({ length: CONNECTIONS }, () => new NotReading(test.url, code));
    await waitFor(async () => (await scrapeMetric(test.url, 'ordered_connections_cut_off_total')) > cutBefore, 'connections cut off', 20_000);

    // Counted once all are read: the client's large reads run two at a time, so on a slow machine
    // answers are still being made, and connections cut off, after the first cut.
    const whole = await Promise.all(connections.map((connection) => connection.read()));
    const cutOff = (await scrapeMetric(test.url, 'ordered_connections_cut_off_total')) - cutBefore;
    // Every answer lost was on a connection cut off. (A connection may be cut off with its answer all
    // in the kernel's buffers: Node counts a write as waiting until its callback has run.)
    const lost = whole.filter((complete) => !complete).length;
    expect(lost).toBeGreaterThan(0);
    expect(lost).toBeLessThanOrEqual(cutOff);
    expect(cutOff).toBeLessThan(CONNECTIONS);

    // The address is answered again, in full.
    const read = await graphql(test.url, SESSION, { code });
    expect(read.errors).toBeUndefined();
    expect(read.data.session.orders).toHaveLength(ORDERS);
  }, 60_000);

  it('counts the answers of pipelined requests queued behind the one the client does not read, and cuts the connection off', async () => {
    const PIPELINED = 20;
    expect(PIPELINED * ORDERS * 30_000).toBeGreaterThan(8 * LIMIT);
    const cutBefore = await scrapeMetric(test.url, 'ordered_connections_cut_off_total');

    const connection = new NotReading(test.url, code, PIPELINED);
    await waitFor(async () => (await scrapeMetric(test.url, 'ordered_connections_cut_off_total')) > cutBefore, 'the connection cut off', 20_000);

    // What the instance still had for it: no more than the limit and one answer.
    expect(await connection.readAll(5_000)).toBeLessThan(LIMIT + ORDERS * 30_000);
  }, 60_000);
});
