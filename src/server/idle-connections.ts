import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import type { Socket } from 'node:net';

/**
 * Closes HTTP connections on which nothing moves for `idleMs`: one that never sends a request
 * or stops halfway through it, one left idle between requests, one whose client stops reading
 * the answer. A request the service is still working on is left alone however long that takes:
 * its own limits (SIBLING_TIMEOUT_MS, DATABASE_QUERY_TIMEOUT_MS) end it, with an answer, and
 * cutting it off would leave the client not knowing whether its order was written.
 * WebSockets are not concerned: ws takes the timeout off the sockets it upgrades. Tells whether
 * a connection has a request not answered in full (one received, or its answer under way).
 */
export function closeIdleConnections(server: Server, idleMs: number): { answering(socket: Socket): boolean } {
  // Each socket's requests not yet answered in full, oldest first (HTTP/1.1 answers them in order).
  const unanswered = new WeakMap<Socket, { request: IncomingMessage; response: ServerResponse }[]>();
  server.on('request', (request: IncomingMessage, response: ServerResponse) => {
    let queue = unanswered.get(request.socket);
    if (!queue) unanswered.set(request.socket, (queue = []));
    queue.push({ request, response });
    // Emitted once the answer is sent in full, or the connection ended first.
    response.once('close', () => queue.splice(queue.findIndex((exchange) => exchange.response === response), 1));
  });
  // With a listener, Node leaves a socket that timed out open; the timer starts again on its next activity.
  server.setTimeout(idleMs, (socket: Socket) => {
    const [current] = unanswered.get(socket) ?? [];
    const workingOnAnswer = current && current.request.complete && !current.response.headersSent;
    if (!workingOnAnswer) socket.destroy();
  });
  return { answering: (socket) => (unanswered.get(socket)?.length ?? 0) > 0 };
}
