import { CloseCode, handleProtocols, makeServer, type ServerOptions } from 'graphql-ws';
import type { IncomingMessage } from 'node:http';
import type { WebSocket, WebSocketServer } from 'ws';

/**
 * graphql-ws's protocol on a ws server, as graphql-ws's own `useServer` runs it, with three
 * differences that matter for an instance holding tens of thousands of idle sockets:
 * - the hooks' `ctx.extra` is what `extraOf` makes of the handshake, and the upgrade request
 *   is then let go (useServer keeps it, with all its headers, as long as the socket is open);
 * - a socket's keep-alive is one timer and no closure: pinged every `keepAliveMs` (0: never),
 *   it is cut off when the next ping finds the last one unanswered;
 * - a failure while handling a message goes to `onInternalError`, not to console.error;
 * - graphql-ws is handed each message parsed (see `parsed`).
 */
export function serveGraphQLWs<Extra extends { readonly socket: WebSocket }>(
  wss: WebSocketServer,
  options: ServerOptions<Record<string, unknown> | undefined, Extra>,
  transport: {
    keepAliveMs: number;
    extraOf: (socket: WebSocket, request: IncomingMessage) => Extra;
    onInternalError: (error: unknown, extra: Extra) => void;
  },
): { dispose(): Promise<void> } {
  const server = makeServer(options);
  wss.options.handleProtocols = handleProtocols;
  wss.on('connection', (socket, request) => open(socket, transport.extraOf(socket, request)));

  function open(socket: WebSocket, extra: Extra): void {
    const closed = server.opened(
      {
        protocol: socket.protocol,
        send: (data) =>
          new Promise<void>((resolve, reject) => {
            if (socket.readyState !== socket.OPEN) return resolve();
            socket.send(data, (error) => (error ? reject(error) : resolve()));
          }),
        close: (code, reason) => socket.close(code, reason),
        onMessage: (handle) =>
          socket.on('message', (data) => {
            handle(parsed(String(data))).catch((error: unknown) => {
              transport.onInternalError(error, extra);
              socket.close(CloseCode.InternalServerError, 'Internal server error');
            });
          }),
      },
      extra,
    );
    const pinging = transport.keepAliveMs > 0 ? setInterval(pingOrCutOff, transport.keepAliveMs, socket) : undefined;
    if (pinging) socket.on('pong', answered);
    socket.once('close', (code, reason) => {
      clearInterval(pinging);
      closed(code, String(reason));
    });
  }

  return {
    /** Says "going away" (1001) to every client and resolves once all have closed. */
    async dispose() {
      for (const socket of wss.clients) socket.close(GOING_AWAY, 'Going away');
      wss.removeAllListeners();
      await new Promise<void>((resolve, reject) => wss.close((error) => (error ? reject(error) : resolve())));
    },
  };
}

/** The WebSocket close code of a server that stops. */
const GOING_AWAY = 1001;

/** Sockets pinged and not yet answered. */
const awaitingPong = new WeakSet<WebSocket>();

function pingOrCutOff(socket: WebSocket): void {
  // Also one closing since the ping: its client may never answer the close either.
  if (awaitingPong.has(socket)) return socket.terminate();
  if (socket.readyState !== socket.OPEN) return;
  awaitingPong.add(socket);
  socket.ping();
}

function answered(this: WebSocket): void {
  awaitingPong.delete(this);
}

/**
 * A message's JSON, parsed; its text when it is no JSON (graphql-ws then refuses it, 4400).
 * graphql-ws's message handler holds what it is given for as long as the operation runs (a
 * subscription's as long as it streams) and parses it itself when it is text, so it would keep
 * the text beside the message (its `parseMessage` takes either; typed as the text its handler
 * declares).
 */
function parsed(text: string): string {
  try {
    return JSON.parse(text) as string;
  } catch {
    return text;
  }
}
