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
  /** A ping every so often; a pong missing for `keepAliveMs` ends the socket and reconnects (default 10 s; 0 turns it off). */
  keepAliveMs?: number;
}

/** Exponential backoff from 500 ms, capped at 15 s, with up to 500 ms of jitter. */
export async function backoff(retries: number): Promise<void> {
  const delay = Math.min(500 * 2 ** retries, 15_000) + Math.floor(Math.random() * 500);
  await new Promise((resolve) => setTimeout(resolve, delay));
}

/**
 * One lazy graphql-ws connection for a client's subscriptions: opened by the first subscription,
 * closed after the last, reconnected with backoff when it drops. graphql-ws sends every active
 * subscription's payload again after a reconnect; the session subscription makes its
 * `afterSeq` a getter so that the resend asks for what came after the last delivered event.
 */
export class WebSocketLink {
  private client?: Client;

  constructor(
    private readonly options: WebSocketOptions,
    private readonly connectionParams: () => Record<string, unknown>,
  ) {}

  subscribe<Data>(payload: SubscribePayload, sink: Sink<FormattedExecutionResult<Data>>): () => void {
    return this.connection().subscribe(payload, sink);
  }

  /** Drops the socket; active subscriptions reconnect (e.g. with a new credential). */
  reconnect(): void {
    this.client?.terminate();
  }

  /** Closes the socket; active subscriptions complete. */
  async close(): Promise<void> {
    const client = this.client;
    this.client = undefined;
    await client?.dispose();
  }

  private connection(): Client {
    if (this.client) return this.client;
    const { wsUrl, webSocketImpl, reconnect = {}, keepAliveMs = 10_000 } = this.options;
    const client = createClient({
      url: wsUrl,
      webSocketImpl,
      lazy: true,
      connectionParams: () => this.connectionParams(),
      retryAttempts: reconnect.attempts ?? 10,
      retryWait: reconnect.wait ?? backoff,
      // Also retry a refused connection (an instance restarting), not only a closed one.
      shouldRetry: () => true,
      keepAlive: keepAliveMs,
    });
    if (keepAliveMs > 0) watchPongs(client, keepAliveMs);
    this.client = client;
    return client;
  }
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
