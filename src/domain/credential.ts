/** A representative's credential from the verification service, as clients present it. */
export interface Credential {
  userId: number;
  sessionKey: string;
}

/** The bearer token clients send: `<user id>:<session key>`. */
export function formatToken(credential: Credential): string {
  return `${credential.userId}:${credential.sessionKey}`;
}

/**
 * Reads `Bearer <user id>:<session key>`. Returns null for no header, 'malformed' for a
 * header that is not such a credential (answered as UNAUTHENTICATED when it matters).
 */
export function parseAuthorization(header: unknown): Credential | null | 'malformed' {
  if (header === undefined || header === null || header === '') return null;
  if (typeof header !== 'string') return 'malformed';
  const match = /^Bearer\s+(\d{1,15}):([A-Za-z0-9_-]{1,200})$/i.exec(header.trim());
  if (!match) return 'malformed';
  return { userId: Number(match[1]), sessionKey: match[2] };
}
