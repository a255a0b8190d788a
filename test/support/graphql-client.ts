import { createClient, type Client } from 'graphql-ws';
import { request } from 'node:http';
import WebSocket from 'ws';

export interface GraphQLResponse<Data = any> {
  data?: Data | null;
  errors?: { message: string; extensions?: { code?: string; [key: string]: unknown } }[];
}

/** One GraphQL request over real HTTP, as a client sends it. */
export async function graphql<Data = any>(
  url: string,
  query: string,
  variables: Record<string, unknown> = {},
  token?: string,
): Promise<GraphQLResponse<Data>> {
  const response = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
    body: JSON.stringify({ query, variables }),
  });
  return (await response.json()) as GraphQLResponse<Data>;
}

/** One GraphQL request over HTTP from another loopback address, i.e. from another client. */
export function graphqlFrom(localAddress: string, url: string, query: string, variables: Record<string, unknown>): Promise<GraphQLResponse> {
  return new Promise((resolve, reject) => {
    const body = JSON.stringify({ query, variables });
    const sending = request(url, { method: 'POST', localAddress, headers: { 'content-type': 'application/json' } }, (response) => {
      let text = '';
      response.setEncoding('utf8');
      response.on('data', (chunk) => (text += chunk));
      response.on('end', () => resolve(JSON.parse(text)));
    });
    sending.on('error', reject);
    sending.end(body);
  });
}

/** The first error's extensions.code, or undefined. */
export function errorCode(response: GraphQLResponse): string | undefined {
  return response.errors?.[0]?.extensions?.code;
}

export function webSocketClient(wsUrl: string, token?: string): Client {
  return createClient({
    url: wsUrl,
    webSocketImpl: WebSocket,
    connectionParams: token ? { authorization: `Bearer ${token}` } : {},
    retryAttempts: 0,
    lazy: true,
  });
}

/** A subscription that collects what it receives, for tests to wait on. */
export class Subscriber<Item = any> {
  readonly items: Item[] = [];
  readonly errors: unknown[] = [];
  completed = false;
  private waiters: (() => void)[] = [];
  private readonly dispose: () => void;
  readonly done: Promise<void>;

  constructor(client: Client, query: string, variables: Record<string, unknown>, operationName?: string) {
    let finish!: () => void;
    this.done = new Promise((resolve) => (finish = resolve));
    this.dispose = client.subscribe<Item>(
      { query, variables, operationName },
      {
        next: (result) => {
          if (result.errors) this.errors.push(...result.errors);
          if (result.data) this.items.push(result.data as Item);
          this.notify();
        },
        error: (error) => {
          this.errors.push(error);
          this.completed = true;
          finish();
          this.notify();
        },
        complete: () => {
          this.completed = true;
          finish();
          this.notify();
        },
      },
    );
  }

  /** Resolves once `count` items arrived (or the subscription ended); rejects after `timeoutMs`. */
  async waitFor(count: number, timeoutMs = 10_000): Promise<Item[]> {
    const deadline = Date.now() + timeoutMs;
    while (this.items.length < count && !this.completed) {
      const remaining = deadline - Date.now();
      if (remaining <= 0) throw new Error(`waited for ${count} items, got ${this.items.length}: ${JSON.stringify(this.errors)}`);
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

  async waitForErrors(timeoutMs = 10_000): Promise<unknown[]> {
    const deadline = Date.now() + timeoutMs;
    while (this.errors.length === 0 && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 20));
    return this.errors;
  }

  unsubscribe(): void {
    this.dispose();
  }

  private notify(): void {
    const waiters = this.waiters;
    this.waiters = [];
    waiters.forEach((wake) => wake());
  }
}
