import type { TypedDocumentString } from '../generated/graphql';
import { OrderedError, type GraphQLErrorPayload } from './errors';

export type Fetch = typeof fetch;

export interface HttpOptions {
  url: string;
  fetch?: Fetch;
  /** Sent with every request, e.g. for tracing. */
  headers?: Record<string, string>;
  /** A request that has not been answered by then fails with NETWORK_ERROR (default 30 s). */
  requestTimeoutMs?: number;
}

interface GraphQLResponse<Data> {
  data?: Data | null;
  errors?: GraphQLErrorPayload[];
}

/**
 * Queries and mutations over HTTP POST (the service's Apollo endpoint): the typed document's
 * text and variables in, its typed data out, or an OrderedError.
 */
export class HttpTransport {
  private readonly fetch: Fetch;

  constructor(private readonly options: HttpOptions) {
    const fetchImpl = options.fetch ?? (globalThis.fetch as Fetch | undefined);
    if (!fetchImpl) throw new Error('No fetch in this environment: pass `fetch` in the client options');
    // Called unbound: a browser's fetch called as a method of another object throws "Illegal invocation".
    this.fetch = (input, init) => fetchImpl(input, init);
  }

  async request<Result, Variables>(document: TypedDocumentString<Result, Variables>, variables: Variables, token?: string): Promise<Result> {
    let response: Response;
    try {
      response = await this.fetch(this.options.url, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          accept: 'application/graphql-response+json, application/json',
          ...this.options.headers,
          ...(token ? { authorization: `Bearer ${token}` } : {}),
        },
        body: JSON.stringify({ query: document.toString(), variables }),
        signal: AbortSignal.timeout(this.options.requestTimeoutMs ?? 30_000),
      });
    } catch (error) {
      throw OrderedError.network(`Request to ${this.options.url} failed: ${describe(error)}`, error);
    }

    let body: GraphQLResponse<Result> | null;
    try {
      body = (await response.json()) as GraphQLResponse<Result> | null;
    } catch (error) {
      throw OrderedError.network(`${this.options.url} answered ${response.status} without a GraphQL response`, error);
    }
    if (Array.isArray(body?.errors) && body.errors.length > 0) throw OrderedError.fromGraphQLErrors(body.errors);
    if (!body?.data) throw OrderedError.network(`${this.options.url} answered ${response.status} without data`);
    return body.data;
  }
}

function describe(error: unknown): string {
  if (!(error instanceof Error)) return String(error);
  const cause = (error as { cause?: unknown }).cause;
  return cause instanceof Error ? `${error.message} (${cause.message})` : error.message;
}
