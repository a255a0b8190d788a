import { fitsToken } from '../domain/credential';
import { UnauthenticatedError } from '../domain/errors';
import { SiblingDataSource, type Refusal } from './sibling-data-source';

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

  logout(credential: VerifiedCredential): Promise<void> {
    return this.call(
      () => this.post('verification/logout/', { body: { session_key: credential.sessionKey, user_id: credential.userId } }),
      () => undefined,
      [unauthenticatedOn403('The credential is unknown or expired')],
    );
  }

  private session(path: string, body: object, refusal: string): Promise<VerifiedCredential> {
    return this.call(
      () => this.post<SessionAnswer | null>(path, { body }),
      (answer) => {
        const sessionKey = answer?.session_key;
        const userId = answer?.session_data?.user_id;
        if (typeof sessionKey !== 'string' || !Number.isInteger(userId)) this.unexpected('session');
        const credential = { sessionKey, userId: userId as number };
        // SIBLINGS.md types the key only as a string: one the token cannot carry would be refused on its next use.
        if (!fitsToken(credential)) this.unexpected('session key or user id');
        return credential;
      },
      [unauthenticatedOn403(refusal)],
    );
  }
}

/** The verification service's 403, whatever its reason: the credentials or the key are not (or no longer) good. */
function unauthenticatedOn403(message: string): Refusal<never> {
  return {
    matches: (rejection) => rejection.status === 403,
    answer: () => {
      throw new UnauthenticatedError(message);
    },
  };
}
