import { createServer, connect, type Server, type Socket } from 'node:net';

/** A TCP forwarder on loopback that a test can cut and restore, to make a server unreachable. */
export class TcpProxy {
  private server?: Server;
  private readonly sockets = new Set<Socket>();
  /** Connections waiting for `release()` (with `forwardAfterMs` Infinity). */
  private readonly waiting = new Set<() => void>();
  private released = false;
  private holdingNew = false;
  port = 0;
  /** How many connections it accepted. */
  accepted = 0;

  constructor(
    private readonly targetHost: string,
    private readonly targetPort: number,
    /**
     * How long each connection waits before it is forwarded (what the client sends meanwhile is
     * kept): a slow server. Infinity: until `release()`, a server that accepts and never answers.
     */
    private readonly forwardAfterMs = 0,
  ) {}

  async open(): Promise<void> {
    const server = createServer((client) => {
      this.accepted += 1;
      this.track(client);
      const forward = () => {
        if (client.destroyed) return;
        const upstream = this.track(connect(this.targetPort, this.targetHost));
        client.pipe(upstream).pipe(client);
        client.on('close', () => upstream.destroy());
        upstream.on('close', () => client.destroy());
      };
      if ((this.forwardAfterMs === Infinity && !this.released) || this.holdingNew) {
        this.waiting.add(forward);
        client.on('close', () => this.waiting.delete(forward));
      } else if (Number.isFinite(this.forwardAfterMs) && this.forwardAfterMs > 0) {
        const waiting = setTimeout(forward, this.forwardAfterMs);
        client.on('close', () => clearTimeout(waiting));
      } else forward();
    });
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(this.port, '127.0.0.1', resolve);
    });
    this.port = (server.address() as { port: number }).port;
    this.server = server;
  }

  private track(socket: Socket): Socket {
    this.sockets.add(socket);
    socket.on('close', () => this.sockets.delete(socket));
    socket.on('error', () => socket.destroy());
    return socket;
  }

  /** Stops forwarding on the open connections, in both directions: the server seems to hang. */
  hold(): void {
    for (const socket of this.sockets) socket.pause();
  }

  /** `hold()`, and new connections wait too, until `release()`: the server hangs altogether. */
  holdAll(): void {
    this.hold();
    this.holdingNew = true;
  }

  /** Forwards again what was held and what follows, and the connections still waiting. */
  release(): void {
    for (const socket of this.sockets) socket.resume();
    this.released = true;
    this.holdingNew = false;
    for (const forward of this.waiting) forward();
    this.waiting.clear();
  }

  /** Refuses new connections and drops the open ones; `open()` restores it on the same port. */
  async cut(): Promise<void> {
    for (const socket of this.sockets) socket.destroy();
    await new Promise<void>((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
    this.server = undefined;
  }
}
