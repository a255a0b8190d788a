import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { SiblingProxy } from './sibling-proxy';

/** A stand-in for a sibling that is down: its base URL, and how to clean it up. */
export interface DeadSibling {
  url: string;
  stop(): Promise<void>;
}

/** A URL on 127.0.0.1 where nothing listens: a port that was free a moment ago, now closed. */
export async function closedPort(): Promise<DeadSibling> {
  const server = createServer();
  const port = await listen(server);
  await close(server);
  return { url: `http://127.0.0.1:${port}`, stop: async () => undefined };
}

/** An HTTP server on 127.0.0.1 that accepts every connection and request and never answers. */
export async function silentServer(): Promise<DeadSibling> {
  const server = createServer(() => {
    // Reads the request and never answers: only the client's timeout ends the wait.
  });
  const port = await listen(server);
  return { url: `http://127.0.0.1:${port}`, stop: () => close(server) };
}

/**
 * A sibling that answers 503 to every request under `downPrefix` and passes the others on
 * to `upstream`: one of its endpoints is failing, the rest work.
 */
export async function failingUnder(upstream: string, downPrefix: string): Promise<DeadSibling> {
  const proxy = new SiblingProxy(upstream);
  await proxy.start();
  proxy.replace(downPrefix, { status: 503, json: { reason: 'service_unavailable' } });
  return proxy;
}

function listen(server: Server): Promise<number> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve((server.address() as AddressInfo).port));
  });
}

function close(server: Server): Promise<void> {
  return new Promise((resolve, reject) => {
    server.close((error) => (error ? reject(error) : resolve()));
    server.closeAllConnections();
  });
}
