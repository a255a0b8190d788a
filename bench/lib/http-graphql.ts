import { Agent, request, type ClientRequest } from 'node:http';

const REQUEST_TIMEOUT_MS = 60_000;

export interface GraphQLResult<Data = any> {
  data?: Data | null;
  errors?: { message: string; extensions?: { code?: string } }[];
}

/**
 * GraphQL over real HTTP with keep-alive connections (node:http, cheaper per request than
 * fetch: the load generator shares the machine's two cores with the service).
 */
export class GraphQLHttp {
  private readonly agent: Agent;
  private readonly target: URL;
  private readonly active = new Set<ClientRequest>();

  constructor(url: string, maxSockets = 256) {
    this.target = new URL(url);
    this.agent = new Agent({ keepAlive: true, maxSockets, scheduling: 'lifo' });
  }

  post<Data = any>(query: string, variables: Record<string, unknown>, token?: string): Promise<GraphQLResult<Data>> {
    const body = JSON.stringify({ query, variables });
    return new Promise((resolve, reject) => {
      const req = request(
        {
          agent: this.agent,
          host: this.target.hostname,
          port: this.target.port,
          path: this.target.pathname,
          method: 'POST',
          headers: {
            'content-type': 'application/json',
            'content-length': Buffer.byteLength(body),
            ...(token ? { authorization: `Bearer ${token}` } : {}),
          },
        },
        (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (chunk: Buffer) => chunks.push(chunk));
          res.on('end', () => {
            const text = Buffer.concat(chunks).toString('utf8');
            try {
              resolve(JSON.parse(text) as GraphQLResult<Data>);
            } catch {
              reject(new Error(`HTTP ${res.statusCode}: ${text.slice(0, 200)}`));
            }
          });
          res.on('error', reject);
        },
      );
      this.active.add(req);
      req.on('close', () => this.active.delete(req));
      req.setTimeout(REQUEST_TIMEOUT_MS, () => req.destroy(new Error(`no answer within ${REQUEST_TIMEOUT_MS} ms`)));
      req.on('error', reject);
      req.end(body);
    });
  }

  /** The data, or an Error carrying the first GraphQL error's code and message. */
  async data<Data = any>(query: string, variables: Record<string, unknown>, token?: string): Promise<Data> {
    const result = await this.post<Data>(query, variables, token);
    if (!result.data || result.errors?.length) {
      const first = result.errors?.[0];
      throw new Error(`${first?.extensions?.code ?? 'ERROR'}: ${first?.message ?? 'no data'}`);
    }
    return result.data;
  }

  /** Gives up every request in flight (each rejects). */
  abortAll(): void {
    for (const req of this.active) req.destroy(new Error('abandoned'));
  }

  close(): void {
    this.agent.destroy();
  }
}
