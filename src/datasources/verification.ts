import { fitsToken } from '../domain/credential';
import { UnauthenticatedError } from '../domain/errors';
import { SiblingDataSource, SiblingRejection } from './sibling-data-source';

export interface VerifiedCredential {
  userId: number;
  sessionKey: string;
}

interface SessionAnswer {
  session_key?: unknown;
  session_data?: { user_id?: unknown } | null;
}

/** The verification service: who is the user (SIBLINGS.md). */
export class VerificationClient extends SiblingDataSource {
  readonly service = 'verification';

  login(username: string, password: string): Promise<VerifiedCredential> {
    return this.session('verification/login/', { username, password }, 'Incorrect username or password');
  }

  verify(credential: VerifiedCredential): Promise<VerifiedCredential> {
    return this.session(
      'verification/verify/',
      { session_key: credential.sessionKey, user_id: credential.userId },
      'The credential is unknown or expired',
    );
  }

  async logout(credential: VerifiedCredential): Promise<void> {
    await this.call(() =>
      this.post('verification/logout/', { body: { session_key: credential.sessionKey, user_id: credential.userId } }),
    ).catch((error) => this.rejectAsUnauthenticated(error, 'The credential is unknown or expired'));
  }

  private async session(path: string, body: object, refusal: string): Promise<VerifiedCredential> {
    const answer = await this.call(() => this.post<SessionAnswer | null>(path, { body })).catch((error) =>
      this.rejectAsUnauthenticated(error, refusal),
    );
    const sessionKey = answer?.session_key;
    const userId = answer?.session_data?.user_id;
    if (typeof sessionKey !== 'string' || !Number.isInteger(userId)) this.unexpected('session');
    const credential = { sessionKey, userId: userId as number };
    // SIBLINGS.md types the key only as a string: one the token cannot carry would be refused on its next use.
    if (!fitsToken(credential)) this.unexpected('session key or user id');
    return credential;
  }

  private rejectAsUnauthenticated(error: unknown, message: string): never {
    if (error instanceof SiblingRejection && error.status === 403) throw new UnauthenticatedError(message);
    throw error;
  }
}
