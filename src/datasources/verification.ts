import { UnauthenticatedError } from '../domain/errors';
import { SiblingDataSource, SiblingRejection } from './sibling-data-source';

export interface VerifiedCredential {
  userId: number;
  sessionKey: string;
}

interface SessionAnswer {
  session_key?: unknown;
  session_data?: { user_id?: unknown };
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
    const answer = await this.call(() => this.post<SessionAnswer>(path, { body })).catch((error) =>
      this.rejectAsUnauthenticated(error, refusal),
    );
    const userId = answer.session_data?.user_id;
    if (typeof answer.session_key !== 'string' || !Number.isInteger(userId)) this.unexpected('session');
    return { sessionKey: answer.session_key, userId: userId as number };
  }

  private rejectAsUnauthenticated(error: unknown, message: string): never {
    if (error instanceof SiblingRejection && error.status === 403) throw new UnauthenticatedError(message);
    if (error instanceof SiblingRejection) this.unexpected(`refusal (${error.reason})`);
    throw error;
  }
}
