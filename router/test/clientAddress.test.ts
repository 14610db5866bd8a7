import { describe, expect, it } from 'vitest';
import { clientAddress } from '../src/rateLimit/clientAddress.ts';

describe('clientAddress', () => {
  it('is the TCP peer, whatever X-Forwarded-For says, when no proxy is trusted', () => {
    expect(clientAddress('198.51.100.7', '203.0.113.1', 0)).toBe('198.51.100.7');
    expect(clientAddress('198.51.100.7', undefined, 0)).toBe('198.51.100.7');
  });

  it('is the entry the trusted proxies received from, never one the client wrote before them', () => {
    // The client wrote 1.2.3.4; the first proxy saw 203.0.113.1; the second (the peer's) saw the first proxy.
    const header = '1.2.3.4, 203.0.113.1, 10.0.0.2';
    expect(clientAddress('10.0.0.3', header, 1)).toBe('10.0.0.2');
    expect(clientAddress('10.0.0.3', header, 2)).toBe('203.0.113.1');
    expect(clientAddress('10.0.0.3', ['1.2.3.4, 203.0.113.1', '10.0.0.2'], 2)).toBe('203.0.113.1');
  });

  it('stops at the leftmost entry when there are fewer entries than trusted proxies', () => {
    expect(clientAddress('10.0.0.3', '203.0.113.1', 5)).toBe('203.0.113.1');
    expect(clientAddress('10.0.0.3', undefined, 1)).toBe('10.0.0.3');
  });

  it('falls back to the peer when the trusted entry is not an address', () => {
    expect(clientAddress('10.0.0.3', 'unknown', 1)).toBe('10.0.0.3');
  });

  it('groups clients whose peer address is unknown (a socket already closed)', () => {
    expect(clientAddress(undefined, undefined, 0)).toBe('unknown');
  });

  it('gives IPv4-mapped addresses as IPv4 and IPv6 ones as their /64', () => {
    expect(clientAddress('::ffff:127.0.0.1', undefined, 0)).toBe('127.0.0.1');
    expect(clientAddress('2001:db8:1:2:aaaa::1', undefined, 0)).toBe('2001:db8:1:2::/64');
    expect(clientAddress('2001:db8:1:2:bbbb::9', undefined, 0)).toBe('2001:db8:1:2::/64');
    expect(clientAddress('2001:db8:1:3::1', undefined, 0)).toBe('2001:db8:1:3::/64');
  });
});
