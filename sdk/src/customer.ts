import { JoinSessionDocument, PlaceOrderDocument, type PlaceOrderMutationVariables } from '../generated/graphql';
import { OrderedClient, type ClientOptions } from './client';
import { OrderedError } from './errors';
import type { Order, Product, SessionWithOrders } from './types';

export interface CustomerClientOptions extends ClientOptions {
  /** How placeOrder retries when no answer arrived (NETWORK_ERROR), always with the same idempotency key. */
  placeOrderRetry?: {
    /** Retries after the first attempt (default 3). */
    retries?: number;
    /** Wait before retry number `attempt` (1, 2 …); default 250 ms doubling. */
    delayMs?: (attempt: number) => number;
  };
}

export interface PlaceOrderOptions {
  /** Reuse the key of an earlier attempt (e.g. `error.idempotencyKey`); by default the SDK makes a new one. */
  idempotencyKey?: string;
}

/** What a customer sees on joining: the session with its orders so far, and the menu. */
export interface JoinedSession {
  session: SessionWithOrders;
  menu: Product[];
}

/**
 * The customer app: join a session with the code from its QR code, read the menu, place orders,
 * watch the session. Customers are anonymous: the code is their key.
 */
export class CustomerClient extends OrderedClient {
  private readonly retries: number;
  private readonly delayMs: (attempt: number) => number;

  constructor(options: CustomerClientOptions) {
    super(options);
    this.retries = options.placeOrderRetry?.retries ?? 3;
    this.delayMs = options.placeOrderRetry?.delayMs ?? ((attempt) => 250 * 2 ** (attempt - 1));
  }

  /**
   * The session and its location's menu. To see what happens next, subscribe with the session's
   * `lastSeq` as `afterSeq`: the orders here are the state up to that event.
   */
  async join(code: string): Promise<JoinedSession> {
    return this.request(JoinSessionDocument, { code });
  }

  /**
   * Places an order. The SDK makes the idempotency key and, when an attempt gets no answer
   * (the connection failed, the request timed out), tries again with the same key: the service
   * then answers with the first order instead of making a second. A failure carries the key as
   * `error.idempotencyKey` for a later retry by the caller.
   */
  async placeOrder(variables: Omit<PlaceOrderMutationVariables, 'idempotencyKey'>, options: PlaceOrderOptions = {}): Promise<Order> {
    const idempotencyKey = options.idempotencyKey ?? newIdempotencyKey();
    for (let attempt = 0; ; attempt++) {
      try {
        return (await this.request(PlaceOrderDocument, { ...variables, idempotencyKey })).placeOrder;
      } catch (error) {
        const retryable = error instanceof OrderedError && error.code === 'NETWORK_ERROR';
        if (!retryable || attempt >= this.retries) {
          if (error instanceof OrderedError) error.idempotencyKey = idempotencyKey;
          throw error;
        }
        await new Promise((resolve) => setTimeout(resolve, this.delayMs(attempt + 1)));
      }
    }
  }

  protected credential(): undefined {
    return undefined;
  }
}

export function createCustomerClient(options: CustomerClientOptions): CustomerClient {
  return new CustomerClient(options);
}

/** A random UUID (v4), from crypto.randomUUID where there is one (Node, secure browser contexts). */
export function newIdempotencyKey(): string {
  const webCrypto = (globalThis as { crypto?: { randomUUID?: () => string; getRandomValues?: (bytes: Uint8Array) => Uint8Array } }).crypto;
  if (webCrypto?.randomUUID) return webCrypto.randomUUID();
  const bytes = new Uint8Array(16);
  if (webCrypto?.getRandomValues) webCrypto.getRandomValues(bytes);
  else for (let i = 0; i < 16; i++) bytes[i] = Math.floor(Math.random() * 256);
  bytes[6] = (bytes[6] & 0x0f) | 0x40;
  bytes[8] = (bytes[8] & 0x3f) | 0x80;
  const hex = Array.from(bytes, (byte) => byte.toString(16).padStart(2, '0')).join('');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}
