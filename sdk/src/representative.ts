import {
  CloseSessionDocument,
  LoginDocument,
  LogoutDocument,
  MyLocationsDocument,
  OpenSessionDocument,
  SessionQrCodeDocument,
  SessionsDocument,
  SetOrderStatusDocument,
  type LoginMutationVariables,
  type OpenSessionMutationVariables,
  type SessionsQueryVariables,
  type SetOrderStatusMutationVariables,
} from '../generated/graphql';
import { OrderedClient, type ClientOptions } from './client';
import { OrderedError } from './errors';
import { newIdempotencyKey, sendWithRetries, type RetryOptions } from './idempotent-retry';
import { LocationSubscription, type LocationSubscriptionOptions } from './event-subscription';
import type { Credential, Location, OrderStatusUpdate, QrCode, Session, SessionPage } from './types';

export interface RepresentativeClientOptions extends ClientOptions {
  /** A token from an earlier `login` (e.g. kept in storage), instead of logging in again. */
  token?: string;
  /** The `deviceKey` an earlier `login` on this device answered with (e.g. kept in storage), sent with the next logins. */
  deviceKey?: string;
  /** How openSession retries when no answer arrived (NETWORK_ERROR), always with the same idempotency key. */
  openSessionRetry?: RetryOptions;
}

export interface OpenSessionOptions {
  /** Reuse the key of an earlier attempt (e.g. `error.idempotencyKey`); by default the SDK makes a new one. */
  idempotencyKey?: string;
}

/**
 * The representative's order panel: sign in, list the locations and their sessions, open and
 * close sessions, move orders along, watch a session or a whole location live. After `login` every request (HTTP
 * and WebSocket) carries the credential.
 */
export class RepresentativeClient extends OrderedClient {
  private currentToken?: string;
  private currentDeviceKey?: string;
  private readonly openSessionRetry: RetryOptions;

  constructor(options: RepresentativeClientOptions) {
    super(options);
    this.currentToken = options.token;
    this.currentDeviceKey = options.deviceKey;
    this.openSessionRetry = options.openSessionRetry ?? {};
  }

  /** The credential in use (`<user id>:<session key>`), to keep for a later `createRepresentativeClient({ token })`. */
  get token(): string | undefined {
    return this.currentToken;
  }

  /**
   * This device's key from its last login, to keep (with `token`) for a later
   * `createRepresentativeClient({ deviceKey })`: failed logins of others at the same address
   * (a café's guests) then do not lock this device out.
   */
  get deviceKey(): string | undefined {
    return this.currentDeviceKey;
  }

  /** Signs in through the verification service, with this device's key; later calls carry the credential. */
  async login(variables: Omit<LoginMutationVariables, 'deviceKey'>): Promise<Credential> {
    const { login } = await this.request(LoginDocument, { ...variables, deviceKey: this.currentDeviceKey });
    this.setToken(login.token);
    // Null when the service could not keep one: the one this device has may still be known.
    if (login.deviceKey) this.currentDeviceKey = login.deviceKey;
    return login;
  }

  /** Ends the credential at the verification service and forgets it. */
  async logout(): Promise<void> {
    try {
      await this.request(LogoutDocument, {});
    } finally {
      this.setToken(undefined);
    }
  }

  /** The locations the signed-in representative owns. */
  async myLocations(): Promise<Location[]> {
    return (await this.request(MyLocationsDocument, {})).myLocations;
  }

  /** One page of a location's sessions, newest first; pass `pageInfo.endCursor` as `after` for the next. */
  async sessions(variables: SessionsQueryVariables): Promise<SessionPage> {
    return (await this.request(SessionsDocument, variables)).sessions;
  }

  /** Every session of a location (newest first), fetching page after page as the caller reads on. */
  async *allSessions(variables: Omit<SessionsQueryVariables, 'after'>): AsyncGenerator<Session> {
    let after: string | null | undefined;
    do {
      const page = await this.sessions({ ...variables, after });
      yield* page.nodes;
      after = page.pageInfo.hasNextPage ? page.pageInfo.endCursor : undefined;
    } while (after);
  }

  /**
   * Opens a session for a table; the name is unique among the location's open sessions (else
   * CONFLICT). Like placeOrder, it carries an idempotency key the SDK makes and is retried with
   * it when no answer arrived: the service then answers with the session the first attempt
   * opened instead of CONFLICT on its name. A failure carries the key as `error.idempotencyKey`.
   */
  async openSession(variables: Omit<OpenSessionMutationVariables, 'idempotencyKey'>, options: OpenSessionOptions = {}): Promise<Session> {
    return sendWithRetries(options.idempotencyKey ?? newIdempotencyKey(), this.openSessionRetry, async (idempotencyKey) => {
      return (await this.request(OpenSessionDocument, { ...variables, idempotencyKey })).openSession;
    });
  }

  /** Closes the session: subscribers get SessionClosed and no further order is accepted. */
  async closeSession(code: string): Promise<Session> {
    return (await this.request(CloseSessionDocument, { code })).closeSession;
  }

  /** PLACED → ACCEPTED → PREPARING → SERVED, or CANCELLED before SERVED. */
  async setOrderStatus(variables: SetOrderStatusMutationVariables): Promise<OrderStatusUpdate> {
    return (await this.request(SetOrderStatusDocument, variables)).setOrderStatus;
  }

  /** The QR code a customer scans to join the session. */
  async qrCode(code: string): Promise<QrCode> {
    const { qrCode } = (await this.request(SessionQrCodeDocument, { code })).session;
    // The service answers null only beside an error, which `request` has already thrown.
    if (!qrCode) throw new OrderedError('SERVICE_UNAVAILABLE', 'The codes service did not render the QR code');
    return qrCode;
  }

  /**
   * The order panel's stream of a location: sessions opened and closed, orders placed and moved
   * along, exactly once and in seq order, also across dropped connections. It ends only when
   * told to (`unsubscribe()`, or `close()` the client), or with an error once the credential may no
   * longer open it (UNAUTHENTICATED after a logout or expiry, FORBIDDEN for another owner). A panel that opens passes the `locationLastSeq`
   * of its page of sessions as `afterSeq`: without it, the location's whole history comes first.
   */
  subscribeToLocation(locationId: number, options: LocationSubscriptionOptions = {}): LocationSubscription {
    return new LocationSubscription(this.link, locationId, options);
  }

  protected credential(): string | undefined {
    return this.currentToken;
  }

  private setToken(token: string | undefined): void {
    if (token === this.currentToken) return;
    this.currentToken = token;
    // A connected WebSocket carries the credential of its connection_init: reconnect it, and its
    // session subscriptions resume where they were.
    this.link.reconnect();
  }
}

export function createRepresentativeClient(options: RepresentativeClientOptions): RepresentativeClient {
  return new RepresentativeClient(options);
}
