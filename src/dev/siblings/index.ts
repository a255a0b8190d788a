import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import express, { type ErrorRequestHandler, type RequestHandler } from 'express';
import { codesRouter, CODE_PATTERN } from './codes';
import { createDemoData, type DemoData } from './demo-data';
import { locationsRouter } from './locations';
import { PRICE_PATTERN, productsRouter } from './products';
import { expireSessionKey, issueSessionKey, verificationRouter } from './verification';

export type { DemoData, DemoLocation, DemoProduct, DemoUser } from './demo-data';

export type SiblingService = 'verification' | 'locations' | 'products' | 'codes';

export interface SiblingDoublesOptions {
  /** 0 (the default) picks a free port. */
  port?: number;
  /** Defaults to 127.0.0.1. */
  host?: string;
}

/** What tests use to steer the doubles. Each method throws on an argument the real service could never produce. */
export interface SiblingDoublesControl {
  /** The key answers `incorrect_session_key` from now on, as if two weeks had passed. */
  expireSessionKey(key: string): void;
  /** A valid session key for the user, without a login request. */
  issueSessionKey(userId: number): string;
  /** `price` is a 2-decimal string such as "2.40". */
  setProductPrice(productId: number, price: string): void;
  /** The next `/codes/new/` answers hand out these values first (6 lowercase hex characters each). */
  queueCodes(values: string[]): void;
  /** While unavailable, every request to the service answers 503. */
  setUnavailable(service: SiblingService, unavailable?: boolean): void;
  /** Requests so far whose path starts with `pathPrefix`, e.g. "/products/" or "/verification/verify/". */
  requestCount(pathPrefix: string): number;
  resetRequestCounts(): void;
}

export interface SiblingDoubles {
  /** The base URL of all four siblings, e.g. "http://127.0.0.1:40123" (no trailing slash). */
  url: string;
  data: DemoData;
  control: SiblingDoublesControl;
  /** Closes the server, keep-alive connections included. */
  stop(): Promise<void>;
}

/** Starts one HTTP server that plays verification, locations, products and codes under their path prefixes. */
export async function startSiblingDoubles(options: SiblingDoublesOptions = {}): Promise<SiblingDoubles> {
  const { port = 0, host = '127.0.0.1' } = options;
  const data = createDemoData();
  const queuedCodes: string[] = [];
  const unavailableServices = new Set<SiblingService>();
  const requestsPerPath = new Map<string, number>();

  const unlessUnavailable =
    (service: SiblingService): RequestHandler =>
    (_req, res, next) => {
      if (unavailableServices.has(service)) res.status(503).json({ reason: 'service_unavailable' });
      else next();
    };

  const app = express();
  app.use((req, _res, next) => {
    requestsPerPath.set(req.path, (requestsPerPath.get(req.path) ?? 0) + 1);
    next();
  });
  // Bodies are JSON whatever their Content-Type says (SIBLINGS.md asks for none), and are read
  // only once the service is known to be available: an unavailable one answers 503 to anything.
  const json = express.json({ type: () => true });
  app.use('/verification', unlessUnavailable('verification'), json, verificationRouter(data));
  app.use('/locations', unlessUnavailable('locations'), json, locationsRouter(data));
  app.use('/products', unlessUnavailable('products'), json, productsRouter(data));
  app.use('/codes', unlessUnavailable('codes'), json, codesRouter(queuedCodes));
  // SIBLINGS.md: every failure answer is JSON with a reason, Express's own pages included.
  app.use((_req, res) => res.status(404).json({ reason: 'not_found' }));
  app.use(malformedJsonHandler);

  const server = createServer(app);
  await listen(server, port, host);
  const { port: boundPort } = server.address() as AddressInfo;
  const urlHost = host.includes(':') ? `[${host}]` : host;

  const control: SiblingDoublesControl = {
    expireSessionKey: (key) => expireSessionKey(data, key),
    issueSessionKey: (userId) => {
      if (!data.users.some((u) => u.id === userId)) throw new Error(`unknown user ${userId}`);
      return issueSessionKey(data, userId);
    },
    setProductPrice: (productId, price) => {
      if (!PRICE_PATTERN.test(price)) throw new Error(`price must be a 2-decimal string, got "${price}"`);
      const product = data.products.find((p) => p.id === productId);
      if (!product) throw new Error(`unknown product ${productId}`);
      product.price = price;
    },
    queueCodes: (values) => {
      const invalid = values.find((value) => !CODE_PATTERN.test(value));
      if (invalid !== undefined) throw new Error(`a code is 6 lowercase hex characters, got "${invalid}"`);
      queuedCodes.push(...values);
    },
    setUnavailable: (service, unavailable = true) => {
      if (unavailable) unavailableServices.add(service);
      else unavailableServices.delete(service);
    },
    requestCount: (pathPrefix) =>
      [...requestsPerPath].reduce((sum, [path, count]) => (path.startsWith(pathPrefix) ? sum + count : sum), 0),
    resetRequestCounts: () => requestsPerPath.clear(),
  };

  return {
    url: `http://${urlHost}:${boundPort}`,
    data,
    control,
    stop: () => close(server),
  };
}

/** express.json() reports unparsable bodies as errors; the siblings answer them with 400 malformed_json. */
/** A body the JSON parser refused (unparsable, too large, in an unknown charset) as the contract's JSON failure. */
const malformedJsonHandler: ErrorRequestHandler = (error: { type?: unknown; status?: unknown }, _req, res, next) => {
  if (error?.type === 'entity.parse.failed') res.status(400).json({ reason: 'malformed_json' });
  else if (error?.type === 'entity.too.large') res.status(413).json({ reason: 'payload_too_large' });
  else if (typeof error?.status === 'number' && error.status >= 400 && error.status < 500) res.status(error.status).json({ reason: 'bad_request' });
  else next(error);
};

function listen(server: Server, port: number, host: string): Promise<void> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
}

function close(server: Server): Promise<void> {
  if (!server.listening) return Promise.resolve();
  return new Promise((resolve, reject) => {
    server.close((error) => (error ? reject(error) : resolve()));
    server.closeAllConnections();
  });
}
