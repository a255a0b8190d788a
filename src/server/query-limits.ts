import { maxAliasesRule } from '@escape.tech/graphql-armor-max-aliases';
import type { ValidationRule } from 'graphql';
import { largeFieldsOnceRule } from './large-fields-rule';

/**
 * Aliases one operation may use. Each alias runs its field again, and some fields call a
 * sibling (a session's qrCode, the codes service): without a limit one request of a few
 * hundred aliases makes as many calls. Fields without aliases are merged, so this bounds them.
 */
export const MAX_ALIASES = 15;

/**
 * Tokens a document may have (its parse stops there). The SDK's largest has about 90, GraphiQL's
 * introspection about 180; with 5,000, one document repeating a field a thousand times took half
 * a second to validate (graphql-js compares fields of the same name pairwise).
 */
export const MAX_TOKENS = 2_000;

/**
 * Characters a document's text may have, whitespace and comments included, which are no tokens:
 * graphql-js finds each error's line and column by scanning the text from its start, and a
 * document padded with 130,000 line breaks took seconds to answer with its errors.
 */
export const MAX_DOCUMENT_LENGTH = 32 * 1024;

/** Why a document's text is refused before it is parsed, if it is. */
export function documentTooLong(query: string): string | undefined {
  return query.length > MAX_DOCUMENT_LENGTH ? `A GraphQL document has at most ${MAX_DOCUMENT_LENGTH} characters` : undefined;
}

/** Limits every operation is checked against, on HTTP and on WebSocket alike. */
export const queryLimitRules: readonly ValidationRule[] = [
  maxAliasesRule({
    n: MAX_ALIASES,
    // By default an alias named __typename is not counted, whatever field it names.
    allowList: [],
    // Reported as a validation error, as graphql-js's own are, rather than thrown out of validate().
    propagateOnRejection: false,
    onReject: [(context, error) => context?.reportError(error)],
  }),
  largeFieldsOnceRule,
];
