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

/** A 4xx answer with the sibling's `reason`; each client maps the reasons it expects. */
export class SiblingRejection extends Error {
  constructor(
    readonly service: string,
    readonly status: number,
    readonly reason: string,
  ) {
    super(`${service} answered ${status} ${reason}`);
  }
}

/**
 * Shared by the four sibling clients: base URL, timeout, and the mapping of transport
 * failures (refused, timed out, 5xx) to SERVICE_UNAVAILABLE naming the sibling.
 */
export abstract class SiblingDataSource extends RESTDataSource {
  abstract readonly service: string;

  constructor(private readonly options: SiblingOptions) {
    super({ fetch: globalThis.fetch as unknown as Fetcher });
    this.baseURL = `${options.baseUrl.replace(/\/+$/, '')}/`;
  }

  protected override willSendRequest(_path: string, request: AugmentedRequest): void {
    request.signal = AbortSignal.timeout(this.options.timeoutMs) as unknown as AugmentedRequest['signal'];
  }

  protected override async throwIfResponseIsError(options: { response: FetcherResponse; parsedBody: unknown }): Promise<void> {
    const { status } = options.response;
    if (status < 400) return;
    if (status >= 500) throw new ServiceUnavailableError(this.service, `it answered ${status}`);
    const body = options.parsedBody as { reason?: unknown } | undefined;
    const reason = typeof body?.reason === 'string' ? body.reason : 'unknown';
    throw new SiblingRejection(this.service, status, reason);
  }

  /** Runs one call, turning network failures and timeouts into SERVICE_UNAVAILABLE. */
  protected async call<T>(request: () => Promise<T>): Promise<T> {
    const started = performance.now();
    const observe = (outcome: SiblingOutcome) => this.options.observe?.(this.service, outcome, (performance.now() - started) / 1000);
    try {
      const answer = await request();
      observe('ok');
      return answer;
    } catch (error) {
      observe(error instanceof SiblingRejection ? 'refused' : 'unavailable');
      throw this.asUnavailable(error);
    }
  }

  private asUnavailable(error: unknown): Error {
    if (error instanceof SiblingRejection || error instanceof ServiceUnavailableError) return error;
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
