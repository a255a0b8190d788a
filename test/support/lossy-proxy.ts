import { createServer, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';

/** A request the proxy saw: its GraphQL body, and whether its answer was thrown away. */
export interface ProxiedRequest {
  body: { query: string; variables?: Record<string, unknown> };
  answerLost: boolean;
}

/**
 * An HTTP proxy in front of the service that can lose answers: the request reaches the
 * service and is carried out, then the proxy drops the connection instead of answering —
 * what a client sees when the network fails after sending.
 */
export async function startLossyProxy(target: string) {
  const requests: ProxiedRequest[] = [];
  let answersToLose = 0;
  let losesWhen: (body: ProxiedRequest['body']) => boolean = () => false;

  const server = createServer(async (request, response) => {
    const text = await readBody(request);
    const upstream = await fetch(target, {
      method: request.method,
      headers: { 'content-type': 'application/json', ...(request.headers.authorization ? { authorization: request.headers.authorization } : {}) },
      body: request.method === 'POST' ? text : undefined,
    });
    const answer = await upstream.text();
    const body = JSON.parse(text || '{}');
    const answerLost = answersToLose > 0 && losesWhen(body);
    requests.push({ body, answerLost });
    if (answerLost) {
      answersToLose--;
      request.socket.destroy();
      return;
    }
    response.writeHead(upstream.status, { 'content-type': upstream.headers.get('content-type') ?? 'application/json' }).end(answer);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;

  return {
    url: `http://127.0.0.1:${port}/graphql`,
    requests,
    /** The next `count` answers to requests that match are lost after the service carried them out. */
    loseAnswers(count: number, when: (body: ProxiedRequest['body']) => boolean) {
      answersToLose = count;
      losesWhen = when;
    },
    stop: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

function readBody(request: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    request.on('error', reject);
  });
}
