import { withoutSuggestion } from '../src/server/schema-suggestions';
import { errorCode, graphql, Subscriber, webSocketClient, type GraphQLResponse } from './support/graphql-client';
import { startTestApp, type TestApp } from './support/test-app';

const MISSPELT = '{ sesions(locationId: 1) { nodes { id } } }';
/** A literal graphql-js quotes whole into its message, repeating the words a suggestion starts with (about 30 KB, what a document may hold). */
const LITERAL = 'Did you mean'.repeat(2_600);
const QUOTING = `{ sessions(locationId: "${LITERAL}") { nodes { id } } }`;

describe("graphql-js's suggestions in validation errors", () => {
  it('are cut from the end of a message, and nothing else is', () => {
    expect(withoutSuggestion('Cannot query field "sesions" on type "Query". Did you mean "session" or "sessions"?')).toBe('Cannot query field "sesions" on type "Query".');
    expect(withoutSuggestion('Unknown argument "firts". Did you mean "first"?')).toBe('Unknown argument "firts".');
    expect(withoutSuggestion('Cannot query field "x" on type "Query".')).toBe('Cannot query field "x" on type "Query".');
    expect(withoutSuggestion(`Int cannot represent non-integer value: "${LITERAL}"`)).toBe(`Int cannot represent non-integer value: "${LITERAL}"`);
    expect(withoutSuggestion(`Unknown argument "${LITERAL}". Did you mean "first"?`)).toBe(`Unknown argument "${LITERAL}".`);
  });

  describe('from a service whose introspection is off', () => {
    let test: TestApp;
    beforeAll(async () => {
      test = await startTestApp({ playground: false });
    });
    afterAll(() => test.stop());

    async function overWebSocket(query: string): Promise<GraphQLResponse['errors']> {
      const client = webSocketClient(test.wsUrl);
      try {
        const answer = new Subscriber(client, query, {});
        await answer.done;
        return (answer.errors[0] as GraphQLResponse['errors']) ?? [];
      } finally {
        await client.dispose();
      }
    }

    it('are left out over HTTP and WebSocket, where they would name fields of the schema', async () => {
      const overHttp = await graphql(test.url, MISSPELT);
      expect(errorCode(overHttp)).toBe('GRAPHQL_VALIDATION_FAILED');
      expect(overHttp.errors?.[0].message).toBe('Cannot query field "sesions" on type "Query".');
      expect((await overWebSocket(MISSPELT))?.[0].message).toBe('Cannot query field "sesions" on type "Query".');

      const introspectable = await test.startAnotherInstance({ playground: true });
      expect((await graphql(introspectable.url, MISSPELT)).errors?.[0].message).toMatch(/Did you mean "session/);
    });

    it('answer a literal of 30 KB repeating "Did you mean" with the whole message, over HTTP and WebSocket', async () => {
      const expected = `Int cannot represent non-integer value: "${LITERAL}"`;
      const overHttp = await graphql(test.url, QUOTING);
      expect(errorCode(overHttp)).toBe('GRAPHQL_VALIDATION_FAILED');
      expect(overHttp.errors?.[0].message).toBe(expected);
      expect((await overWebSocket(QUOTING))?.[0].message).toBe(expected);
    });
  });
});
