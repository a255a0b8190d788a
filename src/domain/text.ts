/**
 * Whether PostgreSQL stores `text` as it is. Text columns refuse NUL; half of a UTF-16
 * surrogate pair fails in jsonb (events carry names and notes) and becomes U+FFFD in text
 * columns, where two different idempotency keys would then be one.
 */
export function storable(text: string): boolean {
  return !text.includes('\u0000') && text.isWellFormed();
}
