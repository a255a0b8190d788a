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
  let count = text.length;
  for (let index = 0; index < text.length; index += 1) {
    const unit = text.charCodeAt(index);
    // The high half of a pair; the low half that follows makes one character with it.
    if (unit >= 0xd800 && unit <= 0xdbff && index + 1 < text.length) {
      const next = text.charCodeAt(index + 1);
      if (next >= 0xdc00 && next <= 0xdfff) count -= 1;
    }
  }
  return count;
}
