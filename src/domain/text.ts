/**
 * Whether PostgreSQL stores `text` as it is. Text columns refuse NUL; half of a UTF-16
 * surrogate pair fails in jsonb (events carry names and notes) and becomes U+FFFD in text
 * columns, where two different idempotency keys would then be one.
 */
export function storable(text: string): boolean {
  return !text.includes('\u0000') && text.isWellFormed();
}

/** Characters as PostgreSQL counts them in a UTF-8 varchar: code points, not UTF-16 units (an emoji is one). */
export function characterCount(text: string): number {
  let count = 0;
  // A string iterates by code point.
  for (const _character of text) count += 1;
  return count;
}
