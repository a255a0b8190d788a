import type { IncomingMessage } from 'node:http';

/**
 * The client's address, for throttling wrong session codes. Behind a trusted proxy (the
 * load balancer) it is the address that proxy saw: the last entry of X-Forwarded-For.
 */
export function clientAddress(request: IncomingMessage, trustProxy: boolean): string {
  if (trustProxy) {
    const forwarded = request.headers['x-forwarded-for'];
    const last = (Array.isArray(forwarded) ? forwarded.join(',') : forwarded)?.split(',').pop()?.trim();
    if (last) return last;
  }
  return request.socket.remoteAddress ?? 'unknown';
}
