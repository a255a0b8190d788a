import type { IncomingMessage, Server } from 'node:http';
import type { Socket } from 'node:net';
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
 * HTTP connections (not yet upgraded to WebSocket) by their peer's address: past the limit, the
 * address's oldest connection with no request under way is closed to make room, or, when all
 * are answering, the new one is closed before Node reads from it. An idle keep-alive connection
 * costs a file as a WebSocket does, and one host could hold thousands; but a guest at a café's
 * address holding many cannot keep the others' orders out, as their new connections push
 * the idle ones out. Only where the peer is the client itself: behind a trusted proxy, every
 * client comes over the proxy's connections. A connection that upgrades leaves the count (its
 * WebSocket is counted at the handshake, ConnectionsPerClient).
 */
export function limitHttpConnectionsPerClient(
  server: Server,
  limit: number,
  exchanges: { answering(socket: Socket): boolean },
  refused: () => void,
): void {
  const byClient = new Map<string, Set<Socket>>();
  const leave = (client: string, socket: Socket) => {
    const held = byClient.get(client);
    if (held?.delete(socket) && held.size === 0) byClient.delete(client);
  };
  const clients = new WeakMap<Socket, string>();
  // Before the HTTP server's own listener, which would start reading from the socket.
  server.prependListener('connection', (socket: Socket) => {
    const client = peerAddress(socket.remoteAddress);
    let held = byClient.get(client);
    if (!held) byClient.set(client, (held = new Set()));
    if (held.size >= limit) {
      const idle = [...held].find((each) => !exchanges.answering(each));
      refused();
      if (!idle) return socket.destroy();
      leave(client, idle);
      idle.destroy();
    }
    held.add(socket);
    clients.set(socket, client);
    socket.once('close', () => leave(client, socket));
  });
  server.on('upgrade', (request: IncomingMessage) => {
    const client = clients.get(request.socket as Socket);
    if (client !== undefined) leave(client, request.socket as Socket);
  });
}
