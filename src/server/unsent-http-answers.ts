import type { Server } from 'node:http';
import type { Socket } from 'node:net';
import { peerAddress } from './client-address';
import type { ConnectionActivity } from './idle-connections';
import { BACKLOG_BYTES, type UnsentPerClient } from './unsent-per-client';

/** How often what waits on HTTP connections is counted. */
export const HTTP_UNSENT_CHECK_MS = 1_000;

interface Held {
  client: string;
  /** What this connection adds to its client's count now. */
  counted: number;
}

/**
 * What waits unsent on a client's HTTP connections (in their sockets, and in the answers to
 * pipelined requests queued behind) counts toward its UNSENT_BYTES_PER_CLIENT, together with its
 * WebSockets. An answer can be megabytes (a session's orders, a menu), and a
 * client that asks on thousands of keep-alive connections and reads nothing would make the
 * instance hold every answer until HTTP_IDLE_TIMEOUT_MS. It is counted every
 * HTTP_UNSENT_CHECK_MS rather than after each answer, which keeps it off every request's path.
 * A client over its limit loses the connections with the most waiting until it is under: their
 * answers are lost, to a client that was not reading them. Only where the peer is the client
 * itself: a trusted proxy reads the answers of all its clients.
 */
export function limitUnsentHttpAnswers(server: Server, unsent: UnsentPerClient, exchanges: ConnectionActivity, cutOff: () => void): void {
  const connections = new Map<Socket, Held>();
  const forget = (socket: Socket) => {
    const held = connections.get(socket);
    if (!held) return;
    connections.delete(socket);
    if (held.counted > 0) unsent.add(held.client, -held.counted);
  };
  // One listener for every connection, not a closure each: most become WebSockets and stay for hours.
  function closed(this: Socket): void {
    forget(this);
  }
  server.on('connection', (socket: Socket) => {
    connections.set(socket, { client: peerAddress(socket.remoteAddress), counted: 0 });
    socket.on('close', closed); // not once(): that wraps it in a closure of its own
  });
  // Its WebSocket counts what waits for it from now on (BoundedWebSocket).
  server.on('upgrade', (request) => forget(request.socket as Socket));

  const count = () => {
    const backlogged: [Socket, Held][] = [];
    for (const [socket, held] of connections) {
      const unsentBytes = socket.writableLength + exchanges.queuedAnswerBytes(socket);
      const waiting = unsentBytes > BACKLOG_BYTES ? unsentBytes : 0;
      if (waiting !== held.counted) unsent.add(held.client, waiting - held.counted);
      held.counted = waiting;
      if (waiting > 0) backlogged.push([socket, held]);
    }
    backlogged.sort(([, a], [, b]) => b.counted - a.counted);
    for (const [socket, { client }] of backlogged) {
      if (!unsent.isOver(client)) continue;
      forget(socket);
      socket.destroy();
      cutOff();
    }
  };
  const timer = setInterval(count, HTTP_UNSENT_CHECK_MS).unref();
  server.once('close', () => clearInterval(timer));
}
