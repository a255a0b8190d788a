import { randomBytes } from 'node:crypto';
import { startSiblingDoubles, type SiblingDoubles } from '../src/dev/siblings';
import { testDatabaseServerUrl, testRedisUrl } from './support/environment';
import { DEMO, login, openSession, placeOrder } from './support/fixtures';
import { graphql } from './support/graphql-client';
import { CLOSE_SESSION, SESSIONS, SET_ORDER_STATUS } from './support/operations';
import { freePort } from './support/redis-server';
import { ServiceProcess } from './support/service-process';
import { dropDatabase } from './support/test-app';
import { waitFor } from './support/wait';

jest.setTimeout(60_000);

/**
 * An AsyncLocalStorage that was used once stays enabled in Node 20, and from then on a hook
 * runs for every promise the process makes (MikroORM's unit of work did that at the first
 * session opened: a fifth of the CPU per order). The service runs as its own process, as in
 * production; test/support/promise-slots.js reports what a new promise carries.
 */
describe('promise hooks', () => {
  const databaseName = `ordered_test_${randomBytes(6).toString('hex')}`;
  let doubles: SiblingDoubles;
  let service: ServiceProcess;

  beforeAll(async () => {
    doubles = await startSiblingDoubles();
    const env = {
      PORT: String(await freePort()),
      HOST: '127.0.0.1',
      DATABASE_URL: `${testDatabaseServerUrl()}/${databaseName}`,
      REDIS_URL: testRedisUrl(),
      VERIFICATION_URL: doubles.url,
      LOCATIONS_URL: doubles.url,
      PRODUCTS_URL: doubles.url,
      CODES_URL: doubles.url,
    };
    service = new ServiceProcess('observed', env, ['-r', './test/support/promise-slots.js']);
    await service.start();
  });

  afterAll(async () => {
    await service?.stop();
    await doubles?.stop();
    await dropDatabase(databaseName);
  });

  const reports = () => [...service.log().matchAll(/promise slots: (\d+)/g)].map((match) => Number(match[1]));
  async function promiseSlots(): Promise<number> {
    const before = reports().length;
    service.signal('SIGUSR2');
    await waitFor(async () => reports().length > before, 'the promise-slots report');
    return reports()[before];
  }

  it('are off after start, and still off after a session is opened, an order moved along, the session closed and the sessions listed', async () => {
    expect(await promiseSlots()).toBe(0);

    const token = await login(service.url);
    const { code } = await openSession(service.url, token, 'Table without hooks');
    const placed = await placeOrder(service.url, code, [{ productId: DEMO.espresso.id, quantity: 1 }]);
    const moved = await graphql(service.url, SET_ORDER_STATUS, { orderId: placed.data.placeOrder.id, status: 'ACCEPTED' }, token);
    const closed = await graphql(service.url, CLOSE_SESSION, { code }, token);
    const firstPage = await graphql(service.url, SESSIONS, { locationId: DEMO.cafe, first: 1 }, token);
    const after = firstPage.data.sessions.pageInfo.endCursor;
    const nextPage = await graphql(service.url, SESSIONS, { locationId: DEMO.cafe, first: 1, after }, token);
    expect([moved.errors, closed.errors, firstPage.errors, nextPage.errors]).toEqual([undefined, undefined, undefined, undefined]);

    expect(await promiseSlots()).toBe(0);
  });
});
