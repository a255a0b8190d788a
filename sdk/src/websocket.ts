import { createClient, type Client, type FormattedExecutionResult, type Sink, type SubscribePayload } from 'graphql-ws/client';

export interface ReconnectOptions {
  /** How many reconnects in a row graphql-ws tries before the subscriptions fail (default 10). */
  attempts?: number;
  /** Waits before reconnect number `retries` (0, 1, 2 …); default: exponential from 500 ms, at most 15 s, plus jitter. */
  wait?: (retries: number) => Promise<void>;
}

export interface WebSocketOptions {
  /** The graphql-ws endpoint, e.g. ws://127.0.0.1:4000/graphql. */
  wsUrl: string;
  /** A WebSocket class: `WebSocket` from the `ws` package in Node; browsers have their own. */
  webSocketImpl?: unknown;
  reconnect?: ReconnectOptions;
  /**
   * A ping every so often; a pong missing for `keepAliveMs`, or a socket still not open after it,
   * ends the socket and reconnects (default 10 s; 0 turns it off).
   */
  keepAliveMs?: number;
}

/** Exponential backoff from 500 ms, capped at 15 s, with up to 500 ms of jitter. */
export async function backoff(retries: number): Promise<void> {
  await new Promise((resolve) => setTimeout(resolve, backoffMs(retries)));
}

function backoffMs(retries: number): number {
  return Math.min(500 * 2 ** retries, 15_000) + Math.floor(Math.random() * 500);
}

/**
 * One lazy graphql-ws connection for a client's subscriptions: opened by the first subscription,
 * closed after the last, reconnected with backoff when it drops. graphql-ws sends every active
 * subscription's payload again after a reconnect; the session subscription makes its
 * `afterSeq` a getter so that the resend asks for what came after the last delivered event.
 */
export class WebSocketLink {
  private current?: { client: Client; open: boolean };
  /** The retries waiting (waitBeforeRetry), each stopped by its function: closing stops them all. */
  private readonly retries = new Set<() => void>();

  constructor(
    private readonly options: WebSocketOptions,
    private readonly connectionParams: () => Record<string, unknown>,
  ) {}

  subscribe<Data>(payload: SubscribePayload, sink: Sink<FormattedExecutionResult<Data>>): () => void {
    return this.connection().subscribe(payload, sink);
  }

  /**
   * Waits as before reconnect number `retries` (the `reconnect.wait` option, or the backoff), and
   * at least `atLeastMs`: true then; false at once when `signal` aborts or the link is closed.
   * Its own timer is cleared when it stops, so a closed client keeps no process alive (a custom
   * `reconnect.wait` runs to its end).
   */
  waitBeforeRetry(retries: number, atLeastMs: number, signal: AbortSignal): Promise<boolean> {
    const wait = this.options.reconnect?.wait;
    return new Promise((resolve) => {
      let pending = wait ? 2 : 1;
      const waited = () => (pending -= 1) === 0 && finish(true);
      const timer = setTimeout(waited, Math.max(atLeastMs, wait ? 0 : backoffMs(retries)));
      const stop = () => finish(false);
      const finish = (done: boolean) => {
        clearTimeout(timer);
        this.retries.delete(stop);
        signal.removeEventListener('abort', stop);
        resolve(done);
      };
      this.retries.add(stop);
      signal.addEventListener('abort', stop);
      if (wait) void wait(retries).then(waited);
    });
  }

  /** Drops an open socket; active subscriptions reconnect (e.g. with a new credential). */
  reconnect(): void {
    // A socket not open yet reads connectionParams when it opens. (Terminating it would make
    // graphql-ws close it without an error listener, and `ws` then throw an unhandled 'error'.)
    if (this.current?.open) this.current.client.terminate();
  }

  /** Closes the socket; active subscriptions complete, and so do those waiting to be asked for again. */
  async close(): Promise<void> {
    for (const stop of [...this.retries]) stop();
    const current = this.current;
    this.current = undefined;
    if (!current) return;
    // dispose() waits for a connection in progress (a reconnect's backoff included) and rejects
    // when that fails. Closing waits for neither: the subscriptions complete once it settles.
    const disposed = Promise.resolve(current.client.dispose()).catch(() => undefined);
    if (current.open) await disposed;
  }

  private connection(): Client {
    if (this.current) return this.current.client;
    const { wsUrl, webSocketImpl = (globalThis as { WebSocket?: unknown }).WebSocket, reconnect = {}, keepAliveMs = 10_000 } = this.options;
    const client = createClient({
      url: wsUrl,
      webSocketImpl: webSocketImpl && keepAliveMs > 0 ? openingWithin(webSocketImpl as WebSocketClass, keepAliveMs) : webSocketImpl,
      lazy: true,
      connectionParams: () => this.connectionParams(),
      retryAttempts: reconnect.attempts ?? 10,
      retryWait: reconnect.wait ?? backoff,
      // Also retry a refused connection (an instance restarting), not only a closed one.
      shouldRetry: () => true,
      keepAlive: keepAliveMs,
    });
    if (keepAliveMs > 0) watchPongs(client, keepAliveMs);
    const current = { client, open: false };
    client.on('opened', () => (current.open = true));
    client.on('closed', () => (current.open = false));
    this.current = current;
    return client;
  }
}

/** What the SDK needs of a WebSocket class: the browser's, or `ws`'s in Node (`any[]`: TypeScript's rule for a class to extend). */
type WebSocketClass = new (...args: any[]) => { close(): void; addEventListener(type: 'open' | 'close', listener: () => void): void };

/**
 * `Impl` whose sockets give up when not open within `timeoutMs`, and so are retried: graphql-ws
 * pings only once open, and neither it nor `ws` ends an upgrade that is never answered.
 */
function openingWithin(Impl: WebSocketClass, timeoutMs: number): WebSocketClass {
  return class extends Impl {
    constructor(...args: any[]) {
      super(...args);
      const timer = setTimeout(() => this.close(), timeoutMs);
      this.addEventListener('open', () => clearTimeout(timer));
      this.addEventListener('close', () => clearTimeout(timer));
    }
  };
}

/** A ping without a pong within `timeoutMs` means a dead connection: terminate it, so it reconnects. */
function watchPongs(client: Client, timeoutMs: number): void {
  let timer: ReturnType<typeof setTimeout> | undefined;
  client.on('ping', (received) => {
    if (received) return;
    clearTimeout(timer);
    timer = setTimeout(() => client.terminate(), timeoutMs);
  });
  client.on('pong', (received) => {
    if (received) clearTimeout(timer);
  });
  client.on('closed', () => clearTimeout(timer));
}
