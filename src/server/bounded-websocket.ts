import type { Socket } from 'node:net';
import { WebSocket } from 'ws';
import { BACKLOG_BYTES, type UnsentPerClient } from './unsent-per-client';

/**
 * What may wait unsent for one client. One that reads slower than its operations answer would
 * otherwise make the instance hold all they send; past this it is cut off (a subscriber resumes
 * from its last seq when it reconnects).
 */
export const MAX_UNSENT_BYTES = 16 * 1024 * 1024;

type Done = (error?: Error) => void;

/**
 * The server's sockets (ws's `WebSocket` option). graphql-ws sends every message with `send`;
 * once more than MAX_UNSENT_BYTES wait for the client, or its client's sockets together hold
 * more than their limit (UnsentPerClient) and this one more than BACKLOG_BYTES, the socket is
 * cut off instead and emits 'cut-off': nothing more is buffered for it. A send that fails (the
 * socket was cut off, or its client vanished: EPIPE, ECONNRESET) ends quietly: graphql-ws would
 * print each on stderr as an "internal error", and the socket's close ends its operations anyway.
 */
export class BoundedWebSocket extends WebSocket {
  private cutOff = false;
  private perClient?: { client: string; unsent: UnsentPerClient; raw: Socket; counted: number; drained?: () => void };

  override send(data: Parameters<WebSocket['send']>[0], options?: object | Done, callback?: Done): void {
    const done = typeof options === 'function' ? (options as Done) : callback;
    if (!this.cutOff && this.bufferedAmount > MAX_UNSENT_BYTES) this.cutOffNow();
    if (this.cutOff) return done?.();
    super.send(data, typeof options === 'object' ? options : {}, () => done?.());
    // Counted with what it has just queued: a client's sockets that each take one large answer
    // and read nothing would otherwise never be counted.
    if (this.clientOverLimit(this.bufferedAmount)) this.cutOffNow();
  }

  /**
   * ws throws on a close reason over the protocol's 123 bytes; graphql-ws quotes the client's
   * operation id in some (4409), and a long id would make the close fail instead.
   */
  override close(code?: number, reason?: string | Buffer): void {
    super.close(code, typeof reason === 'string' ? withinCloseReasonLimit(reason) : reason);
  }

  private cutOffNow(): void {
    this.cutOff = true;
    this.emit('cut-off');
    this.terminate();
  }

  /** Counts what waits for this socket toward its client's limit too; `raw` is its TCP socket. */
  countUnsentFor(client: string, unsent: UnsentPerClient, raw: Socket): void {
    this.perClient = { client, unsent, raw, counted: 0 };
  }

  /** The socket closed: what it held no longer counts. */
  forgetUnsent(): void {
    if (this.perClient) this.recount(0);
  }

  private clientOverLimit(unsent: number): boolean {
    if (!this.perClient || (unsent <= BACKLOG_BYTES && this.perClient.counted === 0)) return false;
    return this.recount(unsent);
  }

  /** Puts this socket's `unsent` bytes in its client's count; whether the client is over its limit. */
  private recount(unsent: number): boolean {
    const counting = this.perClient as NonNullable<BoundedWebSocket['perClient']>;
    const counted = counting.counted;
    counting.counted = unsent;
    // Until its backlog has gone out: its TCP socket says when (ws sends nothing while it waits).
    if (counted === 0 && unsent > 0) counting.raw.on('drain', (counting.drained ??= () => this.recount(this.bufferedAmount)));
    else if (counted > 0 && unsent === 0 && counting.drained) counting.raw.off('drain', counting.drained);
    return counting.unsent.add(counting.client, unsent - counted);
  }
}

/** The most a WebSocket close reason may hold, in UTF-8 bytes. */
const MAX_CLOSE_REASON_BYTES = 123;

function withinCloseReasonLimit(reason: string): string {
  if (Buffer.byteLength(reason) <= MAX_CLOSE_REASON_BYTES) return reason;
  let cut = reason.slice(0, MAX_CLOSE_REASON_BYTES - 3);
  while (Buffer.byteLength(cut) > MAX_CLOSE_REASON_BYTES - 3) cut = cut.slice(0, -1);
  return `${cut}…`;
}
