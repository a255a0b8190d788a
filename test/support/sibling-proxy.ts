import { createServer, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * An answer the proxy gives in place of the sibling's: `json` (even `null`) as JSON, or `html`
 * as a page, sent chunked unless `headers` say otherwise.
 */
export type ReplacedAnswer = { status?: number; headers?: Record<string, string> } & ({ json: unknown } | { html: string });

/**
 * A misbehaving sibling, played by an HTTP proxy in front of the sibling doubles: it passes
 * every request through, except where a test replaced the answer under a path prefix or
 * added headers to it. `reset()` makes it a plain proxy again.
 */
export class SiblingProxy {
  /** The base URL to give the service instead of the doubles'; set by `start()`. */
  url = '';
  private readonly replaced = new Map<string, ReplacedAnswer>();
  private readonly added = new Map<string, Record<string, string>>();
  private readonly server = createServer((req, res) => {
    this.answer(req).then(
      ({ status, headers, body }) => res.writeHead(status, headers).end(body),
      () => res.writeHead(502).end(),
    );
  });

  constructor(private readonly upstream: string) {}

  async start(): Promise<string> {
    await new Promise<void>((resolve) => this.server.listen(0, '127.0.0.1', resolve));
    this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
    return this.url;
  }

  /** Requests whose path starts with `pathPrefix` get this answer; the sibling never sees them. */
  replace(pathPrefix: string, answer: ReplacedAnswer): void {
    this.replaced.set(pathPrefix, answer);
  }

  /** The sibling's answers to requests under `pathPrefix` come with these headers too. */
  addHeaders(pathPrefix: string, headers: Record<string, string>): void {
    this.added.set(pathPrefix, headers);
  }

  reset(): void {
    this.replaced.clear();
    this.added.clear();
  }

  stop(): Promise<void> {
    return new Promise((resolve, reject) => {
      this.server.close((error) => (error ? reject(error) : resolve()));
      this.server.closeAllConnections();
    });
  }

  private async answer(req: IncomingMessage) {
    const path = req.url ?? '/';
    const body = await readBody(req);
    const replaced = matching(this.replaced, path);
    if (replaced) {
      const status = replaced.status ?? 200;
      if ('html' in replaced) return { status, headers: { 'content-type': 'text/html', ...replaced.headers }, body: replaced.html };
      return { status, headers: { 'content-type': 'application/json', ...replaced.headers }, body: JSON.stringify(replaced.json) };
    }
    const answer = await fetch(this.upstream + path, {
      method: req.method,
      headers: { 'content-type': req.headers['content-type'] ?? 'application/json' },
      body: req.method === 'GET' ? undefined : body,
    });
    const headers = { 'content-type': answer.headers.get('content-type') ?? 'application/json', ...matching(this.added, path) };
    return { status: answer.status, headers, body: await answer.text() };
  }
}

function matching<T>(byPrefix: Map<string, T>, path: string): T | undefined {
  for (const [prefix, value] of byPrefix) if (path.startsWith(prefix)) return value;
  return undefined;
}

async function readBody(req: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}
