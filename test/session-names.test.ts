import { countRows, startTestApp, type TestApp } from './support/test-app';
import { errorCode, graphql, type GraphQLResponse } from './support/graphql-client';
import { login, openSession } from './support/fixtures';
import { CLOSE_SESSION, OPEN_SESSION, SESSIONS } from './support/operations';

/** The demo representative owns both. */
const CAFE = 1;
const SECOND_CAFE = 3;

describe('session names and codes', () => {
  let test: TestApp;
  let token: string;

  beforeAll(async () => {
    test = await startTestApp();
    token = await login(test.url);
  });
  afterAll(() => test.stop());

  it('refuses a second open "Table 2" at the same location with CONFLICT and writes one session', async () => {
    const first = await graphql(test.url, OPEN_SESSION, { locationId: CAFE, name: 'Table 2' }, token);
    expect(first.errors).toBeUndefined();
    const before = await countRows(test.databaseUrl, 'sessions');
    const second = await graphql(test.url, OPEN_SESSION, { locationId: CAFE, name: 'Table 2' }, token);
    expect(errorCode(second)).toBe('CONFLICT');
    expect(await countRows(test.databaseUrl, 'sessions')).toBe(before);

    const listed = await graphql(test.url, SESSIONS, { locationId: CAFE, state: 'OPEN' }, token);
    expect(listed.data.sessions.nodes.filter((session: { name: string }) => session.name === 'Table 2')).toHaveLength(1);
  });

  it('refuses names that look like an open one (invisible characters, other spaces) with CONFLICT, and keeps names as they look', async () => {
    const first = await graphql(test.url, OPEN_SESSION, { locationId: CAFE, name: 'Table\u00a07 \u200b' }, token);
    expect(first.data.openSession.name).toBe('Table 7');
    const before = await countRows(test.databaseUrl, 'sessions');
    for (const lookalike of ['Table 7\u200b', '\u2060Table  7', 'Table\u20077', '\u202eTable 7', 'Table\u200d 7', 'Ta\u200dble 7', 'Table\u034f 7', 'Table\u3164 7', 'Tab\ufe0fle 7', 'Table 7\ufe0e']) {
      const again = await graphql(test.url, OPEN_SESSION, { locationId: CAFE, name: lookalike }, token);
      expect([lookalike, errorCode(again)]).toEqual([lookalike, 'CONFLICT']);
    }
    expect(await countRows(test.databaseUrl, 'sessions')).toBe(before);
  });

  it('composes a name once its invisible characters are out: "Cafe", a zero-width space and an accent are "Café"', async () => {
    const opened = await graphql(test.url, OPEN_SESSION, { locationId: CAFE, name: 'Caf\u00e9 corner' }, token);
    expect(opened.data.openSession.name).toBe('Caf\u00e9 corner');
    expect(errorCode(await graphql(test.url, OPEN_SESSION, { locationId: CAFE, name: 'Cafe\u200b\u0301 corner' }, token))).toBe('CONFLICT');
  });

  it('refuses a name of invisible characters only as BAD_USER_INPUT, and writes nothing', async () => {
    const before = await countRows(test.databaseUrl, 'sessions');
    for (const invisible of ['\u200b', '\u2060\u00ad', '\u00a0\u3000', '\ufeff', '\u3164', '\uffa0\u115f\u2800', '\ufe0f', 'a\ufe0f'.slice(1)]) {
      const refused = await graphql(test.url, OPEN_SESSION, { locationId: CAFE, name: invisible }, token);
      expect(errorCode(refused)).toBe('BAD_USER_INPUT');
      expect(refused.errors?.[0].message).toBe('A session needs a name');
    }
    expect(await countRows(test.databaseUrl, 'sessions')).toBe(before);
  });

  it('refuses a name far over 200 characters as BAD_USER_INPUT before reading it, however much of it is invisible', async () => {
    for (const long of ['\u{E0067}'.repeat(60_000), 'T'.repeat(201), `Table 2${'\u200b'.repeat(3_000)}`]) {
      const refused = await graphql(test.url, OPEN_SESSION, { locationId: CAFE, name: long }, token);
      expect(errorCode(refused)).toBe('BAD_USER_INPUT');
      // The longest refused before graphql-js reads the variables, the others by the name's own limit.
      expect(refused.errors?.[0].message).toMatch(/^A (session name|string in the variables) has at most (200|1024) characters$/);
    }
  });

  it('keeps the joiners of emoji sequences and of scripts written with them, variation selectors, and the tags of a subdivision flag', async () => {
    for (const name of ['👨\u200d👩\u200d👧 table', 'می\u200cخواهم', 'क्\u200dष', '❤\ufe0f table', '1\ufe0f\u20e3 table', '葛\udb40\udd00 table', '🏴\u{E0067}\u{E0062}\u{E0073}\u{E0063}\u{E0074}\u{E007F} corner']) {
      const opened = await graphql(test.url, OPEN_SESSION, { locationId: CAFE, name }, token);
      expect(opened.data.openSession.name).toBe(name);
    }
  });

  it('opens "Table 5" at two locations of the same representative', async () => {
    const here = await openSession(test.url, token, 'Table 5', CAFE);
    const there = await openSession(test.url, token, 'Table 5', SECOND_CAFE);
    expect(there).toMatchObject({ name: 'Table 5', locationId: SECOND_CAFE });
    expect(there.code).not.toBe(here.code);
  });

  it('opens "Table 9" again, with a new code, once the first one is closed', async () => {
    const first = await openSession(test.url, token, 'Table 9');
    expect((await graphql(test.url, CLOSE_SESSION, { code: first.code }, token)).data.closeSession.state).toBe('CLOSED');
    const again = await openSession(test.url, token, 'Table 9');
    expect(again.code).not.toBe(first.code);
    expect(again.id).not.toBe(first.id);
  });

  it('gives a session another code when the codes service hands out one already in use', async () => {
    test.doubles.control.queueCodes(['aaaaaa', 'aaaaaa', 'bbbbbb']);
    const first = await openSession(test.url, token, 'Table 11');
    const second = await openSession(test.url, token, 'Table 12');
    expect(first.code).toBe('aaaaaa');
    expect(second.code).toBe('bbbbbb');
  });
});

describe('the sessions of a location, page by page', () => {
  let test: TestApp;
  let token: string;
  let opened: { code: string; name: string }[];

  beforeAll(async () => {
    test = await startTestApp();
    token = await login(test.url);
    opened = [];
    for (const table of [1, 2, 3, 4, 5]) opened.push(await openSession(test.url, token, `Table ${table}`));
    await graphql(test.url, CLOSE_SESSION, { code: opened[1].code }, token);
  });
  afterAll(() => test.stop());

  async function everyPage(variables: Record<string, unknown>) {
    const pages: string[][] = [];
    let after: string | null = null;
    do {
      const response: GraphQLResponse = await graphql(test.url, SESSIONS, { locationId: CAFE, first: 2, after, ...variables }, token);
      expect(response.errors).toBeUndefined();
      const { nodes, pageInfo } = response.data.sessions as { nodes: { code: string }[]; pageInfo: { endCursor: string | null; hasNextPage: boolean } };
      pages.push(nodes.map((session) => session.code));
      after = pageInfo.hasNextPage ? pageInfo.endCursor : null;
    } while (after && pages.length < 10);
    return pages;
  }

  it('lists every session exactly once, newest first, two at a time', async () => {
    const newestFirst = opened.map((session) => session.code).reverse();
    expect(await everyPage({})).toEqual([newestFirst.slice(0, 2), newestFirst.slice(2, 4), newestFirst.slice(4)]);
  });

  it('lists only the open sessions with state: OPEN', async () => {
    const open = opened.filter((_session, index) => index !== 1).map((session) => session.code).reverse();
    expect(await everyPage({ state: 'OPEN' })).toEqual([open.slice(0, 2), open.slice(2, 4)]);
  });

  it('lists only the closed sessions with state: CLOSED', async () => {
    expect(await everyPage({ state: 'CLOSED' })).toEqual([[opened[1].code]]);
  });
});
