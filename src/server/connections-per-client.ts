import type { IncomingMessage, Server } from 'node:http';
import type { Socket } from 'node:net';
import type { Duplex } from 'node:stream';
import { peerAddress } from './client-address';
import type { ConnectionActivity } from './idle-connections';

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
 * HTTP connections (not yet upgraded to WebSocket) by their peer's address: past the limit, one
 * of the address's connections is closed to make room for the new one: the oldest idle one
 * (nothing received since its last answer), else the oldest waiting for the rest of a request or
 * for its client to read (stalled: a legitimate request arrives in a moment), never one the
 * service is working on; when all are worked on, the new one is closed before Node reads from
 * it. An idle keep-alive connection costs a file as a WebSocket does, and one host could hold
 * thousands; this way a guest at a café's address holding many cannot keep the others' orders
 * out. Only where the peer is the client itself: behind a trusted proxy, every client comes over
 * the proxy's connections. A connection that upgrades leaves the count (its WebSocket is
 * counted at the handshake, ConnectionsPerClient).
 */
export function limitHttpConnectionsPerClient(server: Server, limit: number, connections: ConnectionActivity, refused: () => void): void {
  const byClient = new Map<string, Set<Socket>>();
  const leave = (client: string, socket: Socket) => {
    const held = byClient.get(client);
    if (held?.delete(socket) && held.size === 0) byClient.delete(client);
  };
  /** The connection to close for a new one: oldest first, as the set keeps them. */
  const toClose = (held: Set<Socket>): Socket | undefined => {
    let waiting: Socket | undefined;
    for (const socket of held) {
      const activity = connections.activity(socket);
      if (activity === 'idle') return socket;
      if (activity === 'waiting') waiting ??= socket;
    }
    return waiting;
  };
  const clients = new WeakMap<Socket, string>();
  // Before the HTTP server's own listener, which would start reading from the socket.
  server.prependListener('connection', (socket: Socket) => {
    const client = peerAddress(socket.remoteAddress);
    const held = byClient.get(client);
    if (held && held.size >= limit) {
      const closed = toClose(held);
      refused();
      if (!closed) return socket.destroy();
      leave(client, closed); // at a limit of 1 this drops the client's set
      closed.destroy();
    }
    let sockets = byClient.get(client);
    if (!sockets) byClient.set(client, (sockets = new Set()));
    sockets.add(socket);
    clients.set(socket, client);
    socket.once('close', () => leave(client, socket));
  });
  server.on('upgrade', (request: IncomingMessage) => {
    const client = clients.get(request.socket as Socket);
    if (client !== undefined) leave(client, request.socket as Socket);
  });
}
