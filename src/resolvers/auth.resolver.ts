import { Arg, Ctx, Mutation, Query, Resolver } from 'type-graphql';
import { formatToken } from '../domain/credential';
import { characterCount } from '../domain/text';
import { wellFormed } from '../domain/access';
import { BadInputError, UnauthenticatedError } from '../domain/errors';
import { Credential, User } from './auth.type';
import { Location } from './catalog.type';
import type { GraphQLContext } from './context';

/**
 * The longest username taken. Before anything else: a username is normalised (NFKC) for the
 * failed-login count, which takes quadratic time over a long run of combining marks (16 s of
 * the event loop for 130,000 of them).
 */
export const MAX_USERNAME_LENGTH = 256;

@Resolver()
export class AuthResolver {
  @Mutation(() => Credential, {
    description: 'Signs a representative in through the verification service. Failed logins are limited per username and client, or per device with a deviceKey (RATE_LIMITED).',
  })
  async login(
    @Arg('username', { description: `At most ${MAX_USERNAME_LENGTH} characters.` }) username: string,
    @Arg('password') password: string,
    @Arg('deviceKey', () => String, { nullable: true, description: 'The deviceKey an earlier login on this device answered with.' })
    deviceKey: string | null | undefined,
    @Ctx() { services, client }: GraphQLContext,
  ): Promise<Credential> {
    // Counted in characters, as every length is; the UTF-16 length first, which bounds it cheaply.
    if (username.length > 2 * MAX_USERNAME_LENGTH || characterCount(username) > MAX_USERNAME_LENGTH) {
      throw new BadInputError(`A username has at most ${MAX_USERNAME_LENGTH} characters`, { field: 'username' });
    }
    const attempt = await services.failedLogins.attempt(username, client, deviceKey ?? null);
    const credential = await services.siblings.verification.login(username, password).catch((error: unknown) => {
      // A wrong password keeps its attempt counted; anything else (the service unavailable) was no guess.
      if (!(error instanceof UnauthenticatedError)) attempt.giveBack();
      throw error;
    });
    return { ...credential, token: formatToken(credential), deviceKey: await attempt.succeeded() };
  }

  @Mutation(() => Boolean, { description: 'Ends the credential sent with this request.' })
  async logout(@Ctx() { services, credential: presented }: GraphQLContext): Promise<boolean> {
    const credential = wellFormed(presented);
    try {
      await services.access.authenticate(credential);
      await services.siblings.verification.logout(credential);
    } catch (error) {
      // The verification service no longer knows the key (this instance asked it first, or now):
      // it is over, and no cache, here or on another instance, may keep it.
      if (error instanceof UnauthenticatedError) await services.revocations.revoke(credential);
      throw error;
    }
    await services.revocations.revoke(credential);
    return true;
  }

  @Query(() => User, { description: 'The signed-in representative.' })
  async me(@Ctx() { services, credential }: GraphQLContext): Promise<User> {
    return { id: await services.access.authenticate(credential) };
  }

  @Query(() => [Location], { description: "The locations the signed-in representative owns." })
  async myLocations(@Ctx() { services, credential }: GraphQLContext): Promise<Location[]> {
    const userId = await services.access.authenticate(credential);
    return services.siblings.locations.ownedBy(userId);
  }
}
