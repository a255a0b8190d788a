import { maxAliasesRule } from '@escape.tech/graphql-armor-max-aliases';
import type { ValidationRule } from 'graphql';

/**
 * Aliases one operation may use. Each alias runs its field again, and some fields call a
 * sibling (a session's qrCode, the codes service): without a limit one request of a few
 * hundred aliases makes as many calls. Fields without aliases are merged, so this bounds them.
 */
export const MAX_ALIASES = 15;

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
];
