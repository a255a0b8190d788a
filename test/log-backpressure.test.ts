import { randomBytes } from 'node:crypto';
import { testDatabaseServerUrl } from './support/environment';
import { graphql } from './support/graphql-client';
import { scrapeMetric } from './support/metrics';
import { freePort } from './support/redis-server';
import { ServiceProcess } from './support/service-process';
import { dropDatabase } from './support/test-app';
import { waitFor } from './support/wait';

/** Each answered request logs one line of about 150 bytes: this many fill a 64 KiB pipe several times over. */
const REQUESTS = 2_000;

/** A service of its own whose stdout the test may stop reading. */
function serviceWithLog(env: Record<string, string> = {}) {
  const databaseName = `ordered_test_${randomBytes(6).toString('hex')}`;
  const started = { service: undefined as unknown as ServiceProcess };
  beforeAll(async () => {
    started.service = new ServiceProcess('held-log', {
      PORT: String(await freePort()),
      HOST: '127.0.0.1',
      DATABASE_URL: `${testDatabaseServerUrl()}/${databaseName}`,
      ...env,
    });
    await started.service.start();
  });
  afterAll(async () => {
    await started.service.stop();
    await dropDatabase(databaseName);
  });
  return started;
}

describe('a log reader that falls behind', () => {
  const started = serviceWithLog();

  it('does not stop the service, and gets every line once it reads again', async () => {
    const { service } = started;
    const loggedBefore = service.messages.get('http request') ?? 0;
    service.holdOutput();
    for (let i = 0; i < REQUESTS; i++) expect((await graphql(service.url, '{ __typename }', {})).data).toEqual({ __typename: 'Query' });

    service.releaseOutput();
    await waitFor(async () => (service.messages.get('http request') ?? 0) === loggedBefore + REQUESTS, 'every request logged');
  });
});

describe('a log reader that stops for longer than LOG_BUFFER_BYTES lasts', () => {
  const started = serviceWithLog({ LOG_BUFFER_BYTES: '65536' });

  it('keeps serving with the lines past the bound dropped, counted, and told once the reader is back', async () => {
    const { service } = started;
    const loggedBefore = service.messages.get('http request') ?? 0;
    service.holdOutput();
    for (let i = 0; i < REQUESTS; i++) expect((await graphql(service.url, '{ __typename }', {})).data).toEqual({ __typename: 'Query' });
    // About 300 KB of lines against a 64 KiB pipe and 64 KiB waiting in the service.
    const dropped = await scrapeMetric(service.url, 'ordered_log_lines_dropped_total');
    expect(dropped).toBeGreaterThan(0);

    service.releaseOutput();
    await waitFor(async () => service.messages.get('log lines dropped: stdout was not taking them') === 1, 'the drop told');
    const told = service
      .log()
      .split('\n')
      .map((line) => (line.startsWith('{') ? JSON.parse(line) : {}))
      .find((entry) => entry.message === 'log lines dropped: stdout was not taking them');
    expect(told).toMatchObject({ level: 'warn', dropped });
    expect(service.messages.get('http request')).toBe(loggedBefore + REQUESTS - dropped);
    // What comes after is written again.
    await graphql(service.url, '{ __typename }', {});
    await waitFor(async () => service.messages.get('http request') === loggedBefore + REQUESTS - dropped + 1, 'the next line');
  });
});
