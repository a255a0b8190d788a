import { RateLimiterRes, type RateLimiterAbstract } from 'rate-limiter-flexible';
import type { EventBus } from '../pubsub/event-bus';
import { digest } from './digest';
import { RateLimitedError } from './errors';
import { KnownDevices } from './known-devices';
import { giveBack, sharedAllowance } from './shared-allowance';

const WINDOW_SECONDS = 60 * 60;
/** A client may fail with this many times the usernames' allowance, over all usernames it tries. */
const CLIENT_ALLOWANCE_FACTOR = 10;

/** One login, paid for from the allowances before the verification service is asked. */
export interface LoginAttempt {
  /** The password was right: the attempt is given back; the device key to hand out (see KnownDevices), null if none could be kept. */
  succeeded(): Promise<string | null>;
  /** The verification service could not answer: the attempt is given back. */
  giveBack(): void;
}

/**
 * Passwords cannot be guessed through `login` at the speed the service answers: failed logins
 * are counted per username and client (limit per hour) and per client over all usernames (ten
 * times that), in Redis over all instances. Every login takes its attempt before the
 * verification service is asked, so guesses sent all at once are counted too; one with a wrong
 * password keeps it, any other gives it back. A client, as for wrong codes, is an IPv4 address
 * or an IPv6 /64 network. Guessing from many addresses at once is for the verification service
 * to notice: locking a username whatever the address would let anyone lock a representative out.
 *
 * A login from a device that exactly this username logged in from before (its device key) is
 * counted on that device's own allowance instead: the café's guests, on its Wi-Fi, cannot lock
 * out the representative's tablet by failing as that username from the same address.
 */
export class FailedLoginThrottle {
  private constructor(
    private readonly byUsername: RateLimiterAbstract,
    private readonly byClient: RateLimiterAbstract,
    private readonly byDevice: RateLimiterAbstract,
    private readonly devices: KnownDevices,
  ) {}

  static create(bus: EventBus, limitPerHour: number): FailedLoginThrottle {
    return new FailedLoginThrottle(
      sharedAllowance(bus, 'failed-logins:user', limitPerHour, WINDOW_SECONDS),
      sharedAllowance(bus, 'failed-logins:client', limitPerHour * CLIENT_ALLOWANCE_FACTOR, WINDOW_SECONDS),
      sharedAllowance(bus, 'failed-logins:device', limitPerHour, WINDOW_SECONDS),
      new KnownDevices(bus),
    );
  }

  /** Takes one attempt from the allowances this login is counted on, or refuses if one is used up. */
  async attempt(username: string, client: string, deviceKey: string | null): Promise<LoginAttempt> {
    if (deviceKey !== null && (await this.devices.knows(username, deviceKey))) {
      const deviceEntry = `${digest(username)} ${digest(deviceKey)}`;
      const byDevice = await take(this.byDevice, deviceEntry);
      if (!byDevice.allowed) throw tooMany(byDevice.msBeforeNext);
      const giveBackTaken = () => void giveBack(this.byDevice, deviceEntry);
      return { giveBack: giveBackTaken, succeeded: () => (giveBackTaken(), this.devices.remember(username, deviceKey)) };
    }
    const userKey = usernameKey(username);
    // The client's allowance first: a client already refused makes no key per username it tries.
    const byClient = await take(this.byClient, client);
    if (!byClient.allowed) throw tooMany(byClient.msBeforeNext);
    const clientUserKey = `${client} ${userKey}`;
    const byUsername = await take(this.byUsername, clientUserKey).catch((error: unknown) => {
      void giveBack(this.byClient, client);
      throw error;
    });
    if (!byUsername.allowed) {
      void giveBack(this.byClient, client);
      throw tooMany(byUsername.msBeforeNext);
    }
    const giveBackTaken = () => {
      void giveBack(this.byUsername, clientUserKey);
      void giveBack(this.byClient, client);
    };
    return { giveBack: giveBackTaken, succeeded: () => (giveBackTaken(), this.devices.remember(username, deviceKey)) };
  }
}

async function take(allowance: RateLimiterAbstract, key: string): Promise<{ allowed: boolean; msBeforeNext: number }> {
  try {
    await allowance.consume(key, 1);
    return { allowed: true, msBeforeNext: 0 };
  } catch (refusal) {
    if (refusal instanceof RateLimiterRes) return { allowed: false, msBeforeNext: refusal.msBeforeNext };
    throw refusal;
  }
}

/**
 * Spellings a verification service might take for one username count as one (any case, full-width
 * letters, spaces around it), and however long, make a key of a fixed size.
 */
function usernameKey(username: string): string {
  return digest(username.normalize('NFKC').trim().toLowerCase());
}

function tooMany(msBeforeNext: number): RateLimitedError {
  const retryAfterSeconds = Math.max(1, Math.ceil(msBeforeNext / 1000));
  const minutes = Math.ceil(retryAfterSeconds / 60);
  return new RateLimitedError(`Too many failed logins; try again in ${minutes} minute${minutes === 1 ? '' : 's'}`, { retryAfterSeconds });
}
