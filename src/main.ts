import 'reflect-metadata';
import { createApp } from './app';
import { ConfigError, loadConfig } from './config';
import { startEmbeddedDatabase, type EmbeddedDatabase } from './dev/embedded-database';
import { DEMO_REPRESENTATIVE } from './dev/siblings/demo-data';
import { createLogger } from './logger';

/** Entry point: read config, start what is not configured, listen, stop on signals. */
async function main(): Promise<void> {
  let config;
  try {
    config = loadConfig();
  } catch (error) {
    if (error instanceof ConfigError) {
      process.stderr.write(`${error.message}\n`);
      process.exit(2);
    }
    throw error;
  }
  const logger = createLogger(config.logLevel, undefined, config.logBufferBytes);

  let embedded: EmbeddedDatabase | undefined;
  if (!config.databaseUrl) {
    embedded = await startEmbeddedDatabase(process.env.DATA_DIR?.trim() || '.data', logger);
    config = { ...config, databaseUrl: embedded.url };
  }
  const app = await createApp(config, logger).catch(async (error) => {
    await embedded?.stop();
    throw error;
  });

  logger.info('ordered is listening', {
    api: app.url,
    webSocket: app.wsUrl,
    pubSub: config.redisUrl ? 'redis' : 'in-process',
    database: embedded ? 'embedded' : 'DATABASE_URL',
    siblingDoubles: app.siblingDoubles?.url ?? null,
  });
  if (app.siblingDoubles) {
    const { username, password } = DEMO_REPRESENTATIVE;
    process.stdout.write(
      `\n  ordered is running at ${app.url}\n` +
        `  Development doubles of the sibling services: ${app.siblingDoubles.url}\n` +
        `  Demo representative: username "${username}", password "${password}"\n\n`,
    );
  }

  let stopping = false;
  const stop = async (signal: string) => {
    if (stopping) {
      // A second signal: the operator will not wait for the drain.
      logger.warn('stopping at once', { signal });
      process.exit(1);
    }
    stopping = true;
    logger.info('stopping: draining connections', { signal });
    await app.stop();
    await embedded?.stop();
    logger.info('stopped');
    process.exit(0);
  };
  process.on('SIGTERM', () => void stop('SIGTERM'));
  process.on('SIGINT', () => void stop('SIGINT'));
}

main().catch((error) => {
  process.stderr.write(`ordered failed to start: ${error instanceof Error ? error.stack ?? error.message : String(error)}\n`);
  process.exit(1);
});
