/**
 * `NO_PROXY` / `--noproxy`, by curl's rules (lib/noproxy.c, curl >= 7.86), as a pure function:
 *
 * - The whole list `*` (and only that) matches every host.
 * - Entries are separated by commas; blanks (spaces, tabs) around an entry are ignored. As in curl, a blank
 *   that is not followed by a comma ends the list (`a.com b.com` is `a.com`).
 * - A host name matches an entry equal to it, or ending in `.` + the entry (`example.com` matches
 *   `example.com` and `api.example.com`, never `notexample.com`), case-insensitively. One leading and one
 *   trailing dot of an entry, and a trailing dot of the host, are ignored (`.example.com` is `example.com`).
 * - An IP address (IPv4, or IPv6 as `[::1]` in a URL) matches an entry that is the same address, or a CIDR
 *   range containing it (`10.0.0.0/8`, `fd00::/8`). A range of `/0` is read as the exact address, as curl does.
 *   Names and addresses never match each other: no lookup is made (`localhost` does not match `127.0.0.1`).
 * - Ports are not part of an entry.
 */
import { isIPv4, isIPv6 } from 'node:net';

type HostType = 'host' | 'ipv4' | 'ipv6';

/** Whether `host` (a URL's hostname, IPv6 in brackets) is exempt from the proxy by the `noProxy` list. */
export function bypassesProxy(host: string, noProxy: string | null): boolean {
  if (host === '' || noProxy === null || noProxy === '') return false;
  if (noProxy === '*') return true;
  let name = host;
  let type: HostType = 'host';
  if (name.startsWith('[')) {
    const end = name.indexOf(']');
    if (end === -1) return false;
    name = name.slice(1, end);
    type = 'ipv6';
  } else if (isIPv4(name)) {
    type = 'ipv4';
  } else if (name.endsWith('.')) {
    name = name.slice(0, -1);
  }
  for (const token of noProxyEntries(noProxy)) {
    if (type === 'host' ? hostMatches(name, token) : addressMatches(name, token, type)) return true;
  }
  return false;
}

/** The entries of a list, read as curl reads them: comma-separated, blanks around them skipped, a bare blank ends it. */
export function noProxyEntries(list: string): string[] {
  const out: string[] = [];
  const blank = (c: string | undefined): boolean => c === ' ' || c === '\t';
  let i = 0;
  while (i < list.length) {
    while (blank(list[i])) i++;
    const start = i;
    while (i < list.length && !blank(list[i]) && list[i] !== ',') i++;
    if (i > start) out.push(list.slice(start, i));
    while (blank(list[i])) i++;
    if (list[i] !== ',') break;
    while (list[i] === ',') i++;
  }
  return out;
}

function hostMatches(name: string, entry: string): boolean {
  let token = entry;
  if (token.endsWith('.')) token = token.slice(0, -1);
  if (token.startsWith('.')) token = token.slice(1);
  const lowerName = name.toLowerCase();
  const lowerToken = token.toLowerCase();
  if (lowerToken.length === lowerName.length) return lowerToken === lowerName;
  if (lowerToken.length > lowerName.length) return false;
  return lowerName.charAt(lowerName.length - lowerToken.length - 1) === '.' && lowerName.endsWith(lowerToken);
}

function addressMatches(address: string, entry: string, type: 'ipv4' | 'ipv6'): boolean {
  const slash = entry.indexOf('/');
  const network = slash === -1 ? entry : entry.slice(0, slash);
  // As curl's atoi: the leading digits, 0 when there are none.
  const bits = slash === -1 ? 0 : Number.parseInt(entry.slice(slash + 1), 10) || 0;
  const width = type === 'ipv4' ? 32 : 128;
  if (bits > width || bits < 0) return false;
  const a = type === 'ipv4' ? ipv4Bytes(address) : ipv6Bytes(address);
  const b = type === 'ipv4' ? ipv4Bytes(network) : ipv6Bytes(network);
  if (a === null || b === null) return false;
  const prefix = bits === 0 ? width : bits;
  for (let bit = 0; bit < prefix; bit += 8) {
    const take = Math.min(8, prefix - bit);
    const mask = (0xff << (8 - take)) & 0xff;
    if (((a[bit / 8] ?? 0) & mask) !== ((b[bit / 8] ?? 0) & mask)) return false;
  }
  return true;
}

/** `10.1.2.3` → its 4 bytes; null when it is not a dotted-quad IPv4 address. */
export function ipv4Bytes(text: string): number[] | null {
  if (!isIPv4(text)) return null;
  return text.split('.').map(Number);
}

/** `fd00::1` (or `::ffff:1.2.3.4`) → its 16 bytes; null when it is not an IPv6 address. */
export function ipv6Bytes(text: string): number[] | null {
  if (!isIPv6(text) || text.includes('%')) return null;
  let body = text;
  // An IPv4 tail (::ffff:1.2.3.4) is two groups of hex digits.
  const lastColon = body.lastIndexOf(':');
  const v4 = ipv4Bytes(body.slice(lastColon + 1));
  if (v4 !== null) {
    const [a = 0, b = 0, c = 0, d = 0] = v4;
    body = `${body.slice(0, lastColon + 1)}${((a << 8) | b).toString(16)}:${((c << 8) | d).toString(16)}`;
  }
  const double = body.indexOf('::');
  let groups: string[];
  if (double === -1) {
    groups = body.split(':');
  } else {
    const left = body.slice(0, double) === '' ? [] : body.slice(0, double).split(':');
    const right = body.slice(double + 2) === '' ? [] : body.slice(double + 2).split(':');
    groups = [...left, ...Array<string>(Math.max(0, 8 - left.length - right.length)).fill('0'), ...right];
  }
  if (groups.length !== 8) return null;
  const out: number[] = [];
  for (const group of groups) {
    const value = Number.parseInt(group, 16);
    out.push((value >> 8) & 0xff, value & 0xff);
  }
  return out;
}
