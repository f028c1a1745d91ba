/**
 * NO_PROXY / --noproxy by curl's rules (src/model/no-proxy.ts): a table of curl's own cases, then properties
 * checked with fast-check (FUZZ_RUNS runs each, default 500).
 */
import { describe, expect, test } from '@jest/globals';
import fc from 'fast-check';
import { ciSeedOnce } from '../property/fuzz.js';
import { bypassesProxy, ipv6Bytes, noProxyEntries } from '../../src/model/no-proxy.js';

// In CI (`CI` set, FUZZ_RUNS not), one fixed seed, as the property tests of test/property (fuzz.ts): a CI run is
// reproducible and cannot turn red on a newly drawn input.
ciSeedOnce();

const RUNS = Number(process.env.FUZZ_RUNS ?? 500);

describe('bypassesProxy: the cases curl documents and tests', () => {
  test.each([
    ['example.com', 'example.com', true],
    ['www.example.com', 'example.com', true],
    ['a.b.example.com', '.example.com', true],
    ['example.com', '.example.com', true],
    ['nonexample.com', 'example.com', false],
    ['example.com.', 'example.com', true],
    ['example.com', 'example.com.', true],
    ['EXAMPLE.com', 'example.COM', true],
    ['example.org', 'example.com', false],
    ['anything', '*', true],
    ['127.0.0.1', '*', true],
    ['example.com', '*, other', false],
    ['example.com', 'other.com,example.com', true],
    ['example.com', '  other.com ,  example.com  ', true],
    ['example.com', 'other.com,,,example.com', true],
    // As curl: a blank not followed by a comma ends the list.
    ['example.com', 'other.com example.com', false],
    ['127.0.0.1', '127.0.0.1', true],
    ['127.0.0.1', '127.0.0.2', false],
    ['127.0.0.1', '127.0.0.0/8', true],
    ['128.0.0.1', '127.0.0.0/8', false],
    ['192.168.10.20', '192.168.0.0/16', true],
    ['192.168.10.20', '192.168.0.0/24', false],
    ['10.1.2.3', '10.1.2.3/32', true],
    ['10.1.2.3', '10.1.2.0/33', false],
    ['localhost', '127.0.0.1', false],
    ['127.0.0.1', 'localhost', false],
    ['[::1]', '::1', true],
    ['[::1]', '::2', false],
    ['[fd00::1234]', 'fd00::/8', true],
    ['[fe80::1]', 'fd00::/8', false],
    ['[2001:db8::1]', '2001:db8::/32', true],
    ['[2001:db9::1]', '2001:db8::/32', false],
    ['[::ffff:102:304]', '::ffff:1.2.3.4', true],
    ['[::1]', '127.0.0.1', false],
    ['example.com', '', false],
    ['', 'example.com', false],
  ])('%s with %j → %s', (host, list, expected) => {
    expect(bypassesProxy(host, list)).toBe(expected);
  });

  test('no list: never', () => {
    expect(bypassesProxy('example.com', null)).toBe(false);
  });

  test('entries as curl reads them', () => {
    expect(noProxyEntries(' a.com , b.com,,c.com ')).toEqual(['a.com', 'b.com', 'c.com']);
    expect(noProxyEntries('a.com b.com')).toEqual(['a.com']);
    expect(noProxyEntries(',,')).toEqual([]);
  });

  test('IPv6 addresses are read in every form', () => {
    expect(ipv6Bytes('::')).toEqual(new Array(16).fill(0));
    expect(ipv6Bytes('::1')?.[15]).toBe(1);
    expect(ipv6Bytes('1:2:3:4:5:6:7:8')).toEqual([0, 1, 0, 2, 0, 3, 0, 4, 0, 5, 0, 6, 0, 7, 0, 8]);
    expect(ipv6Bytes('::ffff:1.2.3.4')?.slice(10)).toEqual([0xff, 0xff, 1, 2, 3, 4]);
    expect(ipv6Bytes('not an address')).toBeNull();
  });
});

const label = fc.stringMatching(/^[a-z0-9]([a-z0-9-]{0,8}[a-z0-9])?$/);
/** Host names (the last label has a letter, so a name is never an IPv4 address). */
const domain = fc.tuple(fc.array(label, { maxLength: 3 }), fc.stringMatching(/^[a-z][a-z0-9]{0,5}$/)).map(([labels, top]) => [...labels, top].join('.'));
const ipv4 = fc.tuple(fc.nat(255), fc.nat(255), fc.nat(255), fc.nat(255)).map((parts) => parts.join('.'));
const randomCase = (text: string, flips: boolean[]): string => [...text].map((c, i) => (flips[i % flips.length] ? c.toUpperCase() : c)).join('');

describe('bypassesProxy: properties', () => {
  test('"*" alone sends every host direct', () => {
    fc.assert(fc.property(fc.oneof(domain, ipv4), (host) => bypassesProxy(host, '*')), { numRuns: RUNS });
  });

  test('a host is exempt by its own name, in any case, with or without a leading dot, with its subdomains', () => {
    fc.assert(
      fc.property(domain, label, fc.array(fc.boolean(), { minLength: 1 }), (host, sub, flips) => {
        expect(bypassesProxy(host, randomCase(host, flips))).toBe(true);
        expect(bypassesProxy(host, `.${host}`)).toBe(true);
        expect(bypassesProxy(`${sub}.${host}`, host)).toBe(true);
        expect(bypassesProxy(randomCase(`${sub}.${host}`, flips), `.${host}`)).toBe(true);
      }),
      { numRuns: RUNS },
    );
  });

  test('a name that merely ends with the entry (no dot before it) is not exempt', () => {
    fc.assert(
      fc.property(domain, label, (host, prefix) => {
        expect(bypassesProxy(`${prefix}${host}`, host)).toBe(prefix === '' || `${prefix}${host}` === host);
      }),
      { numRuns: RUNS },
    );
  });

  test('the order of the entries does not matter, and adding entries never removes an exemption', () => {
    const entry = fc.oneof(domain, ipv4, ipv4.chain((ip) => fc.integer({ min: 1, max: 32 }).map((bits) => `${ip}/${bits}`)));
    fc.assert(
      fc.property(fc.oneof(domain, ipv4), fc.array(entry, { maxLength: 6 }), fc.array(entry, { maxLength: 3 }), (host, entries, more) => {
        const answer = bypassesProxy(host, entries.join(','));
        expect(bypassesProxy(host, [...entries].reverse().join(', '))).toBe(answer);
        if (answer) expect(bypassesProxy(host, [...entries, ...more].join(','))).toBe(true);
      }),
      { numRuns: RUNS },
    );
  });

  test('an IPv4 address is in every CIDR range built from it, and only there for /32', () => {
    fc.assert(
      fc.property(fc.tuple(fc.nat(255), fc.nat(255), fc.nat(255), fc.nat(255)), fc.integer({ min: 1, max: 32 }), fc.nat(255), (parts, bits, other) => {
        const address = parts.join('.');
        const value = parts.reduce((n, p) => n * 256 + p, 0);
        const network = Math.floor(value / 2 ** (32 - bits)) * 2 ** (32 - bits);
        const text = [24, 16, 8, 0].map((shift) => Math.floor(network / 2 ** shift) % 256).join('.');
        expect(bypassesProxy(address, `${text}/${bits}`)).toBe(true);
        const changed = [...parts];
        changed[3] = other;
        expect(bypassesProxy(changed.join('.'), `${address}/32`)).toBe(other === parts[3]);
      }),
      { numRuns: RUNS },
    );
  });

  test('names and addresses never match each other (no lookup is made)', () => {
    fc.assert(
      fc.property(ipv4, domain, (ip, name) => {
        expect(bypassesProxy(ip, name)).toBe(false);
        expect(bypassesProxy(name, ip)).toBe(false);
      }),
      { numRuns: RUNS },
    );
  });

  test('an IPv6 address (as a URL writes it) matches itself written out in full, and its /64', () => {
    fc.assert(
      fc.property(fc.array(fc.nat(0xffff), { minLength: 8, maxLength: 8 }), (groups) => {
        const full = groups.map((g) => g.toString(16)).join(':');
        const host = new URL(`http://[${full}]/`).hostname;
        expect(bypassesProxy(host, full)).toBe(true);
        expect(bypassesProxy(host, `${groups.slice(0, 4).map((g) => g.toString(16)).join(':')}::/64`)).toBe(true);
      }),
      { numRuns: RUNS },
    );
  });
});
