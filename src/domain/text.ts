/**
 * Whether PostgreSQL stores `text` as it is. Text columns refuse NUL; half of a UTF-16
 * surrogate pair fails in jsonb (events carry names and notes) and becomes U+FFFD in text
 * columns, where two different idempotency keys would then be one.
 */
export function storable(text: string): boolean {
  return !text.includes('\u0000') && text.isWellFormed();
}

/**
 * A copy of `text` that holds nothing else. V8 keeps a part of a longer string (the last entry of
 * a header) as a pointer into all of it, and a string joined from pieces as the pieces: kept as
 * long as a connection lives, either holds more than the text. (Lossless for well-formed text.)
 */
export function standalone(text: string): string {
  return Buffer.from(text, 'utf8').toString('utf8');
}

/** Characters as PostgreSQL counts them in a UTF-8 varchar: code points, not UTF-16 units (an emoji is one). */
export function characterCount(text: string): number {
  let count = 0;
  // A string iterates by code point.
  for (const _character of text) count += 1;
  return count;
}

/** Scripts written with zero-width (non-)joiners between their letters. */
const JOINING_SCRIPTS = ['Arabic', 'Syriac', 'Nko', 'Devanagari', 'Bengali', 'Gurmukhi', 'Gujarati', 'Oriya', 'Tamil', 'Telugu', 'Kannada', 'Malayalam', 'Sinhala', 'Myanmar', 'Khmer', 'Mongolian', 'Tibetan']
  .map((script) => `\\p{Script_Extensions=${script}}`)
  .join('');

/**
 * What does not show: default-ignorable code points (zero-width spaces and joiners, soft hyphens,
 * direction marks, variation selectors, Hangul fillers, tags), other format characters and the
 * blank Braille pattern; but for the ones that change how what is next to them looks, which
 * are kept: a joiner inside an emoji sequence, a (non-)joiner between letters of a script that
 * writes with them, a variation selector after an emoji or an ideograph (or before a keycap),
 * and the tags of a subdivision flag.
 * (Each look back is bounded: over any length, a long run would take quadratic time.)
 */
const INVISIBLE = new RegExp(
  [
    '(?<=[\\p{Extended_Pictographic}\\p{Emoji_Modifier}\\uFE0F])\\u200D(?=\\p{Extended_Pictographic})',
    `(?<=[${JOINING_SCRIPTS}]\\p{M}{0,4})[\\u200C\\u200D](?=[${JOINING_SCRIPTS}])`,
    '(?<=[\\p{Extended_Pictographic}\\p{Ideographic}])[\\uFE00-\\uFE0F\\u{E0100}-\\u{E01EF}]|\\uFE0F(?=\\u20E3)',
    '(?<=\\u{1F3F4}[\\u{E0020}-\\u{E007F}]{0,31})[\\u{E0020}-\\u{E007F}]',
    '([\\p{Default_Ignorable_Code_Point}\\p{Cf}\\u2800])',
  ].join('|'),
  'gu',
);

/**
 * Text as people see it, for names that must be told apart: without invisible characters,
 * composed (NFC), every kind of space one ordinary space, trimmed.
 */
export function visibleText(text: string): string {
  return text
    .replace(INVISIBLE, (kept, invisible?: string) => (invisible === undefined ? kept : ''))
    .normalize('NFC')
    .replace(/\s+/g, ' ')
    .trim();
}
