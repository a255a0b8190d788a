/**
 * Every PubSub topic name, in one place. One topic per session and one per location keep the
 * cost of an event independent of the subscriptions to other sessions and locations.
 */
export const Topics = {
  /**
   * Redis channels are `<namespace><topic>`. Instances sharing a database share topics, so the
   * default namespace (unless REDIS_NAMESPACE is set) names the database: deployments or test
   * databases on one Redis stay apart, unless their databases have the same name.
   */
  namespaceFor: (databaseUrl: string) => `ordered:${decodeURIComponent(new URL(databaseUrl).pathname.slice(1)) || 'postgres'}:`,
  session: (sessionId: string) => `session:${sessionId}`,
  location: (locationId: number | string) => `location:${locationId}`,
  /** Tokens logged out on one instance, for every instance to forget. */
  credentialsRevoked: 'credentials:revoked',
  /** Clients that used up their wrong-code allowance, for every instance to refuse. */
  wrongCodesExhausted: 'wrong-codes:exhausted',
} as const;
