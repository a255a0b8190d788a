import { specifiedRules } from 'graphql';
import { orderedSchema } from '../src/schema/build-schema';
import { DocumentCache } from '../src/server/document-cache';
import { MAX_DOCUMENT_LENGTH } from '../src/server/query-limits';

describe('the WebSocket path\'s cache of parsed documents', () => {
  it('keeps what it parsed when documents too long to parse are refused, which it does not keep', async () => {
    const documents = new DocumentCache(await orderedSchema(), specifiedRules, { withoutSuggestions: true });
    const query = '{ __typename }';
    const parsed = documents.check(query);
    expect(documents.check(query)).toBe(parsed);

    // Each would take 40 bytes a character of a 10 MB cache: a few would push everything out.
    for (let i = 0; i < 5; i++) expect(documents.check(`${' '.repeat(200_000 + i)}{ __typename }`)).toEqual([expect.objectContaining({ message: `A GraphQL document has at most ${MAX_DOCUMENT_LENGTH} characters` })]);
    expect(documents.check(query)).toBe(parsed);
  });
});
