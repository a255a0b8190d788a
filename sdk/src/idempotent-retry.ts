import { OrderedError } from './errors';

/** How a write that carries an idempotency key is retried when no answer arrived (NETWORK_ERROR). */
export interface RetryOptions {
  /** Retries after the first attempt (default 3). */
  retries?: number;
  /** Wait before retry number `attempt` (1, 2 …); default 250 ms doubling. */
  delayMs?: (attempt: number) => number;
}

/**
 * Sends the write until it is answered, always with the same key, so the service answers a
 * retry with what the first attempt made. An answered failure is not retried. The error that
 * ends it carries the key as `error.idempotencyKey`, for a later retry by the caller.
 */
export async function sendWithRetries<Result>(idempotencyKey: string, options: RetryOptions, send: (idempotencyKey: string) => Promise<Result>): Promise<Result> {
  const retries = options.retries ?? 3;
  const delayMs = options.delayMs ?? ((attempt: number) => 250 * 2 ** (attempt - 1));
  for (let attempt = 0; ; attempt++) {
    try {
      return await send(idempotencyKey);
    } catch (error) {
      const retryable = error instanceof OrderedError && error.code === 'NETWORK_ERROR';
      if (!retryable || attempt >= retries) {
        if (error instanceof OrderedError) error.idempotencyKey = idempotencyKey;
        throw error;
      }
      await new Promise((resolve) => setTimeout(resolve, delayMs(attempt + 1)));
    }
  }
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
