import { describe, expect, it } from 'vitest';
import { canonicalHost, isHost, isHostname, isIPv4, isIPv6, parseIPv6 } from '../../domain/tunnel/address.js';

describe('addresses for pinning', () => {
  it('accepts dotted-quad IPv4 only, without leading zeros', () => {
    for (const ok of ['0.0.0.0', '127.0.0.1', '255.255.255.255', '198.51.100.7']) expect(isIPv4(ok), ok).toBe(true);
    for (const bad of ['256.0.0.1', '1.2.3', '1.2.3.4.5', '01.2.3.4', '1.2.3.-4', ' 1.2.3.4', '1.2.3.4 ']) expect(isIPv4(bad), bad).toBe(false);
  });

  it('parses IPv6 in its compressed, full and IPv4-embedding spellings', () => {
    expect(parseIPv6('::')).toEqual([0, 0, 0, 0, 0, 0, 0, 0]);
    expect(parseIPv6('::1')).toEqual([0, 0, 0, 0, 0, 0, 0, 1]);
    expect(parseIPv6('2001:DB8::8:800:200C:417A')).toEqual([0x2001, 0xdb8, 0, 0, 8, 0x800, 0x200c, 0x417a]);
    expect(parseIPv6('1:2:3:4:5:6:7:8')).toEqual([1, 2, 3, 4, 5, 6, 7, 8]);
    expect(parseIPv6('::ffff:192.0.2.1')).toEqual([0, 0, 0, 0, 0, 0xffff, 0xc000, 0x0201]);
    expect(parseIPv6('1:2:3:4:5:6:1.2.3.4')).toEqual([1, 2, 3, 4, 5, 6, 0x102, 0x304]);
    for (const bad of ['', ':', ':::', '1::2::3', '1:2:3:4:5:6:7:8:9', '1:2:3:4:5:6:7::8', '12345::', '[::1]', 'fe80::1%eth0', '1.2.3.4::', '::1.2.3', 'g::1', ':1::2']) {
      expect(isIPv6(bad), bad).toBe(false);
    }
  });

  it('accepts RFC 1123 host names, not numeric look-alikes', () => {
    for (const ok of ['localhost', 'client.example.com', 'a-b.c0', 'x'.repeat(63) + '.io']) expect(isHostname(ok), ok).toBe(true);
    for (const bad of ['', '-a.com', 'a-.com', 'a..b', 'a_b.com', 'x'.repeat(64) + '.io', '1.2.3.999', 'host.', 'ex ample.com']) {
      expect(isHostname(bad), bad).toBe(false);
    }
    expect(isHost('1.2.3.999')).toBe(false);
    expect(isHost('::1')).toBe(true);
  });

  it('gives one canonical form to every spelling of one address', () => {
    expect(canonicalHost('::ffff:192.0.2.1')).toBe('192.0.2.1');
    expect(canonicalHost('0:0:0:0:0:FFFF:C000:0201')).toBe('192.0.2.1');
    expect(canonicalHost('2001:0DB8:0:0:0:0:0:1')).toBe('2001:db8::1');
    expect(canonicalHost('2001:db8:0:1:0:0:0:1')).toBe('2001:db8:0:1::1');
    expect(canonicalHost('2001:db8:0:0:1:0:0:1')).toBe('2001:db8::1:0:0:1');
    expect(canonicalHost('1:0:2:3:4:5:6:7')).toBe('1:0:2:3:4:5:6:7');
    expect(canonicalHost('0:0:0:0:0:0:0:1')).toBe('::1');
    expect(canonicalHost('::')).toBe('::');
    expect(canonicalHost('Client.Example.COM')).toBe('client.example.com');
    expect(canonicalHost('10.0.0.1')).toBe('10.0.0.1');
  });
});
