import type { Server } from 'node:http';
import type { Duplex } from 'node:stream';
import { peerAddress } from './client-address';

/**
 * The connections each client holds on this instance. Every connection costs the instance a
 * file and memory, and an instance opens a bounded number of files: past its limit, a client
 * is refused, so one host cannot take every connection from everyone else.
 */
export class ConnectionsPerClient {
  private readonly held = new Map<string, number>();

  constructor(private readonly limit: number) {}

  /** Takes a place for the client until its socket closes; false when it holds its limit already. */
  admit(client: string, socket: Duplex): boolean {
    const count = this.held.get(client) ?? 0;
    if (count >= this.limit) return false;
    this.held.set(client, count + 1);
    // Closed whether the handshake then fails or the connection ends.
    socket.once('close', () => {
      const left = (this.held.get(client) ?? 1) - 1;
      if (left === 0) this.held.delete(client);
      else this.held.set(client, left);
    });
    return true;
  }
}

/**
 * Counts every TCP connection (HTTP, and WebSockets, which start as one) by its peer's
 * address, and closes one past the limit at once, before Node reads a request from it: an
 * idle keep-alive connection costs a file just as a WebSocket does. Only where the peer is the
 * client itself: behind a trusted proxy, every client comes over the proxy's connections.
 */
export function limitConnectionsPerClient(server: Server, perClient: ConnectionsPerClient, refused: () => void): void {
  // Before the HTTP server's own listener, which would start reading from the socket.
  server.prependListener('connection', (socket) => {
    if (perClient.admit(peerAddress(socket.remoteAddress), socket)) return;
    refused();
    socket.destroy();
  });
}
