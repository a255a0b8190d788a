import { RESTDataSource, type AugmentedRequest } from '@apollo/datasource-rest';
import type { Fetcher, FetcherResponse } from '@apollo/utils.fetcher';
import { ServiceUnavailableError } from '../domain/errors';

export type SiblingOutcome = 'ok' | 'refused' | 'unavailable';

export interface SiblingOptions {
  baseUrl: string;
  timeoutMs: number;
  /** Told of every call: for latency and failure metrics. */
  observe?: (service: string, outcome: SiblingOutcome, seconds: number) => void;
}

/** The contract's failure reasons are snake_case; anything else is not repeated to clients. */
const REASON = /^[a-z0-9_]{1,100}$/;

/**
 * The largest answer read from a sibling. The biggest the contracts allow, 1,000 products of
 * a menu, is a few hundred KiB; anything far past that is a sibling gone wrong, and is refused
 * before it is held (and deep-cloned by RESTDataSource) in memory.
 */
export const MAX_SIBLING_ANSWER_BYTES = 8 * 1024 * 1024;

/** A refusal a contract gives a meaning, and what it means to the caller. */
export interface Refusal<T> {
  matches(rejection: SiblingRejection): boolean;
  answer(): T;
}

/** The contract's "does not exist": a 404 with this reason. Another 404 (a proxy's HTML page, say) is an outage. */
export function nullOn404(reason: string): Refusal<null> {
  return { matches: (rejection) => rejection.is(404, reason), answer: () => null };
}

/**
 * A 4xx answer with the sibling's `reason`. Each client names the ones its contract gives a
 * meaning as a `Refusal` (`is(404, 'product_not_found')`); any other stays SERVICE_UNAVAILABLE
 * naming the sibling.
 */
export class SiblingRejection extends ServiceUnavailableError {
  constructor(
    service: string,
    readonly status: number,
    readonly reason: string,
  ) {
    super(service, `it answered ${status} (${reason})`);
  }

  is(status: number, reason: string): boolean {
    return this.status === status && this.reason === reason;
  }
}

/**
 * Shared by the four sibling clients: base URL, timeout, and the mapping of transport
 * failures (refused, timed out, 5xx) and of refusals no client expects to
 * SERVICE_UNAVAILABLE naming the sibling.
 */
export abstract class SiblingDataSource extends RESTDataSource {
  abstract readonly service: string;

  constructor(private readonly options: SiblingOptions) {
    super({ fetch: globalThis.fetch as unknown as Fetcher });
    this.baseURL = `${options.baseUrl.replace(/\/+$/, '')}/`;
  }

  // The service keeps its own caches with documented lifetimes (AUTH_CACHE_TTL_MS, PRODUCT_CACHE_TTL_MS);
  // a sibling's Cache-Control must not stretch them, nor hand out one fresh code twice.
  protected override cacheOptionsFor() {
    return { ttl: 0 };
  }

  protected override willSendRequest(_path: string, request: AugmentedRequest): void {
    request.signal = AbortSignal.timeout(this.options.timeoutMs) as unknown as AugmentedRequest['signal'];
  }

  protected override async parseBody(response: FetcherResponse): Promise<object | string> {
    const text = await this.readCapped(response);
    const type = response.headers.get('content-type') ?? '';
    const isJson = type.startsWith('application/json') || type.endsWith('+json');
    return isJson && text !== '' ? JSON.parse(text) : text;
  }

  private async readCapped(answer: FetcherResponse): Promise<string> {
    const response = answer as unknown as Response; // the fetcher is the global fetch
    const tooLarge = () => new ServiceUnavailableError(this.service, `it answered with more than ${MAX_SIBLING_ANSWER_BYTES / 1024 / 1024} MiB`);
    if (Number(response.headers.get('content-length')) > MAX_SIBLING_ANSWER_BYTES) {
      await response.body?.cancel();
      throw tooLarge();
    }
    const chunks: Uint8Array[] = [];
    let bytes = 0;
    for await (const chunk of response.body ?? []) {
      bytes += chunk.length;
      if (bytes > MAX_SIBLING_ANSWER_BYTES) throw tooLarge();
      chunks.push(chunk);
    }
    return new TextDecoder().decode(Buffer.concat(chunks));
  }

  protected override async throwIfResponseIsError(options: { response: FetcherResponse; parsedBody: unknown }): Promise<void> {
    const { status } = options.response;
    if (status < 400) return;
    if (status >= 500) throw new ServiceUnavailableError(this.service, `it answered ${status}`);
    const body = options.parsedBody as { reason?: unknown } | null | undefined;
    const reason = typeof body?.reason === 'string' && REASON.test(body.reason) ? body.reason : 'unknown';
    throw new SiblingRejection(this.service, status, reason);
  }

  /**
   * Runs one call and reads its answer. A refusal the contract gives a meaning (a `Refusal`)
   * ends in that refusal's `answer` and counts as `refused`. Anything else that goes wrong, from a
   * timeout to an unexpected 4xx or an answer `read` finds malformed, is SERVICE_UNAVAILABLE
   * naming the sibling and counts as `unavailable`.
   */
  protected async call<A, T>(request: () => Promise<A>, read: (answer: A) => T, refusals: Refusal<T>[] = []): Promise<T> {
    const started = performance.now();
    const observe = (outcome: SiblingOutcome) => this.options.observe?.(this.service, outcome, (performance.now() - started) / 1000);
    let answer: A;
    try {
      answer = await request();
    } catch (error) {
      const refusal = error instanceof SiblingRejection ? refusals.find((known) => known.matches(error)) : undefined;
      observe(refusal ? 'refused' : 'unavailable');
      if (refusal) return refusal.answer();
      throw this.asUnavailable(error);
    }
    try {
      const result = read(answer);
      observe('ok');
      return result;
    } catch (error) {
      observe('unavailable');
      throw error;
    }
  }

  private asUnavailable(error: unknown): Error {
    if (error instanceof ServiceUnavailableError) return error;
    const name = (error as Error)?.name;
    if (name === 'TimeoutError' || name === 'AbortError') {
      return new ServiceUnavailableError(this.service, `no answer within ${this.options.timeoutMs} ms`);
    }
    if (error instanceof SyntaxError) return new ServiceUnavailableError(this.service, 'it answered with malformed JSON');
    return new ServiceUnavailableError(this.service, 'it cannot be reached');
  }

  /** A success answer that does not have the contract's shape. */
  protected unexpected(what: string): never {
    throw new ServiceUnavailableError(this.service, `it answered with an unexpected ${what}`);
  }
}
