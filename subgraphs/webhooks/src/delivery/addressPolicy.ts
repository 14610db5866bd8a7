import { lookup as dnsLookup } from 'node:dns';
import type { LookupFunction } from 'node:net';
import ipaddr from 'ipaddr.js';

/** Where deliveries may go; see `refusalOf`. */
export interface AddressPolicy {
  /** Tests only: 127.0.0.1 (and nothing else of loopback) is allowed. */
  allowLoopback: boolean;
}

/** A delivery target the policy forbids; never retried, since a retry would be refused the same way. */
export class RefusedAddressError extends Error {
  override readonly name = 'RefusedAddressError';
}

/**
 * Why an IP address may not receive a webhook, or null when it may. Only
 * global unicast addresses are allowed: ipaddr.js names every other range
 * (private, loopback, link-local with the cloud metadata address
 * 169.254.169.254, unique-local, carrier-grade NAT, multicast, reserved,
 * unspecified). An IPv4-mapped IPv6 address is judged as the IPv4 address
 * it carries, so `::ffff:10.0.0.1` cannot sneak a private address past.
 */
export function refusalOf(address: string, policy: AddressPolicy): string | null {
  if (!ipaddr.isValid(address)) return `"${address}" is not an IP address`;
  let parsed = ipaddr.parse(address);
  if (parsed.kind() === 'ipv6' && (parsed as ipaddr.IPv6).isIPv4MappedAddress()) parsed = (parsed as ipaddr.IPv6).toIPv4Address();
  if (policy.allowLoopback && parsed.kind() === 'ipv4' && parsed.toString() === '127.0.0.1') return null;
  const range = parsed.range();
  return range === 'unicast' ? null : `${parsed.toString()} is a ${range} address, which never receives webhooks`;
}

/**
 * A `dns.lookup` for the HTTP client's connector: it resolves the host as
 * usual, then refuses the connection unless every address it got is
 * allowed, so the check runs on what will actually be dialled, on every
 * attempt (a name that changes its answer after the endpoint was created,
 * DNS rebinding, is caught here). Node skips the lookup for IP literals:
 * `checkTarget` covers those before any request is made.
 */
export function guardedLookup(policy: AddressPolicy): LookupFunction {
  return (hostname, options, callback) => {
    dnsLookup(hostname, { all: true, family: Number(options.family ?? 0) || 0 }, (error, addresses) => {
      if (error) return callback(error, []);
      const refused = addresses.map(({ address }) => refusalOf(address, policy)).find((reason) => reason !== null);
      if (refused) return callback(new RefusedAddressError(`${hostname} resolves to ${refused}`), []);
      if (options.all) return callback(null, addresses);
      const [first] = addresses;
      callback(null, first!.address, first!.family);
    });
  };
}

/** Resolves a URL's host (unless it is an IP literal) and refuses it when any address is forbidden. */
export async function checkTarget(url: URL, policy: AddressPolicy): Promise<void> {
  const host = url.hostname.replace(/^\[|\]$/g, '');
  if (ipaddr.isValid(host)) {
    const refused = refusalOf(host, policy);
    if (refused) throw new RefusedAddressError(refused);
    return;
  }
  const lookup = guardedLookup(policy);
  await new Promise<void>((resolve, reject) => lookup(host, { all: true }, (error) => (error ? reject(error) : resolve())));
}
