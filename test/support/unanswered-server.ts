import { connect, createServer, type Socket } from 'node:net';
import type { AddressInfo } from 'node:net';

/**
 * A TCP server on 127.0.0.1 that accepts every connection and answers nothing, so a WebSocket
 * upgrade to it never completes — until `forwardTo` passes the held connections (with what
 * their clients sent) and the later ones on to a real server.
 */
export class UnansweredServer {
  /** How many connections it accepted. */
  accepted = 0;
  private readonly clients = new Set<Socket>();
  private readonly held = new Set<Socket>();
  private targetPort?: number;
  private readonly server = createServer((client) => {
    this.accepted++;
    this.clients.add(client);
    client.on('close', () => this.clients.delete(client));
    client.on('error', () => client.destroy());
    if (this.targetPort) this.forward(client, this.targetPort);
    else {
      this.held.add(client);
      client.on('close', () => this.held.delete(client));
    }
  });

  get wsUrl(): string {
    return `ws://127.0.0.1:${(this.server.address() as AddressInfo).port}/graphql`;
  }

  async listen(): Promise<this> {
    await new Promise<void>((resolve, reject) => {
      this.server.once('error', reject);
      this.server.listen(0, '127.0.0.1', resolve);
    });
    return this;
  }

  forwardTo(port: number): void {
    this.targetPort = port;
    for (const client of this.held) this.forward(client, port);
    this.held.clear();
  }

  async stop(): Promise<void> {
    for (const client of this.clients) client.destroy();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  private forward(client: Socket, port: number): void {
    const upstream = connect(port, '127.0.0.1');
    upstream.on('error', () => upstream.destroy());
    client.pipe(upstream).pipe(client);
    client.on('close', () => upstream.destroy());
    upstream.on('close', () => client.destroy());
  }
}
