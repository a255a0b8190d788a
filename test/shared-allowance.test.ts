import { randomUUID } from 'node:crypto';
import Redis from 'ioredis';
import { RateLimiterMemory, RateLimiterRedis, type RateLimiterAbstract } from 'rate-limiter-flexible';
import { giveBack } from '../src/domain/shared-allowance';
import { testRedisUrl } from './support/environment';
import { holdEventLoop } from './support/wait';

describe('attempts given back to an allowance', () => {
  const redis = new Redis(testRedisUrl());
  afterAll(() => redis.quit());

  const allowances: [string, () => RateLimiterAbstract][] = [
    ['in memory', () => new RateLimiterMemory({ points: 3, duration: 1, keyPrefix: `test-${randomUUID()}` })],
    ['in Redis', () => new RateLimiterRedis({ points: 3, duration: 1, keyPrefix: `test-${randomUUID()}`, storeClient: redis })],
  ];

  /** The whole allowance of 3 in the window now, and not one attempt more. */
  async function expectWholeAllowanceOnly(allowance: RateLimiterAbstract): Promise<void> {
    for (let attempt = 0; attempt < 3; attempt++) await allowance.consume('client', 1);
    await expect(allowance.consume('client', 1)).rejects.toMatchObject({ remainingPoints: 0 });
  }

  it.each(allowances)('%s: go back to the window they were taken in, at most as many as it counts', async (_where, make) => {
    const allowance = make();
    await allowance.consume('client', 2);
    await giveBack(allowance, 'client', 5);
    expect((await allowance.get('client'))?.consumedPoints).toBe(0);
  });

  it.each(allowances)('%s: are not carried into the next window, which would start below zero', async (_where, make) => {
    const allowance = make();
    await allowance.consume('client', 3);
    await new Promise((resolve) => setTimeout(resolve, 1_100));
    await giveBack(allowance, 'client', 3);
    await expectWholeAllowanceOnly(allowance);
  });

  it.each(allowances)('%s: are not carried into the next window when the event loop was held past the end of theirs', async (_where, make) => {
    const allowance = make();
    await allowance.consume('client', 3);
    // A busy instance: the window's expiry timer has not run when the attempts are given back.
    holdEventLoop(1_100);
    await giveBack(allowance, 'client', 3);
    await expectWholeAllowanceOnly(allowance);
  });

  it.each(allowances)('%s: are not carried into the next window when theirs ends between reading the count and giving back', async (_where, make) => {
    const allowance = make();
    await allowance.consume('client', 3);
    // The count is read while the window still runs; the event loop is then held past its end.
    const heldAfterReading = Object.create(allowance) as RateLimiterAbstract;
    heldAfterReading.get = async (key) => {
      const counted = await allowance.get(key);
      holdEventLoop(1_100);
      return counted;
    };
    await giveBack(heldAfterReading, 'client', 3);
    await new Promise((resolve) => setTimeout(resolve, 50)); // in memory, the ended window's timer runs now
    await expectWholeAllowanceOnly(allowance);
  });
});
