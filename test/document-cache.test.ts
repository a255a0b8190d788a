import { specifiedRules } from 'graphql';
import { orderedSchema } from '../src/schema/build-schema';
import { DocumentCache } from '../src/server/document-cache';
import { MAX_DOCUMENT_LENGTH } from '../src/server/query-limits';
import { heapUsed } from './support/heap';

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

  it('keeps of a document what it runs on and where each part of it is, not the tokens it was read from', async () => {
    const documents = new DocumentCache(await orderedSchema(), specifiedRules, { withoutSuggestions: true });
    // 14 KB of comment lines: comments are tokens too, which no token limit counts.
    const commented = (i: number) => `${'#\n'.repeat(7_000)}query Q${i} { __typename }`;
    documents.check(commented(0));
    const count = 20;
    const start = heapUsed();
    const kept = Array.from({ length: count }, (_, i) => documents.check(commented(i + 1)));
    const held = (heapUsed() - start) / count;
    expect(kept.every((document) => !Array.isArray(document))).toBe(true);
    // With its tokens, each held about 630 KB.
    expect(held).toBeLessThan(60_000);

    // Its errors still say where in the text they are.
    expect(documents.check(`${'#\n'.repeat(3)}{ nope }`)).toEqual([expect.objectContaining({ locations: [{ line: 4, column: 3 }] })]);
  });
});
