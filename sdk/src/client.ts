import { SessionDocument, type TypedDocumentString } from '../generated/graphql';
import { HttpTransport, type Fetch } from './http';
import { SessionSubscription, type SessionSubscriptionOptions } from './event-subscription';
import type { SessionWithOrders } from './types';
import { WebSocketLink, type ReconnectOptions } from './websocket';

/** What both clients need to reach the service. */
export interface ClientOptions {
  /** The HTTP GraphQL endpoint, e.g. http://127.0.0.1:4000/graphql. */
  url: string;
  /** The graphql-ws endpoint (default: `url` with http → ws). */
  wsUrl?: string;
  /** The WebSocket class: in Node pass `WebSocket` from the `ws` package; browsers need nothing. */
  webSocketImpl?: unknown;
  /** A fetch implementation (default: the global one, in Node 18+ and browsers). */
  fetch?: Fetch;
  /** Extra headers for HTTP requests. */
  headers?: Record<string, string>;
  /** An HTTP request not answered by then fails with NETWORK_ERROR (default 30 s). */
  requestTimeoutMs?: number;
  /** How subscriptions reconnect after a dropped WebSocket. */
  reconnect?: ReconnectOptions;
  /** Ping interval that detects a dead WebSocket, and how long one may take to open (default 10 s, 0 turns both off). */
  keepAliveMs?: number;
}

/** What the representative and the customer client share: transports, session reads and subscriptions. */
export abstract class OrderedClient {
  protected readonly http: HttpTransport;
  protected readonly link: WebSocketLink;

  protected constructor(options: ClientOptions) {
    this.http = new HttpTransport(options);
    this.link = new WebSocketLink(
      {
        wsUrl: options.wsUrl ?? options.url.replace(/^http/, 'ws'),
        webSocketImpl: options.webSocketImpl,
        reconnect: options.reconnect,
        keepAliveMs: options.keepAliveMs,
      },
      () => this.connectionParams(),
    );
  }

  /** Any typed document (from the generated module) over HTTP. */
  request<Result, Variables>(document: TypedDocumentString<Result, Variables>, variables: NoInfer<Variables>): Promise<Result> {
    return this.http.request(document, variables, this.credential());
  }

  /** A session with all its orders, oldest first. */
  async session(code: string): Promise<SessionWithOrders> {
    return (await this.request(SessionDocument, { code })).session;
  }

  /**
   * Every event of the session after `afterSeq`, exactly once and in seq order, also across
   * dropped connections; ends after SessionClosed. Iterate it with `for await`, or pass
   * callbacks (`onEvent`, `onError`, `onEnd`, any of them).
   */
  subscribeToSession(code: string, options: SessionSubscriptionOptions = {}): SessionSubscription {
    return new SessionSubscription(this.link, code, options);
  }

  /** Closes the WebSocket (active subscriptions end). HTTP needs no closing. */
  close(): Promise<void> {
    return this.link.close();
  }

  /** The bearer token sent on HTTP, if any. */
  protected abstract credential(): string | undefined;

  private connectionParams(): Record<string, unknown> {
    const token = this.credential();
    return token ? { authorization: `Bearer ${token}` } : {};
  }
}
