import { createHash } from 'node:crypto';

/** A SHA-256 digest of the text, base64url: a key of fixed size that does not carry the text. */
export function digest(text: string): string {
  return createHash('sha256').update(text).digest('base64url');
}
