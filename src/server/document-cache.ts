import { GraphQLError, parse, validate, type DocumentNode, type GraphQLSchema, type ValidationRule } from 'graphql';
import { LRUCache } from 'lru-cache';

/**
 * Parsed and validated GraphQL documents by query text, for the WebSocket path (Apollo keeps
 * its own for HTTP). Clients send the same few documents over and over; a subscription holds
 * its document for as long as it streams, so they share one, parsed without source locations.
 */
export class DocumentCache {
  private readonly documents = new LRUCache<string, DocumentNode | readonly GraphQLError[]>({
    max: 2_000,
    maxSize: 10_000_000,
    sizeCalculation: (_value, query) => query.length + 1,
  });

  constructor(
    private readonly schema: GraphQLSchema,
    private readonly rules: readonly ValidationRule[],
  ) {}

  /** The document, or why it cannot run. */
  check(query: string): DocumentNode | readonly GraphQLError[] {
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
      document = parse(query, { noLocation: true });
    } catch (error) {
      return [error instanceof GraphQLError ? error : new GraphQLError(String(error))];
    }
    const errors = validate(this.schema, document, this.rules);
    return errors.length > 0 ? errors : document;
  }
}
