import { randomBytes } from 'node:crypto';
import { Router, type Request } from 'express';
import type { DemoData, DemoSession } from './demo-data';

const SESSION_LIFETIME_MS = 14 * 24 * 60 * 60 * 1000;
const EMAIL_PATTERN = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;
const REGISTER_FIELDS = ['username', 'password', 'email', 'first_name', 'last_name'] as const;

type SessionFailure = 'incorrect_session_key' | 'incorrect_user_id';

/** Starts a session for the user and returns its key: 32 random hex characters. */
export function issueSessionKey(data: DemoData, userId: number): string {
  const key = randomBytes(16).toString('hex');
  data.sessions.set(key, { userId, expiresAt: Date.now() + SESSION_LIFETIME_MS });
  return key;
}

/** Makes the key answer `incorrect_session_key` from now on, as if its two weeks had passed. */
export function expireSessionKey(data: DemoData, key: string): void {
  const session = data.sessions.get(key);
  if (!session) throw new Error(`unknown session key ${key}`);
  session.expiresAt = Date.now() - 1;
}

function findSession(data: DemoData, key: string, claimedUserId: unknown): DemoSession | SessionFailure {
  const session = data.sessions.get(key);
  if (!session || session.expiresAt <= Date.now()) return 'incorrect_session_key';
  // Strict comparison on purpose: the real service refuses the string "1" for user 1.
  if (session.userId !== claimedUserId) return 'incorrect_user_id';
  return session;
}

function sessionAnswer(key: string, userId: number) {
  return { session_key: key, session_data: { user_id: userId } };
}

function objectBody(req: Request): Record<string, unknown> | undefined {
  const body: unknown = req.body;
  if (typeof body !== 'object' || body === null || Array.isArray(body)) return undefined;
  return body as Record<string, unknown>;
}

/** `{session_key: str, user_id}` as verify and logout take it; undefined when wrongly shaped. */
function sessionRequest(req: Request): { sessionKey: string; userId: unknown } | undefined {
  const body = objectBody(req);
  if (!body || typeof body.session_key !== 'string' || !('user_id' in body)) return undefined;
  return { sessionKey: body.session_key, userId: body.user_id };
}

export function verificationRouter(data: DemoData): Router {
  const router = Router({ strict: true });

  router.post('/login/', (req, res) => {
    const body = objectBody(req);
    if (!body || typeof body.username !== 'string' || typeof body.password !== 'string') {
      res.status(400).json({ reason: 'malformed_json' });
      return;
    }
    const user = data.users.find((u) => u.username === body.username && u.password === body.password);
    if (!user) {
      res.status(403).json({ reason: 'incorrect_credentials' });
      return;
    }
    res.json(sessionAnswer(issueSessionKey(data, user.id), user.id));
  });

  router.post('/verify/', (req, res) => {
    const request = sessionRequest(req);
    if (!request) {
      res.status(400).json({ reason: 'malformed_json' });
      return;
    }
    const session = findSession(data, request.sessionKey, request.userId);
    if (typeof session === 'string') {
      res.status(403).json({ reason: session });
      return;
    }
    res.json(sessionAnswer(request.sessionKey, session.userId));
  });

  router.post('/logout/', (req, res) => {
    const request = sessionRequest(req);
    if (!request) {
      res.status(400).json({ reason: 'malformed_json' });
      return;
    }
    const session = findSession(data, request.sessionKey, request.userId);
    if (typeof session === 'string') {
      res.status(403).json({ reason: session });
      return;
    }
    data.sessions.delete(request.sessionKey);
    res.json({ message: 'logged_out' });
  });

  router.post('/register/', (req, res) => {
    const body = objectBody(req);
    if (!body || REGISTER_FIELDS.some((field) => typeof body[field] !== 'string')) {
      res.status(400).json({ reason: 'malformed_json' });
      return;
    }
    const fields = body as Record<(typeof REGISTER_FIELDS)[number], string>;
    if (fields.username.length < 4 || fields.password.length < 7 || !EMAIL_PATTERN.test(fields.email)) {
      res.status(403).json({ reason: 'incorrect_credentials' });
      return;
    }
    if (data.users.some((u) => u.username === fields.username)) {
      res.status(400).json({ reason: 'duplicate_user' });
      return;
    }
    const id = Math.max(0, ...data.users.map((u) => u.id)) + 1;
    const { username, password, email, first_name, last_name } = fields;
    data.users.push({ id, username, password, email, first_name, last_name });
    res.json(sessionAnswer(issueSessionKey(data, id), id));
  });

  return router;
}
