import ipaddr from 'ipaddr.js';
import type { IncomingMessage } from 'node:http';
import { isIPv4 } from 'node:net';
import { standalone } from '../domain/text';

/**
 * The client, for throttling wrong session codes: its IPv4 address, or the /64 network of its
 * IPv6 one, since a single host or household is given a whole /64 and may send from any
 * address in it. Behind a trusted proxy (the load balancer) it is the address that proxy
 * saw: the last entry of X-Forwarded-For.
 */
export function clientAddress(request: IncomingMessage, trustProxy: boolean): string {
  if (trustProxy) {
    const forwarded = request.headers['x-forwarded-for'];
    const last = (Array.isArray(forwarded) ? forwarded.join(',') : forwarded)?.split(',').pop()?.trim();
    // A copy: a WebSocket, and a client's entries in the limits, keep it, and the part of the
    // header it was cut from would keep the whole header (a client may pad it to kilobytes).
    if (last) return standalone(throttledAs(withoutPort(last)));
  }
  return peerAddress(request.socket.remoteAddress);
}

/** The client a connection's peer address stands for (the same reading as clientAddress without a proxy). */
export function peerAddress(remoteAddress: string | undefined): string {
  return throttledAs(remoteAddress ?? 'unknown');
}

function throttledAs(address: string): string {
  if (isIPv4(address) || !ipaddr.isValid(address)) return address;
  const parsed = ipaddr.process(address); // an IPv4-mapped IPv6 address becomes its IPv4 one
  if (parsed.kind() === 'ipv4') return parsed.toString();
  const network = (parsed as ipaddr.IPv6).parts.slice(0, 4).map((part) => part.toString(16));
  return `${network.join(':')}::/64`;
}

/**
 * An X-Forwarded-For entry without the port some proxies append (203.0.113.7:51234,
 * [2001:db8::7]:443): each connection of one client comes from another port, and counted
 * apart they would each get the whole allowance.
 */
function withoutPort(entry: string): string {
  const bracketed = /^\[([^\]]+)\](?::\d+)?$/.exec(entry);
  if (bracketed) return bracketed[1];
  return /^(\d{1,3}(?:\.\d{1,3}){3}):\d+$/.exec(entry)?.[1] ?? entry;
}
