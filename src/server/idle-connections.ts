import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import type { Socket } from 'node:net';

/**
 * Closes HTTP connections on which nothing moves for `idleMs`: one that never sends a request
 * or stops halfway through it, one left idle between requests, one whose client stops reading
 * the answer. A request the service is still working on is left alone however long that takes:
 * its own limits (SIBLING_TIMEOUT_MS, DATABASE_QUERY_TIMEOUT_MS) end it, with an answer, and
 * cutting it off would leave the client not knowing whether its order was written.
 * WebSockets are not concerned: ws takes the timeout off the sockets it upgrades. Tells what a
 * connection is doing, and what its queued answers hold (ConnectionActivity).
 */
export function closeIdleConnections(server: Server, idleMs: number): ConnectionActivity {
  // Each socket's requests not yet answered in full, oldest first (HTTP/1.1 answers them in order).
  const unanswered = new WeakMap<Socket, { request: IncomingMessage; response: ServerResponse }[]>();
  // What each socket had read when its last answer was sent: more since is a request arriving.
  const readAtLastAnswer = new WeakMap<Socket, number>();
  server.on('request', (request: IncomingMessage, response: ServerResponse) => {
    const socket = request.socket;
    let queue = unanswered.get(socket);
    if (!queue) unanswered.set(socket, (queue = []));
    queue.push({ request, response });
    // Emitted once the answer is sent in full, or the connection ended first.
    response.once('close', () => {
      queue.splice(queue.findIndex((exchange) => exchange.response === response), 1);
      readAtLastAnswer.set(socket, socket.bytesRead);
    });
  });
  const workingOnAnswer = (socket: Socket) => {
    const [current] = unanswered.get(socket) ?? [];
    return current !== undefined && current.request.complete && !current.response.headersSent;
  };
  // With a listener, Node leaves a socket that timed out open; the timer starts again on its next activity.
  server.setTimeout(idleMs, (socket: Socket) => {
    if (!workingOnAnswer(socket)) socket.destroy();
  });
  return {
    activity(socket) {
      if (workingOnAnswer(socket)) return 'working';
      const idle = (unanswered.get(socket)?.length ?? 0) === 0 && socket.bytesRead === (readAtLastAnswer.get(socket) ?? 0);
      return idle ? 'idle' : 'waiting';
    },
    queuedAnswerBytes(socket) {
      let bytes = 0;
      // An answer behind the one the socket is sending has no socket yet: it holds what it was given.
      for (const { response } of unanswered.get(socket) ?? []) if (!response.socket) bytes += response.writableLength;
      return bytes;
    },
  };
}

/**
 * What an HTTP connection is doing: `idle` between requests (nothing received since its last
 * answer), `working` while the service works on a request it has received in full, `waiting`
 * otherwise: for the rest of a request, or for its client to read an answer.
 */
export interface ConnectionActivity {
  activity(socket: Socket): 'idle' | 'working' | 'waiting';
  /**
   * What the answers to pipelined requests hold while they wait for the socket: HTTP/1.1 sends
   * answers in order, so each waits in its own buffer until the client has read those before it.
   */
  queuedAnswerBytes(socket: Socket): number;
}
