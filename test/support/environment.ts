/** Where the tests find PostgreSQL and Redis (the machine's own by default). */
export function testDatabaseServerUrl(): string {
  return (process.env.TEST_DATABASE_SERVER_URL ?? 'postgresql://postgres@127.0.0.1:5432').replace(/\/+$/, '');
}

export function testRedisUrl(): string {
  return process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';
}
