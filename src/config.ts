/** Environment → one typed, validated config object, read once at start. */
import { DEFAULT_LOG_BUFFER_BYTES, isLogLevel, LOG_LEVELS, type LogLevel } from './logger';

export interface SiblingUrls {
  verification?: string;
  locations?: string;
  products?: string;
  codes?: string;
}

export interface Config {
  port: number;
  host: string;
  production: boolean;
  /** Absent: an embedded PostgreSQL is started. */
  databaseUrl?: string;
  /** Absent: the in-process PubSub is used (single instance only). */
  redisUrl?: string;
  /**
   * Put before every Redis channel and key. Absent: `ordered:<database name>:`, so the
   * instances of one database share it; deployments on one Redis whose databases have the
   * same name must set different ones.
   */
  redisNamespace?: string;
  /** A sibling without a URL is served by the built-in development doubles. */
  siblings: SiblingUrls;
  siblingTimeoutMs: number;
  /** Base of the customer's join link encoded in QR codes; the bare code when absent. */
  joinUrlBase?: string;
  /** Wrong session codes one client may try per minute before RATE_LIMITED. */
  wrongCodeLimitPerMinute: number;
  /** Failed logins of one username from one client per hour before RATE_LIMITED (ten times that per client). */
  loginFailureLimitPerHour: number;
  /** How long verification and ownership answers are reused. */
  authCacheTtlMs: number;
  /** How long a location's menu (names and prices) is reused for orders and the menu query. */
  productCacheTtlMs: number;
  /** Behind a load balancer: take the client's address from X-Forwarded-For. */
  trustProxy: boolean;
  /** The GraphQL IDE at / and /graphql, and schema introspection; on by default outside production. */
  playground: boolean;
  /**
   * How often an idle WebSocket is pinged; one that has not answered by the next ping is
   * closed. 0: never (a vanished client is then noticed only when TCP gives up on it).
   */
  webSocketKeepAliveMs: number;
  /**
   * WebSockets one client may hold on an instance (past it the handshake is refused, 429), and
   * apart from them HTTP connections (past it the client's oldest idle one is closed, or the new
   * one; not behind a trusted proxy, whose connections every client shares). 0: no limit.
   */
  connectionsPerClient: number;
  /** Bytes that may wait unsent for one client's WebSockets and HTTP connections together (each past 64 KiB counted); 0: no limit. */
  unsentBytesPerClient: number;
  /**
   * An HTTP connection on which nothing moves for this long is closed: one that never sends its
   * request, and one whose client stops reading its answer (which would hold it in memory).
   * WebSockets are left to the keep-alive above.
   */
  httpIdleTimeoutMs: number;
  /**
   * The orders one session takes. Every order stays in the session's log, its `orders` and each
   * replay of it (an order of 50 items with notes is about 28 KB); a table orders far fewer.
   */
  sessionOrderLimit: number;
  /** The longest a database statement, or the wait for a pooled connection, may take. */
  databaseQueryTimeoutMs: number;
  /** The least severe log entries written; silent: none. */
  logLevel: LogLevel | 'silent';
  /** Log output that may wait for stdout; lines past it are dropped and counted. */
  logBufferBytes: number;
}

export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`Invalid configuration:\n  - ${problems.join('\n  - ')}`);
  }
}

type Env = Record<string, string | undefined>;

const NODE_ENVS = ['production', 'development', 'test'];

export function loadConfig(env: Env = process.env): Config {
  const problems: string[] = [];
  const read = (name: string) => {
    const value = env[name]?.trim();
    return value ? value : undefined;
  };
  const integer = (name: string, fallback: number, min: number, max: number) => {
    const raw = read(name);
    if (raw === undefined) return fallback;
    const value = Number(raw);
    if (!Number.isInteger(value) || value < min || value > max) {
      problems.push(`${name} must be an integer from ${min} to ${max}, got "${raw}"`);
      return fallback;
    }
    return value;
  };
  const url = (name: string, protocols: string[]) => {
    const raw = read(name);
    if (raw === undefined) return undefined;
    // The message goes to the start's output: a password in the URL must not.
    const shown = withoutCredentials(raw);
    try {
      const parsed = new URL(raw);
      if (!protocols.includes(parsed.protocol)) {
        problems.push(`${name} must use ${protocols.join(' or ')}, got "${shown}"`);
      } else if (!parsed.hostname) {
        // "postgresql://" alone parses, and a client would then quietly try its own default host.
        problems.push(`${name} must name a host, got "${shown}"`);
      }
    } catch {
      problems.push(`${name} is not a URL: "${shown}"`);
    }
    return raw.replace(/\/+$/, '');
  };
  const flag = (name: string, fallback: boolean) => {
    const raw = read(name)?.toLowerCase();
    if (raw === undefined) return fallback;
    if (['true', '1', 'yes', 'on'].includes(raw)) return true;
    if (['false', '0', 'no', 'off'].includes(raw)) return false;
    problems.push(`${name} must be true or false (or on/off, yes/no, 1/0), got "${raw}"`);
    return fallback;
  };
  const namespace = (name: string) => {
    const raw = read(name);
    if (raw !== undefined && !/^[\w.:-]{1,100}$/.test(raw)) {
      problems.push(`${name} must be 1 to 100 letters, digits or "_.:-", got "${raw}"`);
    }
    return raw;
  };
  const logLevel = (name: string) => {
    const raw = read(name) ?? 'info';
    if (isLogLevel(raw)) return raw;
    problems.push(`${name} must be one of ${LOG_LEVELS.join(', ')}, got "${raw}"`);
    return 'info';
  };
  // A socket gets one interval to answer its ping: under a second, a busy client would be cut off.
  const keepAlive = (name: string) => {
    const value = integer(name, 30000, 0, 600000);
    if (value > 0 && value < 1000) {
      problems.push(`${name} must be 0 (never) or from 1000 to 600000, got "${value}"`);
      return 30000;
    }
    return value;
  };
  const unsentLimit = (name: string) => {
    const value = integer(name, 64 * 1024 * 1024, 0, 1024 * 1024 * 1024 * 1024);
    if (value > 0 && value < 1024 * 1024) {
      problems.push(`${name} must be 0 (no limit) or at least 1048576 (1 MiB), got "${value}"`);
      return 64 * 1024 * 1024;
    }
    return value;
  };
  const http = ['http:', 'https:'];

  // "Production" or "prod" taken for development would start with the playground, stack traces and stand-ins.
  // Not trimmed: Express and other packages read NODE_ENV as it is.
  const nodeEnv = env.NODE_ENV || undefined;
  if (nodeEnv !== undefined && !NODE_ENVS.includes(nodeEnv)) problems.push(`NODE_ENV must be ${NODE_ENVS.join(', ')} or unset, got "${nodeEnv}"`);
  const production = nodeEnv === 'production';
  const config: Config = {
    port: integer('PORT', 4000, 0, 65535),
    host: read('HOST') ?? '0.0.0.0',
    production,
    databaseUrl: url('DATABASE_URL', ['postgres:', 'postgresql:']),
    redisUrl: url('REDIS_URL', ['redis:', 'rediss:']),
    redisNamespace: namespace('REDIS_NAMESPACE'),
    siblings: {
      verification: url('VERIFICATION_URL', http),
      locations: url('LOCATIONS_URL', http),
      products: url('PRODUCTS_URL', http),
      codes: url('CODES_URL', http),
    },
    siblingTimeoutMs: integer('SIBLING_TIMEOUT_MS', 3000, 50, 60000),
    joinUrlBase: url('JOIN_URL_BASE', http),
    wrongCodeLimitPerMinute: integer('WRONG_CODE_LIMIT_PER_MINUTE', 20, 1, 1000000),
    loginFailureLimitPerHour: integer('LOGIN_FAILURE_LIMIT_PER_HOUR', 10, 1, 1000000),
    sessionOrderLimit: integer('SESSION_ORDER_LIMIT', 200, 1, 1000000000),
    authCacheTtlMs: integer('AUTH_CACHE_TTL_MS', 30000, 0, 60000),
    productCacheTtlMs: integer('PRODUCT_CACHE_TTL_MS', 5000, 0, 60000),
    trustProxy: flag('TRUST_PROXY', false),
    playground: flag('PLAYGROUND', !production),
    // graphql-ws pings every 12 s by default: 1,650 pings a second at 20,000 idle sockets. Load
    // balancers commonly drop a connection after 60 s of silence; 30 s keeps well inside that.
    webSocketKeepAliveMs: keepAlive('WS_KEEPALIVE_MS'),
    // A café's guests share its address; a host opening thousands would take the instance's files.
    connectionsPerClient: integer('CONNECTIONS_PER_CLIENT', 2000, 0, 1000000),
    unsentBytesPerClient: unsentLimit('UNSENT_BYTES_PER_CLIENT'),
    httpIdleTimeoutMs: integer('HTTP_IDLE_TIMEOUT_MS', 30000, 1000, 600000),
    databaseQueryTimeoutMs: integer('DATABASE_QUERY_TIMEOUT_MS', 10000, 100, 600000),
    logLevel: logLevel('LOG_LEVEL'),
    logBufferBytes: integer('LOG_BUFFER_BYTES', DEFAULT_LOG_BUFFER_BYTES, 65536, 1073741824),
  };
  if (production) problems.push(...missingInProduction(env));
  if (problems.length > 0) throw new ConfigError(problems);
  return config;
}

/**
 * What production must name (DESIGN.md §8): left out, the service would start the embedded
 * database and the development doubles, whose demo user anyone may log in as, and run each
 * instance with its own in-process PubSub.
 */
const REQUIRED_IN_PRODUCTION = ['DATABASE_URL', 'REDIS_URL', 'VERIFICATION_URL', 'LOCATIONS_URL', 'PRODUCTS_URL', 'CODES_URL'];

function missingInProduction(env: Env): string[] {
  const missing = REQUIRED_IN_PRODUCTION.filter((name) => !env[name]?.trim());
  if (missing.length === 0) return [];
  return [`${missing.join(', ')} must be set when NODE_ENV=production: the embedded database, in-process PubSub and sibling doubles are for development only`];
}

/** A URL as it may be shown: whatever stands between "//" and the last "@" (user and password) masked. */
function withoutCredentials(url: string): string {
  return url.replace(/\/\/.*@/, '//***@');
}
