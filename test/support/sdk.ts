import WebSocket from 'ws';
import { createCustomerClient, createRepresentativeClient, type CustomerClientOptions, type RepresentativeClientOptions } from '../../sdk/src';

interface Endpoint {
  url: string;
  wsUrl: string;
}

/** Reconnects quickly, so tests that cut sockets do not wait out the production backoff. */
const quickReconnect = { attempts: 20, wait: () => new Promise<void>((resolve) => setTimeout(resolve, 50)) };

/** The representative's SDK client against a test app, as a Node client builds it. */
export function representativeClient(app: Endpoint, options: Partial<RepresentativeClientOptions> = {}) {
  return createRepresentativeClient({ url: app.url, wsUrl: app.wsUrl, webSocketImpl: WebSocket, reconnect: quickReconnect, ...options });
}

/** The customer's SDK client against a test app. */
export function customerClient(app: Endpoint, options: Partial<CustomerClientOptions> = {}) {
  return createCustomerClient({ url: app.url, wsUrl: app.wsUrl, webSocketImpl: WebSocket, reconnect: quickReconnect, ...options });
}

/** Reads an async iterable (e.g. a session subscription) in the background, for tests to wait on. */
export class Collector<Item> {
  readonly items: Item[] = [];
  readonly errors: unknown[] = [];
  completed = false;
  readonly done: Promise<void>;
  private waiters: (() => void)[] = [];

  constructor(source: AsyncIterable<Item>) {
    this.done = (async () => {
      try {
        for await (const item of source) {
          this.items.push(item);
          this.notify();
        }
      } catch (error) {
        this.errors.push(error);
      } finally {
        this.completed = true;
        this.notify();
      }
    })();
  }

  /** Resolves once `count` items arrived (or the source ended); rejects after `timeoutMs`. */
  waitFor(count: number, timeoutMs = 10_000): Promise<Item[]> {
    return this.waitUntil((items) => items.length >= count, timeoutMs, `${count} items`);
  }

  /** Resolves once the items so far satisfy `done` (or the source ended); rejects after `timeoutMs`. */
  async waitUntil(done: (items: Item[]) => boolean, timeoutMs = 10_000, what = 'the items awaited'): Promise<Item[]> {
    const deadline = Date.now() + timeoutMs;
    while (!done(this.items) && !this.completed) {
      const remaining = deadline - Date.now();
      if (remaining <= 0) throw new Error(`waited for ${what}, got ${this.items.length} items: ${String(this.errors)}`);
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, remaining);
        this.waiters.push(() => {
          clearTimeout(timer);
          resolve();
        });
      });
    }
    return this.items;
  }

  private notify(): void {
    const waiters = this.waiters;
    this.waiters = [];
    waiters.forEach((wake) => wake());
  }
}
