import { describe, expect, it } from 'vitest';
import { refusalOf } from '../src/delivery/addressPolicy.ts';

const strict = { allowLoopback: false };

describe('refusalOf', () => {
  it.each([
    ['10.0.0.1', 'private'],
    ['172.16.5.4', 'private'],
    ['192.168.1.1', 'private'],
    ['127.0.0.1', 'loopback'],
    ['127.8.8.8', 'loopback'],
    ['169.254.169.254', 'linkLocal'],
    ['100.64.0.1', 'carrierGradeNat'],
    ['0.0.0.0', 'unspecified'],
    ['224.0.0.1', 'multicast'],
    ['::1', 'loopback'],
    ['fe80::1', 'linkLocal'],
    ['fd00:ec2::254', 'uniqueLocal'],
    ['::ffff:10.0.0.1', 'private'],
    ['::ffff:127.0.0.1', 'loopback'],
  ])('refuses %s (%s)', (address, range) => {
    expect(refusalOf(address, strict)).toContain(`a ${range} address`);
  });

  it('allows global unicast addresses', () => {
    expect(refusalOf('93.184.215.14', strict)).toBeNull();
    expect(refusalOf('2606:2800:21f:cb07:6820:80da:af6b:8b2c', strict)).toBeNull();
  });

  it('with the test allowance, lets 127.0.0.1 through and nothing else', () => {
    const tests = { allowLoopback: true };
    expect(refusalOf('127.0.0.1', tests)).toBeNull();
    expect(refusalOf('::ffff:127.0.0.1', tests)).toBeNull();
    expect(refusalOf('127.0.0.2', tests)).not.toBeNull();
    expect(refusalOf('::1', tests)).not.toBeNull();
    expect(refusalOf('10.0.0.1', tests)).not.toBeNull();
  });
});
