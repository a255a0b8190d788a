import { readFileSync } from 'node:fs';

const COUNTERS = ['ListenOverflows', 'ListenDrops', 'TCPSynRetrans', 'TCPReqQFullDrop', 'TCPReqQFullDoCookies'] as const;
export type TcpCounters = Record<(typeof COUNTERS)[number], number>;

/**
 * The kernel's TCP counters that tell of connections refused at the door: a full accept queue
 * (ListenOverflows, ListenDrops) makes clients resend their SYN after 1 s, 3 s, 7 s …
 * They count for the whole machine (other work on it included).
 */
export function tcpCounters(): TcpCounters {
  const lines = readFileSync('/proc/net/netstat', 'utf8').split('\n').filter((line) => line.startsWith('TcpExt:'));
  const names = lines[0].split(/\s+/);
  const values = lines[1].split(/\s+/).map(Number);
  return Object.fromEntries(COUNTERS.map((name) => [name, values[names.indexOf(name)] ?? NaN])) as TcpCounters;
}

export function tcpCountersBetween(start: TcpCounters, end: TcpCounters): TcpCounters {
  return Object.fromEntries(COUNTERS.map((name) => [name, end[name] - start[name]])) as TcpCounters;
}
