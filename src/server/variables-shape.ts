/** Items a list in an operation's variables may hold (an order has at most 50). */
export const MAX_LIST_ITEMS = 100;
/** Fields an object in an operation's variables may hold (an order's item has 3). */
export const MAX_OBJECT_FIELDS = 20;
/** UTF-16 units a string in an operation's variables may hold (a note has at most 500 characters). */
export const MAX_STRING_LENGTH = 1_024;

/**
 * Why an operation's variables are refused before graphql-js reads them, if they are. It coerces
 * every item of a list before any resolver can count them (9,000 items took half a second), and
 * reports each unknown field of an input object with the whole object printed in its message
 * (23,000 of them: over a second, and an answer of 11 MB; 20 fields of 13 KB strings made a
 * request of 256 KB an answer of 4 MB).
 */
export function variablesTooLarge(variables: unknown): string | undefined {
  // A stack of its own: variables may nest deeper than a recursive walk could go.
  const pending: unknown[] = [variables];
  while (pending.length > 0) {
    const value = pending.pop();
    if (typeof value === 'string' && value.length > MAX_STRING_LENGTH) return `A string in the variables has at most ${MAX_STRING_LENGTH} characters`;
    if (value === null || typeof value !== 'object') continue;
    if (Array.isArray(value)) {
      if (value.length > MAX_LIST_ITEMS) return `A list in the variables has at most ${MAX_LIST_ITEMS} items`;
      for (const item of value) pending.push(item);
    } else {
      const fields = Object.values(value);
      if (fields.length > MAX_OBJECT_FIELDS) return `An object in the variables has at most ${MAX_OBJECT_FIELDS} fields`;
      for (const field of fields) pending.push(field);
    }
  }
  return undefined;
}
