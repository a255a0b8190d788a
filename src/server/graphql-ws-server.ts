import { CloseCode, handleProtocols, makeServer, type ServerOptions } from 'graphql-ws';
import type { IncomingMessage } from 'node:http';
import type { WebSocket, WebSocketServer } from 'ws';

/**
 * graphql-ws's protocol on a ws server, as graphql-ws's own `useServer` runs it, with these
 * differences that matter for an instance holding tens of thousands of idle sockets:
 * - the hooks' `ctx.extra` is what `extraOf` makes of the handshake, and the upgrade request
 *   is then let go (useServer keeps it, with all its headers, as long as the socket is open);
 * - a socket's keep-alive is one timer and no closure: pinged every `keepAliveMs` (0: never),
 *   it is cut off when the next ping finds the last one unanswered;
 * - a failure while handling a message, or while ending a socket's operations, goes to
 *   `onInternalError` (useServer printed the first on stderr and left the second unhandled);
 * - graphql-ws is handed each message parsed, a Subscribe with the protocol's fields only (see
 *   `received`).
 * Sockets' 'error' events (a frame that breaks the protocol) are the caller's to listen for.
 */
export function serveGraphQLWs<Extra extends { readonly socket: WebSocket }>(
  wss: WebSocketServer,
  options: ServerOptions<Record<string, unknown> | undefined, Extra>,
  transport: {
    keepAliveMs: number;
    /** Called as a socket opens, before graphql-ws listens on it: listeners added here come first. */
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
            handle(received(String(data), options.jsonMessageReviver)).catch((error: unknown) => {
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
      closed(code, String(reason)).catch((error: unknown) => transport.onInternalError(error, extra));
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
 * What graphql-ws is handed of a message: its JSON parsed, when that is an object. graphql-ws's
 * handler holds what it is given as long as the operation runs (a subscription's as long as it
 * streams): given text, it would keep the text beside the message it parses from it, and given
 * the message as sent, whatever else a client put in it. So a Subscribe goes with the protocol's
 * fields only. graphql-ws's `parseMessage` takes a parsed message as well as text (hence typed as
 * the text its handler declares). Anything else goes as text, and graphql-ws refuses it (4400) as
 * before: handed parsed, a JSON string holding a message would be taken for that message.
 */
function received(text: string, reviver: ServerOptions['jsonMessageReviver']): string {
  let message: unknown;
  try {
    message = JSON.parse(text, reviver);
  } catch {
    return text;
  }
  if (!isRecord(message)) return text;
  return (isSubscribe(message) ? subscribeFieldsOnly(message) : message) as unknown as string;
}

type Fields = Record<string, unknown>;

function isRecord(value: unknown): value is Fields {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function isSubscribe(message: Fields): message is Fields & { payload: Fields } {
  return message.type === 'subscribe' && isRecord(message.payload);
}

function subscribeFieldsOnly({ type, id, payload }: { type?: unknown; id?: unknown; payload: Fields }): Fields {
  const { query, operationName, variables, extensions } = payload;
  return { type, id, payload: { query, operationName, variables, extensions } };
}
