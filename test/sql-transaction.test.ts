import { UniqueConstraintViolationException } from '@mikro-orm/core';
import { queryRows } from './support/database';
import { startTestApp, type TestApp } from './support/test-app';

/** A location no fixture uses: its counter row is this test's own. */
const LOCATION = 9_001;

describe('writes in plain SQL transactions', () => {
  let test: TestApp;

  beforeAll(async () => {
    test = await startTestApp();
  });
  afterAll(() => test.stop());

  const counterOf = async (locationId: number) =>
    (await queryRows<{ last_seq: number }>(test.databaseUrl, 'select last_seq from location_streams where location_id = $1', [locationId]))[0]?.last_seq;

  it('keeps every write of work that returns, none of work that throws, and serves the next transaction on the same pool', async () => {
    const { sql } = test.app.services;
    const bump = 'insert into location_streams (location_id, last_seq) values ($1, 1) on conflict (location_id) do update set last_seq = location_streams.last_seq + 1';

    await sql.transaction(async (tx) => {
      await tx.rows(bump, [LOCATION]);
      await tx.rows(bump, [LOCATION]);
    });
    expect(await counterOf(LOCATION)).toBe(2);

    const failed = sql.transaction(async (tx) => {
      await tx.rows(bump, [LOCATION]);
      throw new Error('refused halfway');
    });
    await expect(failed).rejects.toThrow('refused halfway');
    expect(await counterOf(LOCATION)).toBe(2);

    const duplicate = sql.transaction(async (tx) => {
      await tx.rows(bump, [LOCATION]);
      await tx.rows('insert into location_streams (location_id, last_seq) values ($1, 1)', [LOCATION]);
    });
    await expect(duplicate).rejects.toBeInstanceOf(UniqueConstraintViolationException);
    expect(await counterOf(LOCATION)).toBe(2);

    // Every pooled connection is back and out of any transaction.
    await Promise.all(Array.from({ length: 20 }, () => sql.transaction((tx) => tx.rows(bump, [LOCATION]))));
    expect(await counterOf(LOCATION)).toBe(22);
  });
});
