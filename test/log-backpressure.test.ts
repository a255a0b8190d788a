import { randomBytes } from 'node:crypto';
import { testDatabaseServerUrl } from './support/environment';
import { graphql } from './support/graphql-client';
import { freePort } from './support/redis-server';
import { ServiceProcess } from './support/service-process';
import { dropDatabase } from './support/test-app';
import { waitFor } from './support/wait';

/** Each answered request logs one line of about 150 bytes: this many fill a 64 KiB pipe several times over. */
const REQUESTS = 2_000;

describe('a log reader that falls behind', () => {
  const databaseName = `ordered_test_${randomBytes(6).toString('hex')}`;
  let service: ServiceProcess;

  beforeAll(async () => {
    service = new ServiceProcess('held-log', {
      PORT: String(await freePort()),
      HOST: '127.0.0.1',
      DATABASE_URL: `${testDatabaseServerUrl()}/${databaseName}`,
    });
    await service.start();
  });

  afterAll(async () => {
    await service.stop();
    await dropDatabase(databaseName);
  });

  it('does not stop the service, and gets every line once it reads again', async () => {
    const loggedBefore = service.messages.get('http request') ?? 0;
    service.holdOutput();
    for (let i = 0; i < REQUESTS; i++) expect((await graphql(service.url, '{ __typename }', {})).data).toEqual({ __typename: 'Query' });

    service.releaseOutput();
    await waitFor(async () => (service.messages.get('http request') ?? 0) === loggedBefore + REQUESTS, 'every request logged');
  });
});
