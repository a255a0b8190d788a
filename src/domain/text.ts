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

/**
 * Format characters (Unicode Cf: zero-width spaces, word joiners, soft hyphens, direction
 * marks), but for a zero-width (non-)joiner between two visible characters (emoji sequences,
 * Persian and Indic words) and the tags of a subdivision flag: invisible, they would make
 * names that look the same, or empty, different text. (A flag's tags are a few; looking back
 * over any number of them would take quadratic time over a long run of tags.)
 */
const INVISIBLE = /(?<=[^\s\p{Cf}])[\u200C\u200D](?=[^\s\p{Cf}])|(?<=\u{1F3F4}[\u{E0020}-\u{E007F}]{0,31})[\u{E0020}-\u{E007F}]|(\p{Cf})/gu;

/**
 * Text as people see it, for names that must be told apart: composed (NFC), without
 * invisible format characters, every kind of space one ordinary space, trimmed.
 */
export function visibleText(text: string): string {
  return text
    .normalize('NFC')
    .replace(INVISIBLE, (kept, invisible?: string) => (invisible === undefined ? kept : ''))
    .replace(/\s+/g, ' ')
    .trim();
}
