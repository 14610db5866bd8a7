import ipaddr from 'ipaddr.js';

/** What a peer's address is when the socket has none left (it closed before we asked). */
const UNKNOWN = 'unknown';

/**
 * The address of the client an operation comes from, as rate limits see it.
 *
 * By default it is the TCP peer: `X-Forwarded-For` is written by whoever
 * sends the request, so trusting it would let any client pick a fresh
 * address per request. Behind proxies, `trustedProxyHops` says how many of
 * them there are (as express's `trust proxy` with a number): each appends
 * the address it received from, so the client is the entry that many hops
 * from the right of `[...X-Forwarded-For, peer]`, and entries further left,
 * which the client itself may have written, are never read.
 *
 * IPv4-mapped IPv6 addresses are given as IPv4, and IPv6 addresses as their
 * /64 network: one host is usually given a whole /64, and counting each of
 * its 2^64 addresses apart would be no limit at all.
 */
export function clientAddress(peerAddress: string | undefined, forwardedFor: string | string[] | undefined, trustedProxyHops: number): string {
  const hops = [...forwardedEntries(forwardedFor), peerAddress ?? UNKNOWN];
  // With fewer entries than trusted proxies, the leftmost one is as far as the chain goes.
  const chosen = hops[Math.max(hops.length - 1 - trustedProxyHops, 0)]!;
  // A trusted proxy wrote it, so garbage means a misconfigured chain: count it against the nearest real address.
  return normalise(chosen) ?? normalise(peerAddress) ?? UNKNOWN;
}

function forwardedEntries(header: string | string[] | undefined): string[] {
  if (header === undefined) return [];
  return (Array.isArray(header) ? header.join(',') : header)
    .split(',')
    .map((entry) => entry.trim())
    .filter(Boolean);
}

function normalise(address: string | undefined): string | undefined {
  if (!address || !ipaddr.isValid(address)) return undefined;
  const parsed = ipaddr.parse(address);
  if (parsed.kind() === 'ipv4') return parsed.toString();
  const ipv6 = parsed as ipaddr.IPv6;
  if (ipv6.isIPv4MappedAddress()) return ipv6.toIPv4Address().toString();
  const network = ipaddr.IPv6.networkAddressFromCIDR(`${ipv6.toNormalizedString()}/64`);
  return `${network.toString()}/64`;
}
