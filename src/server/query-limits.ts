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
 * Tokens a document may have (its parse stops there). The SDK's largest has about 150; without
 * a limit, one 256 KiB document of thousands of fields took half a second of CPU to validate.
 */
export const MAX_TOKENS = 5_000;

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
