import { JoinSessionDocument, PlaceOrderDocument, type PlaceOrderMutationVariables } from '../generated/graphql';
import { OrderedClient, type ClientOptions } from './client';
import { newIdempotencyKey, sendWithRetries, type RetryOptions } from './idempotent-retry';
import type { Order, Product, SessionWithOrders } from './types';

export interface CustomerClientOptions extends ClientOptions {
  /** How placeOrder retries when no answer arrived (NETWORK_ERROR), always with the same idempotency key. */
  placeOrderRetry?: RetryOptions;
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
  private readonly placeOrderRetry: RetryOptions;

  constructor(options: CustomerClientOptions) {
    super(options);
    this.placeOrderRetry = options.placeOrderRetry ?? {};
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
    return sendWithRetries(options.idempotencyKey ?? newIdempotencyKey(), this.placeOrderRetry, async (idempotencyKey) => {
      return (await this.request(PlaceOrderDocument, { ...variables, idempotencyKey })).placeOrder;
    });
  }

  protected credential(): undefined {
    return undefined;
  }
}

export function createCustomerClient(options: CustomerClientOptions): CustomerClient {
  return new CustomerClient(options);
}
