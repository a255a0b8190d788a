import { ConfigError, loadConfig } from '../src/config';

/** Every real part named, as production must. */
const PRODUCTION = {
  DATABASE_URL: 'postgresql://app@db:5432/ordered',
  REDIS_URL: 'redis://cache:6379',
  VERIFICATION_URL: 'http://siblings',
  LOCATIONS_URL: 'http://siblings',
  PRODUCTS_URL: 'http://siblings',
  CODES_URL: 'http://siblings',
};

/** The environment is read once at start; these check what it takes and what it refuses, with which message. */
describe('configuration from the environment', () => {
  it.each([
    ['DATABASE_URL', 'postgresql://'],
    ['REDIS_URL', 'redis://'],
  ])('refuses %s without a host (%s)', (name, value) => {
    expect(() => loadConfig({ [name]: value })).toThrow(`${name} must name a host, got "${value}"`);
  });

  it('takes URLs that name a host', () => {
    const config = loadConfig({ DATABASE_URL: 'postgresql://app@db:5432/ordered', REDIS_URL: 'redis://cache:6379', PRODUCTS_URL: 'http://siblings/products/' });
    expect(config).toMatchObject({ databaseUrl: 'postgresql://app@db:5432/ordered', redisUrl: 'redis://cache:6379', siblings: { products: 'http://siblings/products' } });
  });

  it('takes on and off for a flag, as for true and false', () => {
    expect(loadConfig({ PLAYGROUND: 'off' }).playground).toBe(false);
    expect(loadConfig({ PLAYGROUND: 'on', NODE_ENV: 'production', ...PRODUCTION }).playground).toBe(true);
    expect(() => loadConfig({ TRUST_PROXY: 'maybe' })).toThrow(ConfigError);
  });

  it("takes each of pino's levels for LOG_LEVEL, and silent", () => {
    for (const level of ['trace', 'debug', 'info', 'warn', 'error', 'fatal', 'silent']) expect(loadConfig({ LOG_LEVEL: level }).logLevel).toBe(level);
  });

  it('bounds what the log may hold for stdout: 16 MiB unless told, at least 64 KiB', () => {
    expect(loadConfig({}).logBufferBytes).toBe(16 * 1024 * 1024);
    expect(loadConfig({ LOG_BUFFER_BYTES: '65536' }).logBufferBytes).toBe(65536);
    expect(() => loadConfig({ LOG_BUFFER_BYTES: '4096' })).toThrow('LOG_BUFFER_BYTES must be an integer from 65536 to 1073741824, got "4096"');
  });

  it('bounds what one client may leave unsent: 64 MiB unless told, 0 for no limit, else at least 1 MiB', () => {
    expect(loadConfig({}).unsentBytesPerClient).toBe(64 * 1024 * 1024);
    expect(loadConfig({ UNSENT_BYTES_PER_CLIENT: '0' }).unsentBytesPerClient).toBe(0);
    expect(() => loadConfig({ UNSENT_BYTES_PER_CLIENT: '65536' })).toThrow('UNSENT_BYTES_PER_CLIENT must be 0 (no limit) or at least 1048576 (1 MiB), got "65536"');
  });

  it('refuses a WebSocket keep-alive under a second, other than 0', () => {
    expect(() => loadConfig({ WS_KEEPALIVE_MS: '1' })).toThrow('WS_KEEPALIVE_MS must be 0 (never) or from 1000 to 600000, got "1"');
    expect(loadConfig({ WS_KEEPALIVE_MS: '1000' }).webSocketKeepAliveMs).toBe(1000);
    expect(loadConfig({ WS_KEEPALIVE_MS: '0' }).webSocketKeepAliveMs).toBe(0);
  });

  it.each(['Production', 'prod', 'staging', ' production'])('refuses NODE_ENV=%s rather than starting as development', (value) => {
    expect(() => loadConfig({ NODE_ENV: value, ...PRODUCTION })).toThrow(`NODE_ENV must be production, development, test or unset, got "${value}"`);
    for (const known of ['development', 'test']) expect(loadConfig({ NODE_ENV: known }).production).toBe(false);
  });

  it('starts in production with every real part named', () => {
    expect(loadConfig({ NODE_ENV: 'production', ...PRODUCTION })).toMatchObject({ production: true, siblings: { codes: 'http://siblings' } });
  });

  it.each(Object.keys(PRODUCTION))('refuses production without %s, instead of starting a development stand-in', (name) => {
    const env: Record<string, string> = { NODE_ENV: 'production', ...PRODUCTION, [name]: ' ' };

    expect(() => loadConfig(env)).toThrow(`${name} must be set when NODE_ENV=production`);
  });

  it('does not repeat a password of a URL it refuses', () => {
    const refused = (env: Record<string, string>) => {
      try {
        loadConfig(env);
      } catch (error) {
        return (error as Error).message;
      }
      throw new Error('taken');
    };
    const messages = [
      refused({ DATABASE_URL: 'postgres+ssl://ordered:Sup3r-Secret@db.internal:5432/ordered' }),
      refused({ REDIS_URL: 'redis://:R3dis-Secret@redis.internal:6379x' }),
      refused({ DATABASE_URL: 'postgresql://ordered:Sup3r/Secret@' }),
    ];
    expect(messages.join('\n')).not.toMatch(/Secret/);
    expect(messages[0]).toContain('DATABASE_URL must use postgres: or postgresql:, got "postgres+ssl://***@db.internal:5432/ordered"');
  });
});
