import dns from 'node:dns/promises';
import net from 'node:net';
import { invalidField } from './errors.ts';

// Addresses a webhook must never reach unless an operator allows it: loopback, private ranges,
// link-local (which holds the cloud metadata service, 169.254.169.254 / fd00:ec2::254), CGNAT,
// multicast and the unspecified address.
const blockedV4 = new net.BlockList();
for (const [addr, prefix] of [
  ['0.0.0.0', 8],
  ['10.0.0.0', 8],
  ['100.64.0.0', 10],
  ['127.0.0.0', 8],
  ['169.254.0.0', 16],
  ['172.16.0.0', 12],
  ['192.0.0.0', 24],
  ['192.88.99.0', 24],
  ['192.168.0.0', 16],
  ['198.18.0.0', 15],
  ['224.0.0.0', 4],
  ['240.0.0.0', 4],
] as const)
  blockedV4.addSubnet(addr, prefix, 'ipv4');

// IPv6 ranges that are never a public web server: unique-local, link-local, site-local
// (deprecated), multicast, discard-only, documentation, the IETF protocol block (Teredo, ORCHID)
// and the local-use NAT64 prefix, whose translator sits inside the network.
const blockedV6 = new net.BlockList();
for (const [addr, prefix] of [
  ['fc00::', 7],
  ['fe80::', 10],
  ['fec0::', 10],
  ['ff00::', 8],
  ['100::', 64],
  ['2001::', 23],
  ['2001:db8::', 32],
  ['3fff::', 20],
  ['64:ff9b:1::', 48],
] as const)
  blockedV6.addSubnet(addr, prefix, 'ipv6');

/**
 * The IPv4 address an IPv6 address carries, for the forms that route to it: IPv4-mapped
 * (::ffff:0:0/96), IPv4-translated (::ffff:0:0:0/96), IPv4-compatible (::/96, which holds :: and
 * ::1 too), NAT64 (64:ff9b::/96) and 6to4 (2002::/16). Each is private when its IPv4 address is.
 */
function embeddedIpv4(groups: number[]): string | undefined {
  const zero = (from: number, to: number) => groups.slice(from, to).every((g) => g === 0);
  const v4 = (hi: number, lo: number) => [hi >> 8, hi & 0xff, lo >> 8, lo & 0xff].join('.');
  if (zero(0, 5) && (groups[5] === 0xffff || groups[5] === 0)) return v4(groups[6], groups[7]);
  if (zero(0, 4) && groups[4] === 0xffff && groups[5] === 0) return v4(groups[6], groups[7]);
  if (groups[0] === 0x64 && groups[1] === 0xff9b && zero(2, 6)) return v4(groups[6], groups[7]);
  if (groups[0] === 0x2002) return v4(groups[1], groups[2]);
  return undefined;
}

/** The eight 16-bit groups of an IPv6 address (zone id dropped, a trailing dotted quad folded in). */
function ipv6Groups(address: string): number[] | undefined {
  let text = address.replace(/%.*$/, '').toLowerCase();
  const quad = /(\d+)\.(\d+)\.(\d+)\.(\d+)$/.exec(text);
  if (quad) {
    const [a, b, c, d] = quad.slice(1).map(Number);
    text = text.slice(0, quad.index) + ((a << 8) | b).toString(16) + ':' + ((c << 8) | d).toString(16);
  }
  const halves = text.split('::');
  if (halves.length > 2) return undefined;
  const left = halves[0] ? halves[0].split(':') : [];
  const right = halves.length === 2 && halves[1] ? halves[1].split(':') : [];
  const fill = halves.length === 2 ? 8 - left.length - right.length : 0;
  const groups = [...left, ...Array<string>(Math.max(fill, 0)).fill('0'), ...right].map((g) => (/^[0-9a-f]{1,4}$/.test(g) ? parseInt(g, 16) : NaN));
  return groups.length === 8 && groups.every((g) => !Number.isNaN(g)) ? groups : undefined;
}

export function isPrivateAddress(address: string): boolean {
  const family = net.isIP(address.replace(/%.*$/, ''));
  if (family === 4) return blockedV4.check(address, 'ipv4');
  if (family !== 6) return true;
  const groups = ipv6Groups(address);
  if (!groups) return true;
  const v4 = embeddedIpv4(groups);
  if (v4 !== undefined) return isPrivateAddress(v4);
  return blockedV6.check(groups.map((g) => g.toString(16)).join(':'), 'ipv6');
}

/** Checks shape only: an absolute http(s) URL without credentials. Returns it normalised. */
export function parseWebhookUrl(value: string): URL {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw invalidField('url', 'must be an absolute http:// or https:// URL');
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw invalidField('url', 'must use http or https');
  if (url.username || url.password) throw invalidField('url', 'must not carry a user name or password');
  return url;
}

export const hostOf = (url: URL) => url.hostname.replace(/^\[|\]$/g, '');

/**
 * Refuses a URL whose host resolves to a private address (every address it resolves to must be
 * public). Called when an endpoint is saved; delivery checks again at connect time
 * (worker/outbound.ts, with isPrivateAddress: the one rule).
 */
export async function assertPublicUrl(url: URL): Promise<void> {
  const host = hostOf(url);
  let addresses: string[];
  if (net.isIP(host)) addresses = [host];
  else {
    try {
      addresses = (await dns.lookup(host, { all: true })).map((a) => a.address);
    } catch {
      throw invalidField('url', `host ${host} could not be resolved`);
    }
  }
  const bad = addresses.find(isPrivateAddress);
  if (bad) throw invalidField('url', `resolves to ${bad}, a private, loopback or link-local address, which webhooks may not reach`);
}
