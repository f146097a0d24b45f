import { lookup } from 'node:dns';
import dns from 'node:dns/promises';
import net from 'node:net';
import { invalidField } from './errors.ts';

// Addresses a webhook must never reach unless an operator allows it: loopback, private ranges,
// link-local (which holds the cloud metadata service, 169.254.169.254 / fd00:ec2::254), CGNAT,
// multicast and the unspecified address.
const blocked = new net.BlockList();
for (const [addr, prefix] of [
  ['0.0.0.0', 8], ['10.0.0.0', 8], ['100.64.0.0', 10], ['127.0.0.0', 8], ['169.254.0.0', 16], ['172.16.0.0', 12],
  ['192.0.0.0', 24], ['192.168.0.0', 16], ['198.18.0.0', 15], ['224.0.0.0', 4], ['240.0.0.0', 4],
] as const) blocked.addSubnet(addr, prefix, 'ipv4');
for (const [addr, prefix] of [['::', 128], ['::1', 128], ['fc00::', 7], ['fe80::', 10], ['ff00::', 8], ['64:ff9b::', 96]] as const) {
  blocked.addSubnet(addr, prefix, 'ipv6');
}

export function isPrivateAddress(address: string): boolean {
  const family = net.isIP(address);
  if (family === 4) return blocked.check(address, 'ipv4');
  if (family !== 6) return true;
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(address);
  if (mapped) return blocked.check(mapped[1], 'ipv4');
  return blocked.check(address, 'ipv6');
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

const hostOf = (url: URL) => url.hostname.replace(/^\[|\]$/g, '');

/**
 * Refuses a URL whose host resolves to a private address (every address it resolves to must be
 * public). Called when an endpoint is saved; delivery checks again at connect time.
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

export class PrivateAddressError extends Error {}

/**
 * A `lookup` for the HTTP client's connections that refuses private addresses after resolution,
 * so a DNS answer that changed since the endpoint was saved cannot reach the internal network.
 */
export function guardedLookup(
  hostname: string,
  options: { family?: number | string; all?: boolean } & Record<string, unknown>,
  callback: (err: Error | null, address: string | { address: string; family: number }[], family?: number) => void,
): void {
  lookup(hostname, { ...options, all: true } as never, (err: Error | null, list: { address: string; family: number }[]) => {
    if (err) return callback(err, '');
    const bad = list.find((a) => isPrivateAddress(a.address));
    if (bad) return callback(new PrivateAddressError(`${hostname} resolves to ${bad.address}, a private address webhooks may not reach`), '');
    if (options.all) return callback(null, list);
    callback(null, list[0].address, list[0].family);
  });
}

/** The IP-literal case, which never goes through a lookup. */
export function literalPrivateHost(url: URL): string | undefined {
  const host = hostOf(url);
  return net.isIP(host) && isPrivateAddress(host) ? host : undefined;
}
