import type { MikroORM } from '@mikro-orm/postgresql';
import type { Siblings } from './datasources';
import { Access } from './domain/access';
import { Catalog } from './domain/catalog';
import { CredentialRevocations } from './domain/credential-revocations';
import { EventPublisher } from './domain/event-publisher';
import { FailedLoginThrottle } from './domain/failed-login-throttle';
import { Orders } from './domain/orders';
import { Sessions } from './domain/sessions';
import { EventStreams } from './domain/streams';
import { WrongCodeThrottle } from './domain/wrong-code-throttle';
import type { Logger } from './logger';
import { Sql } from './orm/sql';
import type { Metrics } from './metrics';
import type { EventBus } from './pubsub/event-bus';

/** The domain services one instance shares between HTTP, WebSocket and every request. */
export interface Services {
  orm: MikroORM;
  /** Plain SQL on the ORM's pool, for the hot paths. */
  sql: Sql;
  bus: EventBus;
  siblings: Siblings;
  access: Access;
  /** Failed logins per username and client, counted over all instances. */
  failedLogins: FailedLoginThrottle;
  /** Logouts, told to every instance. */
  revocations: CredentialRevocations;
  /** The locations' menus, briefly reused. */
  catalog: Catalog;
  sessions: Sessions;
  orders: Orders;
  /** Live session and location streams: replay, then live, repaired from the logs. */
  streams: EventStreams;
  logger: Logger;
  metrics: Metrics;
  joinUrlBase?: string;
}

export function createServices(options: {
  orm: MikroORM;
  bus: EventBus;
  siblings: Siblings;
  logger: Logger;
  metrics: Metrics;
  authCacheTtlMs: number;
  productCacheTtlMs: number;
  wrongCodeLimitPerMinute: number;
  loginFailureLimitPerHour: number;
  sessionOrderLimit: number;
  /** DATABASE_QUERY_TIMEOUT_MS: how long a statement may wait for a connection, or a log read for its turn. */
  databaseQueryTimeoutMs: number;
  joinUrlBase?: string;
  /** How often quiet live streams are checked against their logs (default 1 s). */
  liveRepairIntervalMs?: number;
}): Services {
  const { orm, bus, siblings, logger } = options;
  const sql = new Sql(orm, options.databaseQueryTimeoutMs);
  const streams = new EventStreams(sql, bus, logger, options.liveRepairIntervalMs);
  const publisher = new EventPublisher(bus, logger, (topic, event) => streams.feed.hearCommitted(topic, event));
  const catalog = new Catalog(siblings.products, options.productCacheTtlMs);
  const access = new Access(siblings, options.authCacheTtlMs);
  return {
    orm,
    sql,
    bus,
    siblings,
    logger,
    metrics: options.metrics,
    access,
    failedLogins: FailedLoginThrottle.create(bus, options.loginFailureLimitPerHour),
    revocations: new CredentialRevocations(bus, access, logger),
    sessions: new Sessions(sql, siblings.codes, publisher, WrongCodeThrottle.create(bus, options.wrongCodeLimitPerMinute)),
    catalog,
    orders: new Orders(orm, sql, catalog, publisher, options.metrics, options.sessionOrderLimit),
    streams,
    joinUrlBase: options.joinUrlBase,
  };
}
