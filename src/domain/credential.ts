import { digest } from './digest';
import { standalone } from './text';

/** A representative's credential from the verification service, as clients present it. */
export interface Credential {
  userId: number;
  sessionKey: string;
}

/** `<user id>:<session key>`: one reading only, and safe in an HTTP header. */
const TOKEN = /^(\d{1,15}):([A-Za-z0-9_-]{1,200})$/;

/** The bearer token clients send: `<user id>:<session key>`. */
export function formatToken(credential: Credential): string {
  return `${credential.userId}:${credential.sessionKey}`;
}

/**
 * What the service knows a credential by in its caches and in the logout messages instances
 * send each other: a hash of its token, so that neither Redis nor a heap dump carries a key that
 * works (a logout with another user's id once sent a live key to every instance).
 */
export function credentialKey(credential: Credential): string {
  return digest(formatToken(credential));
}

/** Whether the credential's token reads back as it (a sibling's session key might not fit the grammar). */
export function fitsToken(credential: Credential): boolean {
  return TOKEN.test(formatToken(credential));
}

/**
 * Reads `Bearer <user id>:<session key>`. Returns null for no header, 'malformed' for a
 * header that is not such a credential (answered as UNAUTHENTICATED when it matters).
 */
export function parseAuthorization(header: unknown): Credential | null | 'malformed' {
  if (header === undefined || header === null || header === '') return null;
  if (typeof header !== 'string') return 'malformed';
  // One split only (the token has no spaces): /^Bearer\s+(.*)$/ backtracked over a WebSocket's
  // connection_init of spaces and a line break, for minutes with 250 KB of them.
  const token = /^Bearer\s+(\S+)$/i.exec(header.trim())?.[1];
  const match = token === undefined ? null : TOKEN.exec(token);
  if (!match) return 'malformed';
  // A copy: cut from the header, it would keep all of it (a WebSocket keeps its credential).
  return { userId: Number(match[1]), sessionKey: standalone(match[2]) };
}
