import type { Duplex } from 'node:stream';

/**
 * The WebSockets each client holds on this instance. Every socket costs the instance a file
 * and memory, and an instance opens a bounded number of files: past its limit, a client is
 * refused at the handshake, so one host cannot take every connection from everyone else.
 */
export class ConnectionsPerClient {
  private readonly held = new Map<string, number>();

  constructor(private readonly limit: number) {}

  /** Takes a place for the client until its socket closes; false when it holds its limit already. */
  admit(client: string, socket: Duplex): boolean {
    const count = this.held.get(client) ?? 0;
    if (count >= this.limit) return false;
    this.held.set(client, count + 1);
    // The request's socket: closed whether the handshake then fails or the WebSocket ends.
    socket.once('close', () => {
      const left = (this.held.get(client) ?? 1) - 1;
      if (left === 0) this.held.delete(client);
      else this.held.set(client, left);
    });
    return true;
  }
}
