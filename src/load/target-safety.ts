/**
 * Whether a load target may be loaded without asking: every address its host resolves to is loopback or private
 * (RFC 1918, unique local, link-local). Anything else — a public address, a name that does not resolve — needs
 * `--yes` or a yes on a terminal, so that a command copied from a CI log cannot load a production host by accident.
 */
import { BlockList, isIP } from 'node:net';
import { lookup } from 'node:dns/promises';

const LOCAL = new BlockList();
for (const [net, prefix] of [['127.0.0.0', 8], ['10.0.0.0', 8], ['172.16.0.0', 12], ['192.168.0.0', 16], ['169.254.0.0', 16], ['0.0.0.0', 32]] as const) LOCAL.addSubnet(net, prefix, 'ipv4');
for (const [net, prefix] of [['::1', 128], ['fc00::', 7], ['fe80::', 10], ['::', 128]] as const) LOCAL.addSubnet(net, prefix, 'ipv6');

/** An IP address (v4, v6, or v4-mapped v6) that is loopback or private. */
export function isLocalAddress(address: string): boolean {
  const bare = address.replace(/^\[|\]$/g, '');
  const family = isIP(bare);
  if (family === 4) return LOCAL.check(bare, 'ipv4');
  if (family === 6) {
    const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(bare);
    if (mapped?.[1] !== undefined) return LOCAL.check(mapped[1], 'ipv4');
    return LOCAL.check(bare, 'ipv6');
  }
  return false;
}

/** The host of `url` is loopback or private: a literal address, `localhost` (and `*.localhost`), or a name all of whose addresses are. */
export async function isLocalTarget(url: string, resolve: (host: string) => Promise<string[]> = resolveAll): Promise<boolean> {
  // A fully qualified name's final dot (`localhost.`) names the same host.
  const host = new URL(url).hostname.replace(/^\[|\]$/g, '').replace(/\.$/, '');
  if (isIP(host) !== 0) return isLocalAddress(host);
  if (host === 'localhost' || host.endsWith('.localhost')) return true;
  try {
    const addresses = await resolve(host);
    return addresses.length > 0 && addresses.every(isLocalAddress);
  } catch {
    return false;
  }
}

async function resolveAll(host: string): Promise<string[]> {
  return (await lookup(host, { all: true })).map((a) => a.address);
}
