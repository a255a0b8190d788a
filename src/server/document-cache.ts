import { GraphQLError, parse, validate, visit, type DocumentNode, type GraphQLSchema, type ValidationRule } from 'graphql';
import { LRUCache } from 'lru-cache';
import { documentTooLong, MAX_TOKENS } from './query-limits';
import { errorWithoutSuggestion } from './schema-suggestions';

/** Bytes of heap a parsed document takes per character of its text (measured: about 27 without locations). */
const HEAP_BYTES_PER_CHARACTER = 40;

/**
 * Parsed and validated GraphQL documents by query text, for the WebSocket path (Apollo keeps
 * its own for HTTP). Clients send the same few documents over and over; a subscription holds
 * its document for as long as it streams, so they share one. The cache is sized by the heap its
 * documents take, not by their text.
 */
export class DocumentCache {
  private readonly documents = new LRUCache<string, DocumentNode | readonly GraphQLError[]>({
    max: 2_000,
    maxSize: 10_000_000,
    sizeCalculation: (_value, query) => (query.length + 1) * HEAP_BYTES_PER_CHARACTER,
  });

  constructor(
    private readonly schema: GraphQLSchema,
    private readonly rules: readonly ValidationRule[],
    /** Errors kept without graphql-js's "Did you mean …?" (made once, not at each request). */
    private readonly options: { withoutSuggestions: boolean },
  ) {}

  /** The document, or why it cannot run. */
  check(query: string): DocumentNode | readonly GraphQLError[] {
    // Not kept: a few such documents would take the whole cache.
    const tooLong = documentTooLong(query);
    if (tooLong) return [new GraphQLError(tooLong)];
    let checked = this.documents.get(query);
    if (checked === undefined) {
      checked = this.parseAndValidate(query);
      this.documents.set(query, checked);
    }
    return checked;
  }

  private parseAndValidate(query: string): DocumentNode | readonly GraphQLError[] {
    let document: DocumentNode;
    try {
      // With locations: errors point into the document, as they do over HTTP.
      document = withoutTokens(parse(query, { maxTokens: MAX_TOKENS }));
    } catch (error) {
      return [error instanceof GraphQLError ? error : new GraphQLError(String(error))];
    }
    const errors = validate(this.schema, document, this.rules);
    if (errors.length === 0) return document;
    return this.options.withoutSuggestions ? errors.map(errorWithoutSuggestion) : errors;
  }
}

/**
 * The document with each location's offsets but not its tokens. Each location keeps the tokens
 * it spans, and through them every token of the document, comments too (which MAX_TOKENS does
 * not count): a subscription keeps its document as long as it streams, and one of 14 KB of
 * comment lines held 630 KB. Errors need only the offsets and the source.
 */
function withoutTokens(document: DocumentNode): DocumentNode {
  visit(document, {
    enter(node) {
      if (node.loc) Object.assign(node.loc, { startToken: null, endToken: null });
    },
  });
  return document;
}
