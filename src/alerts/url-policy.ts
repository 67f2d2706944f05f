import { BlockList, isIP } from "node:net";

/** A webhook target the policy refuses (SSRF): permanent, never retried. */
export class UrlPolicyError extends Error {
  override name = "UrlPolicyError";
}

/**
 * Addresses a webhook must not reach unless LIGHTTRACE_ALERT_ALLOW_PRIVATE_WEBHOOKS is on:
 * loopback, private, link-local (cloud metadata at 169.254.169.254), carrier-grade NAT,
 * benchmarking, multicast, reserved and unspecified ranges, in IPv4 and IPv6.
 */
const BLOCKED = new BlockList();
for (const [net, prefix] of [
  ["0.0.0.0", 8], ["10.0.0.0", 8], ["100.64.0.0", 10], ["127.0.0.0", 8], ["169.254.0.0", 16], ["172.16.0.0", 12],
  ["192.0.0.0", 24], ["192.0.2.0", 24], ["192.168.0.0", 16], ["198.18.0.0", 15], ["198.51.100.0", 24], ["203.0.113.0", 24],
  ["224.0.0.0", 4], ["240.0.0.0", 4],
] as const) BLOCKED.addSubnet(net, prefix, "ipv4");
for (const [net, prefix] of [
  ["fc00::", 7], ["fe80::", 10], ["fec0::", 10], ["ff00::", 8], ["2001:db8::", 32], ["100::", 64],
  // ranges that carry an IPv4 address (unspecified and loopback included): IPv4-compatible, IPv4-translated,
  // NAT64 (well-known and local-use), 6to4 and Teredo. No webhook needs them; through them an IPv4
  // target hides from the IPv4 rules, so they are refused whatever address they embed.
  ["::", 96], ["::ffff:0:0:0", 96], ["64:ff9b::", 96], ["64:ff9b:1::", 48], ["2002::", 16], ["2001::", 32],
] as const) BLOCKED.addSubnet(net, prefix, "ipv6");

/** True for an IP literal in a range webhooks must not reach. */
export function isPrivateAddress(address: string): boolean {
  const ip = address.replace(/^\[|\]$/g, "").toLowerCase();
  const family = isIP(ip);
  if (family === 4) return BLOCKED.check(ip, "ipv4");
  if (family !== 6) return true; // not an address at all: refuse rather than guess
  // IPv4-mapped (::ffff:a.b.c.d) is how dual-stack sockets show an IPv4 peer: judge the IPv4 address
  const embedded = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/.exec(ip)?.[1];
  if (embedded) return BLOCKED.check(embedded, "ipv4");
  const mappedHex = /^::ffff:([0-9a-f]{1,4}):([0-9a-f]{1,4})$/.exec(ip);
  if (mappedHex) {
    const n = (parseInt(mappedHex[1]!, 16) << 16) | parseInt(mappedHex[2]!, 16);
    return BLOCKED.check([n >>> 24, (n >>> 16) & 255, (n >>> 8) & 255, n & 255].join("."), "ipv4");
  }
  return BLOCKED.check(ip, "ipv6");
}

/**
 * Checks what can be checked without DNS: scheme, credentials, and a literal or obviously local
 * host. The sender checks every resolved address again (DNS can point anywhere).
 * @throws UrlPolicyError naming what was refused
 */
export function checkWebhookUrl(url: string, allowPrivate: boolean): URL {
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    throw new UrlPolicyError(`not a URL: ${url.slice(0, 100)}`);
  }
  if (u.protocol !== "http:" && u.protocol !== "https:") throw new UrlPolicyError(`only http and https webhooks are allowed, not ${u.protocol}`);
  if (allowPrivate) return u;
  const host = u.hostname.replace(/^\[|\]$/g, "").toLowerCase();
  if (host === "localhost" || host.endsWith(".localhost") || host.endsWith(".local") || host.endsWith(".internal")) {
    throw new UrlPolicyError(`webhook host ${host} is local; set LIGHTTRACE_ALERT_ALLOW_PRIVATE_WEBHOOKS=1 to allow it`);
  }
  if (isIP(host) && isPrivateAddress(host)) {
    throw new UrlPolicyError(`webhook address ${host} is private or loopback; set LIGHTTRACE_ALERT_ALLOW_PRIVATE_WEBHOOKS=1 to allow it`);
  }
  return u;
}
