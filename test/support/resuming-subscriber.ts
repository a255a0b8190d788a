import { createClient, type Client } from 'graphql-ws';
import WebSocket from 'ws';

export interface StreamEvent {
  __typename: string;
  seq: number;
  [field: string]: unknown;
}

export interface ResumingSubscriberOptions {
  /** The graphql-ws URL to (re)connect to; asked again before every attempt, like a load balancer. */
  pickUrl: () => string;
  query: string;
  /** The subscription's root field: `sessionEvents` or `locationEvents`. */
  field: string;
  /** Variables besides `afterSeq`, which the subscriber sets itself. */
  variables: Record<string, unknown>;
  token?: string;
  afterSeq?: number;
}

/**
 * A client that keeps one subscription going the way DESIGN.md §5 tells clients to: when its
 * connection drops (a cut socket, an instance that died), it subscribes again, on whichever
 * instance `pickUrl` gives, with `afterSeq` = the last seq it received. It keeps every event
 * it received, duplicates included, so a test can check the whole sequence.
 */
export class ResumingSubscriber {
  readonly events: StreamEvent[] = [];
  /** GraphQL errors; they end the subscription (they are not connection failures). */
  readonly errors: unknown[] = [];
  /** Times it subscribed again after a dropped connection. */
  resumes = 0;
  completed = false;
  private client: Client | undefined;
  private socket: WebSocket | undefined;
  private stopped = false;
  private waiters: (() => void)[] = [];

  constructor(private readonly options: ResumingSubscriberOptions) {
    this.connect();
  }

  get seqs(): number[] {
    return this.events.map((event) => event.seq);
  }

  get lastSeq(): number {
    return this.events.at(-1)?.seq ?? this.options.afterSeq ?? 0;
  }

  /** Cuts its connection as a network failure would: no close frame, the socket is just gone. */
  cut(): void {
    this.socket?.terminate();
  }

  /** Resolves once `holds()` is true or the subscription ended; rejects after `timeoutMs`. */
  async waitUntil(holds: (subscriber: this) => boolean, timeoutMs: number, what = 'the condition'): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (!holds(this) && !this.completed && this.errors.length === 0) {
      const remaining = deadline - Date.now();
      if (remaining <= 0) {
        throw new Error(`waited ${timeoutMs} ms for ${what}; last seq ${this.lastSeq} after ${this.resumes} resumes, errors ${JSON.stringify(this.errors)}`);
      }
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, Math.min(remaining, 200));
        this.waiters.push(() => {
          clearTimeout(timer);
          resolve();
        });
      });
    }
  }

  waitForSeq(seq: number, timeoutMs = 20_000): Promise<void> {
    return this.waitUntil((subscriber) => subscriber.lastSeq >= seq, timeoutMs, `seq ${seq}`);
  }

  waitForCompletion(timeoutMs = 20_000): Promise<void> {
    return this.waitUntil((subscriber) => subscriber.completed, timeoutMs, 'completion');
  }

  async stop(): Promise<void> {
    this.stopped = true;
    await this.client?.dispose();
  }

  private connect(): void {
    if (this.stopped || this.completed) return;
    const url = this.options.pickUrl();
    const client = createClient({
      url,
      webSocketImpl: WebSocket,
      connectionParams: this.options.token ? { authorization: `Bearer ${this.options.token}` } : {},
      retryAttempts: 0,
      lazy: true,
      on: { connected: (socket) => (this.socket = socket as WebSocket) },
    });
    this.client = client;
    let failed = false;
    client.subscribe<Record<string, StreamEvent>>(
      { query: this.options.query, variables: { ...this.options.variables, afterSeq: this.lastSeq } },
      {
        next: (result) => {
          if (result.errors?.length) this.errors.push(...result.errors);
          const event = result.data?.[this.options.field];
          if (event) this.events.push(event);
          this.notify();
        },
        error: (error) => {
          if (failed) return;
          failed = true;
          void client.dispose();
          if (Array.isArray(error)) {
            this.errors.push(...error);
            this.notify();
            return;
          }
          // The connection dropped or could not be made: subscribe again from where it got to.
          setTimeout(() => {
            this.resumes += 1;
            this.connect();
          }, 20 + Math.random() * 100);
        },
        complete: () => {
          this.completed = true;
          void client.dispose();
          this.notify();
        },
      },
    );
  }

  private notify(): void {
    const waiters = this.waiters;
    this.waiters = [];
    waiters.forEach((wake) => wake());
  }
}
