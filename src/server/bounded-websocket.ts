import { WebSocket } from 'ws';

/**
 * What may wait unsent for one client. One that reads slower than its operations answer would
 * otherwise make the instance hold all they send; past this it is cut off (a subscriber resumes
 * from its last seq when it reconnects).
 */
export const MAX_UNSENT_BYTES = 16 * 1024 * 1024;

type Done = (error?: Error) => void;

/**
 * The server's sockets (ws's `WebSocket` option). graphql-ws sends every message with `send`;
 * once more than MAX_UNSENT_BYTES wait for the client, the socket is cut off instead and emits
 * 'cut-off': nothing more is buffered for it. A send that fails (the socket was cut off, or
 * its client vanished: EPIPE, ECONNRESET) ends quietly: graphql-ws would print each on stderr
 * as an "internal error", and the socket's close ends its operations anyway.
 */
export class BoundedWebSocket extends WebSocket {
  private cutOff = false;

  override send(data: Parameters<WebSocket['send']>[0], options?: object | Done, callback?: Done): void {
    const done = typeof options === 'function' ? (options as Done) : callback;
    if (!this.cutOff && this.bufferedAmount > MAX_UNSENT_BYTES) {
      this.cutOff = true;
      this.emit('cut-off');
      this.terminate();
    }
    if (this.cutOff) return done?.();
    super.send(data, typeof options === 'object' ? options : {}, () => done?.());
  }
}
