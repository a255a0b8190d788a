import { createServer, type Server } from 'node:http';

/**
 * An HTTP proxy in front of the verification double, for a test to put a verification in
 * flight: it forwards every request at once, but holds the answer to the first
 * `/verification/verify/` it sees (once armed) until `release()`. It counts the verifications it forwards.
 */
export class HeldVerification {
  verifications = 0;
  /** Whether the next verification is held: from the start, or once `arm()` is called. */
  private armed: boolean;
  private server: Server | undefined;
  private held: Promise<void> | undefined;
  private releaseHeld: () => void = () => undefined;
  private firstArrived: () => void = () => undefined;
  /** Resolves when the first verification's answer is being held. */
  readonly holding = new Promise<void>((resolve) => (this.firstArrived = resolve));

  constructor(
    private readonly target: string,
    { armed = true } = {},
  ) {
    this.armed = armed;
  }

  /** Holds the next verification's answer (for a holder made with `armed: false`). */
  arm(): void {
    this.armed = true;
  }

  async start(): Promise<string> {
    this.server = createServer(async (req, res) => {
      const chunks: Buffer[] = [];
      for await (const chunk of req) chunks.push(chunk as Buffer);
      const answer = await fetch(new URL(req.url ?? '/', this.target), {
        method: req.method,
        headers: { 'content-type': req.headers['content-type'] ?? 'application/json' },
        body: req.method === 'GET' ? undefined : Buffer.concat(chunks),
      });
      const body = await answer.text();
      if (req.url?.includes('/verification/verify/')) {
        this.verifications += 1;
        if (this.armed && !this.held) {
          this.held = new Promise((resolve) => (this.releaseHeld = resolve));
          this.firstArrived();
          await this.held;
        }
      }
      res.writeHead(answer.status, { 'content-type': answer.headers.get('content-type') ?? 'application/json' });
      res.end(body);
    });
    await new Promise<void>((resolve) => this.server?.listen(0, '127.0.0.1', resolve));
    const address = this.server.address();
    if (!address || typeof address === 'string') throw new Error('no port');
    return `http://127.0.0.1:${address.port}`;
  }

  release(): void {
    this.releaseHeld();
  }

  async stop(): Promise<void> {
    this.release();
    this.server?.closeAllConnections();
    await new Promise<void>((resolve) => this.server?.close(() => resolve()));
  }
}
