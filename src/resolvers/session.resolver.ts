import { Arg, Ctx, FieldResolver, Int, Mutation, Query, Resolver, Root } from 'type-graphql';
import { SessionState, type Session as SessionEntity } from '../entities';
import { BadInputError, ForbiddenError, NotFoundError } from '../domain/errors';
import { Product } from './catalog.type';
import type { GraphQLContext } from './context';
import { parsePositiveId } from './ids';
import { Order } from './order.type';
import { QrCode, Session, SessionConnection } from './session.type';

const DEFAULT_PAGE = 20;
const MAX_PAGE = 100;

@Resolver(() => Session)
export class SessionResolver {
  @Query(() => SessionConnection, { description: "A location's sessions, newest first (its representative only)." })
  async sessions(
    @Arg('locationId', () => Int) locationId: number,
    @Arg('state', () => SessionState, { nullable: true }) state: SessionState | null,
    @Arg('first', () => Int, { nullable: true, defaultValue: DEFAULT_PAGE, description: `1 to ${MAX_PAGE} (null: ${DEFAULT_PAGE}).` }) requested: number | null,
    @Arg('after', () => String, { nullable: true }) after: string | null,
    @Ctx() { em, services, credential }: GraphQLContext,
  ): Promise<SessionConnection> {
    parsePositiveId(locationId, 'locationId');
    const first = requested ?? DEFAULT_PAGE;
    if (!Number.isInteger(first) || first < 1 || first > MAX_PAGE) {
      throw new BadInputError(`first is from 1 to ${MAX_PAGE}`, { field: 'first' });
    }
    await services.access.requireOwner(credential, locationId);
    const page = await services.sessions.list(em, { locationId, state: state ?? undefined, first, after: after ?? undefined });
    return { nodes: page.sessions, locationLastSeq: page.locationLastSeq, pageInfo: { endCursor: page.endCursor, hasNextPage: page.hasNextPage } };
  }

  @Query(() => Session, { description: 'The session a code opens (anyone holding the code).' })
  session(@Arg('code') code: string, @Ctx() { em, services, client }: GraphQLContext): Promise<SessionEntity> {
    return services.sessions.byCode(em, code, client);
  }

  @Query(() => [Product], { description: "The menu of the session's location (anyone holding the code)." })
  async menu(@Arg('code') code: string, @Ctx() { services, client }: GraphQLContext): Promise<Product[]> {
    const session = await services.sessions.keyByCode(code, client);
    return services.catalog.menu(session.locationId);
  }

  @Mutation(() => Session, {
    description:
      'Opens a session for a table; its name is unique among the open sessions of the location. Sending the same idempotencyKey again for the location returns the session it opened (as it stands now) instead of a new one.',
  })
  async openSession(
    @Arg('locationId', () => Int) locationId: number,
    @Arg('name', { description: '1 to 200 characters, e.g. "Table 2"; kept as shown (invisible characters left out, any run of spaces one space, trimmed): two open sessions cannot differ only in what does not show.' }) name: string,
    @Arg('idempotencyKey', () => String, { nullable: true, description: '1 to 100 characters, new for each session the representative means to open.' })
    idempotencyKey: string | null | undefined,
    @Ctx() { em, services, credential }: GraphQLContext,
  ): Promise<SessionEntity> {
    parsePositiveId(locationId, 'locationId');
    const openedBy = await services.access.requireOwner(credential, locationId);
    return services.sessions.open(em, { locationId, name, openedBy, idempotencyKey });
  }

  @Mutation(() => Session, { description: 'Closes the session: subscribers are told and no further order is accepted.' })
  async closeSession(
    @Arg('code') code: string,
    @Ctx() { em, services, credential }: GraphQLContext,
  ): Promise<SessionEntity> {
    // A representative's wrong codes count against their own allowance, not their address's: a
    // guest guessing codes on the café's Wi-Fi must not stop the staff closing tables. So that
    // accounts cannot be used to guess codes past the address's allowance, another location's
    // session is answered, and counted, as an unknown code.
    const userId = await services.access.authenticate(credential);
    const allowance = `representative:${userId}`;
    const session = await services.sessions.byCode(em, code, allowance);
    await services.access.requireOwner(credential, session.locationId).catch(async (error: unknown) => {
      if (!(error instanceof ForbiddenError)) throw error;
      await services.sessions.countAsWrongCode(allowance);
      throw new NotFoundError('No session has this code');
    });
    return services.sessions.close(em, session);
  }

  @FieldResolver(() => [Order], { description: 'Every order of the session, oldest first, as they stood at lastSeq.' })
  orders(@Root() session: SessionEntity, @Ctx() context: GraphQLContext): Promise<Order[]> {
    return context.ordersOf(session);
  }

  // Nullable: a session opened or closed while the codes service cannot render is still answered, with the error beside it.
  @FieldResolver(() => QrCode, {
    nullable: true,
    description:
      'The QR code that lets a customer join, rendered by the codes service: null, with a SERVICE_UNAVAILABLE error beside the data, while that service cannot render it.',
  })
  async qrCode(@Root() session: SessionEntity, @Ctx() { services }: GraphQLContext): Promise<QrCode> {
    const content = services.joinUrlBase ? `${services.joinUrlBase}/${session.code}` : session.code;
    const base64 = await services.siblings.codes.renderQr(content);
    return { content, svg: Buffer.from(base64, 'base64').toString('utf8'), dataUri: `data:image/svg+xml;base64,${base64}` };
  }
}
