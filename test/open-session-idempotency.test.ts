import { setTimeout as sleep } from 'node:timers/promises';
import { queryRows } from './support/database';
import { DEMO, login } from './support/fixtures';
import { errorCode, graphql, type GraphQLResponse } from './support/graphql-client';
import { CLOSE_SESSION, OPEN_SESSION } from './support/operations';
import { startTestApp, type TestApp } from './support/test-app';

const { cafe: CAFE, beerGarden: SECOND_CAFE } = DEMO;

describe('openSession sent again with the same idempotency key', () => {
  let test: TestApp;
  let token: string;

  beforeAll(async () => {
    test = await startTestApp();
    token = await login(test.url);
  });
  afterAll(() => test.stop());

  const open = (name: string, idempotencyKey?: unknown, locationId: number = CAFE): Promise<GraphQLResponse> =>
    graphql(test.url, OPEN_SESSION, { locationId, name, idempotencyKey }, token);

  /** Every session of the location opened under the key (or with the name), and their SessionOpened events. */
  async function stored(locationId: number, where: { key?: string; name?: string }) {
    const sessions = await queryRows<{ id: string }>(
      test.databaseUrl,
      'select id from sessions where location_id = $1 and (open_key = $2 or name = $3)',
      [locationId, where.key ?? null, where.name ?? null],
    );
    const opened = await queryRows(
      test.databaseUrl,
      "select seq from location_events where type = 'SessionOpened' and session_id = any($1::uuid[])",
      [sessions.map((session) => session.id)],
    );
    return { sessions: sessions.length, openedEvents: opened.length };
  }

  it('answers with the session the first one opened, and opens no second one', async () => {
    const first = await open('Table 1', 'open-table-1');
    expect(first.errors).toBeUndefined();
    const again = await open('Table 1', 'open-table-1');
    expect(again.errors).toBeUndefined();
    expect(again.data.openSession).toEqual(first.data.openSession);
    expect(await stored(CAFE, { key: 'open-table-1' })).toEqual({ sessions: 1, openedEvents: 1 });
  });

  it('answers with that session as it stands now, also once it is closed', async () => {
    const first = (await open('Table 2', 'open-table-2')).data.openSession;
    expect(errorCode(await graphql(test.url, CLOSE_SESSION, { code: first.code }, token))).toBeUndefined();
    const again = await open('Table 2', 'open-table-2');
    expect(again.data.openSession).toMatchObject({ id: first.id, code: first.code, state: 'CLOSED' });
    expect(await stored(CAFE, { name: 'Table 2' })).toEqual({ sessions: 1, openedEvents: 1 });
  });

  it('answers all of the same open sent at once with one session', async () => {
    for (let round = 0; round < 5; round++) {
      const [name, key] = [`Table 3.${round}`, `open-table-3.${round}`];
      // A few milliseconds apart: later ones arrive while earlier ones are being written.
      const answers = await Promise.all(Array.from({ length: 8 }, (_, i) => sleep(i * 3).then(() => open(name, key))));
      expect(answers.map((answer) => answer.errors)).toEqual(Array(8).fill(undefined));
      expect(new Set(answers.map((answer) => answer.data.openSession.id)).size).toBe(1);
      expect(await stored(CAFE, { key })).toEqual({ sessions: 1, openedEvents: 1 });
    }
  });

  it('refuses the key with another name with CONFLICT, writing nothing', async () => {
    await open('Table 4', 'open-table-4');
    const other = await open('Table 4b', 'open-table-4');
    expect(other.errors?.[0].extensions).toEqual({ code: 'CONFLICT', field: 'idempotencyKey' });
    expect(other.errors?.[0].message).toBe('This idempotency key already opened the session "Table 4" at this location');
    expect(await stored(CAFE, { name: 'Table 4b' })).toEqual({ sessions: 0, openedEvents: 0 });
  });

  it('still refuses an open name under a new key with CONFLICT', async () => {
    await open('Table 5', 'open-table-5');
    const answer = await open('Table 5', 'another-key');
    expect(answer.errors?.[0].extensions).toEqual({ code: 'CONFLICT', field: 'name' });
    expect(await stored(CAFE, { name: 'Table 5' })).toEqual({ sessions: 1, openedEvents: 1 });
  });

  it('keeps keys apart per location', async () => {
    const here = (await open('Table 6', 'open-table-6', CAFE)).data.openSession;
    const there = (await open('Table 6', 'open-table-6', SECOND_CAFE)).data.openSession;
    expect(there).toMatchObject({ name: 'Table 6', locationId: SECOND_CAFE });
    expect(there.id).not.toBe(here.id);
  });

  it('opens as before without a key', async () => {
    const first = await open('Table 7');
    expect(first.errors).toBeUndefined();
    expect(errorCode(await open('Table 7', null))).toBe('CONFLICT');
  });

  it.each([
    ['empty', ''],
    ['blank', '   '],
    ['longer than 100 characters', 'k'.repeat(101)],
    ['with a NUL', 'key\u0000'],
    ['half a surrogate pair', 'key\ud800'],
  ])('refuses a key %s with BAD_USER_INPUT, writing nothing', async (_case, key) => {
    const answer = await open('Table bad key', key);
    expect(answer.errors?.[0].extensions).toEqual({ code: 'BAD_USER_INPUT', field: 'idempotencyKey' });
    expect(await stored(CAFE, { name: 'Table bad key' })).toEqual({ sessions: 0, openedEvents: 0 });
  });

  it('refuses a key that is not a string with BAD_USER_INPUT', async () => {
    expect(errorCode(await open('Table 8', 42))).toBe('BAD_USER_INPUT');
  });
});
