import type { IncomingMessage, ServerResponse } from 'node:http';
import { randomUUID } from 'node:crypto';
import type { Logger } from '../logger';

export const REQUEST_ID_HEADER = 'x-request-id';
const QUIET_PATHS = new Set(['/healthz', '/readyz', '/metrics']);
const SANE_REQUEST_ID = /^[\w.:-]{1,100}$/;

/**
 * Gives every HTTP request an id (the caller's X-Request-Id when it is sane, else a new
 * one), echoes it in the response, and logs the request with it when it finishes.
 */
export function requestLog(logger: Logger): (req: IncomingMessage, res: ServerResponse) => void {
  return (req, res) => {
    const given = req.headers[REQUEST_ID_HEADER];
    const requestId = typeof given === 'string' && SANE_REQUEST_ID.test(given) ? given : randomUUID();
    // Later handlers (the Apollo plugin) read it from the request like any header.
    req.headers[REQUEST_ID_HEADER] = requestId;
    res.setHeader(REQUEST_ID_HEADER, requestId);
    const started = performance.now();
    res.once('finish', () => {
      const path = pathOf(req.url);
      logger[QUIET_PATHS.has(path) ? 'debug' : 'info']('http request', {
        requestId,
        method: req.method,
        path,
        status: res.statusCode,
        durationMs: Math.round((performance.now() - started) * 10) / 10,
      });
    });
  };
}

/** The path of a request target, without its query. */
export function pathOf(url: string | undefined): string {
  if (!url) return '/';
  const queryStart = url.indexOf('?');
  return queryStart < 0 ? url : url.slice(0, queryStart);
}
