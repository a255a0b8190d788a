import { HeaderMap, type ApolloServer, type BaseContext } from '@apollo/server';
import { parse as parseContentType } from 'content-type';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { documentTooLong } from './query-limits';
import { variablesTooLarge } from './variables-shape';
import { pathOf } from './request-log';

/** The largest request body taken, in bytes. */
export const MAX_BODY_BYTES = 256 * 1024;

/**
 * POST requests to the GraphQL path, straight from node:http into Apollo
 * (`executeHTTPGraphQLRequest`, the call Apollo's own integrations make). Every order and
 * every other mutation comes this way, so it skips Express's routing and body parsing,
 * which cost more per request than Apollo itself. A body that is not JSON or too large is
 * answered like a GraphQL error, with a code.
 */
export function graphqlPostHandler<Context extends BaseContext>(
  apollo: ApolloServer<Context>,
  contextFor: (req: IncomingMessage) => Promise<Context>,
  /** Told the code of each request answered here without Apollo. */
  refused: (code: string) => void,
): (req: IncomingMessage, res: ServerResponse) => void {
  return (req, res) => {
    void answer(apollo, contextFor, refused, req, res).catch((error: unknown) => {
      if (res.headersSent) return res.destroy(error instanceof Error ? error : undefined);
      refused('INTERNAL_SERVER_ERROR');
      sendError(res, 500, 'INTERNAL_SERVER_ERROR', 'The request could not be answered');
    });
  };
}

async function answer<Context extends BaseContext>(
  apollo: ApolloServer<Context>,
  contextFor: (req: IncomingMessage) => Promise<Context>,
  refused: (code: string) => void,
  req: IncomingMessage,
  res: ServerResponse,
): Promise<void> {
  const body = await readJsonBody(req);
  if (body instanceof BodyError) {
    refused(body.code);
    return sendError(res, body.status, body.code, body.message);
  }
  const refusal = beyondLimits(body);
  if (refusal) {
    refused(refusal.code);
    return sendError(res, 400, refusal.code, refusal.message);
  }

  const headers = new HeaderMap();
  for (const [name, value] of Object.entries(req.headers)) {
    if (value !== undefined) headers.set(name, Array.isArray(value) ? value.join(', ') : value);
  }
  const target = req.url ?? '';
  const response = await apollo.executeHTTPGraphQLRequest({
    httpGraphQLRequest: { method: 'POST', headers, search: target.slice(pathOf(target).length), body },
    context: () => contextFor(req),
  });
  for (const [name, value] of response.headers) res.setHeader(name, value);
  res.statusCode = response.status ?? 200;
  if (response.body.kind === 'complete') {
    res.end(response.body.string);
    return;
  }
  for await (const chunk of response.body.asyncIterator) res.write(chunk);
  res.end();
}

/** A document or variables past what an operation may have: refused before Apollo parses or coerces them. */
function beyondLimits(body: unknown): { code: string; message: string } | undefined {
  if (typeof body !== 'object' || body === null) return undefined;
  const { query, variables } = body as { query?: unknown; variables?: unknown };
  const tooLong = typeof query === 'string' ? documentTooLong(query) : undefined;
  if (tooLong) return { code: 'GRAPHQL_PARSE_FAILED', message: tooLong };
  const tooLarge = variablesTooLarge(variables);
  if (tooLarge) return { code: 'BAD_USER_INPUT', message: tooLarge };
  return undefined;
}

class BodyError {
  constructor(
    readonly status: number,
    readonly code: string,
    readonly message: string,
  ) {}
}

/**
 * The parsed body when it is declared as JSON (UTF-8, not compressed), undefined for any
 * other type (Apollo then answers that the body is missing), or what is wrong with it.
 */
async function readJsonBody(req: IncomingMessage): Promise<unknown> {
  // The content-type package (Express's), not a regex of our own: one that backtracked took minutes over a header of spaces.
  const { type, parameters } = parseContentType(req.headers['content-type'] ?? '');
  if (type !== 'application/json') {
    req.resume();
    return undefined;
  }
  const charset = parameters.charset;
  if (charset && charset.toLowerCase() !== 'utf-8') {
    req.resume();
    return new BodyError(415, 'UNSUPPORTED_MEDIA_TYPE', `The body must be UTF-8, not ${charset}`);
  }
  const encoding = req.headers['content-encoding'];
  if (encoding && encoding.toLowerCase() !== 'identity') {
    req.resume();
    return new BodyError(415, 'UNSUPPORTED_MEDIA_TYPE', `A body with Content-Encoding ${encoding} is not accepted`);
  }
  if (Number(req.headers['content-length'] ?? 0) > MAX_BODY_BYTES) return tooLarge(req);
  const bytes = await readBody(req);
  if (!bytes) return tooLarge(req);
  try {
    return JSON.parse(bytes.toString('utf8'));
  } catch {
    return new BodyError(400, 'BAD_REQUEST', 'The body is not valid JSON');
  }
}

/** The whole body, or null once it grows past MAX_BODY_BYTES. */
function readBody(req: IncomingMessage): Promise<Buffer | null> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const onData = (chunk: Buffer) => {
      size += chunk.length;
      if (size <= MAX_BODY_BYTES) return void chunks.push(chunk);
      req.off('data', onData);
      resolve(null);
    };
    req.on('data', onData);
    req.once('end', () => resolve(Buffer.concat(chunks, size)));
    req.once('error', reject);
  });
}

/** Stops reading: the answer goes out, then the connection is closed rather than drained. */
function tooLarge(req: IncomingMessage): BodyError {
  req.pause();
  return new BodyError(413, 'PAYLOAD_TOO_LARGE', `The body is larger than ${MAX_BODY_BYTES} bytes`);
}

/** An HTTP error as a GraphQL error response, with a code. */
export function sendError(res: ServerResponse, status: number, code: string, message: string): void {
  const body = JSON.stringify({ errors: [{ message, extensions: { code } }] });
  res.statusCode = status;
  res.setHeader('content-type', 'application/json; charset=utf-8');
  if (status === 413) res.setHeader('connection', 'close');
  res.end(body);
}
