import { readFileSync, writeFileSync } from 'node:fs';

const RANGE_FILE = '/proc/sys/net/ipv4/ip_local_port_range';
/** Wide enough for every connection of a run from this one machine; below it sit the local servers' ports. */
const WIDE_RANGE = '10000 65535';

export interface EphemeralPorts {
  before: string;
  during: string;
  /** Why it could not be widened, if it could not. */
  note?: string;
  restore(): void;
}

/**
 * Linux gives an outgoing connection a port from `ip_local_port_range`, trying every other
 * port first; once about half of that range is taken, each connect() scans for a free one.
 * With the default 32768–60999 and 20,000 WebSockets from this one machine, connect() took
 * about 1 ms each in the load processes, over half of their CPU (their profile), and the
 * admission figure measured that instead of the service. Real clients come from many
 * addresses, so the run widens the range while it lasts (as root) and puts it back.
 */
export function widenEphemeralPorts(): EphemeralPorts {
  const before = read();
  const [low, high] = before.split(/\s+/).map(Number);
  const [wideLow, wideHigh] = WIDE_RANGE.split(' ').map(Number);
  if (low <= wideLow && high >= wideHigh) return { before, during: before, restore: () => undefined };
  try {
    writeFileSync(RANGE_FILE, WIDE_RANGE);
  } catch (error) {
    const note = `could not widen it to ${WIDE_RANGE} (${(error as NodeJS.ErrnoException).code ?? String(error)}): admission may measure the load processes' connect()`;
    return { before, during: before, note, restore: () => undefined };
  }
  return { before, during: read(), restore: () => writeFileSync(RANGE_FILE, before) };
}

function read(): string {
  return readFileSync(RANGE_FILE, 'utf8').trim().replace(/\s+/g, ' ');
}
