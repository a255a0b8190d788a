import { startSiblingDoubles } from '.';

/** Runs the development doubles of the four siblings on their own (docker-compose's "siblings"). */
async function serve(): Promise<void> {
  const doubles = await startSiblingDoubles({ port: Number(process.env.PORT ?? 8000), host: process.env.HOST ?? '0.0.0.0' });
  process.stdout.write(`sibling doubles listening at ${doubles.url}\n`);
  const stop = () => void doubles.stop().then(() => process.exit(0));
  process.on('SIGTERM', stop);
  process.on('SIGINT', stop);
}

void serve();
