import { isIP } from "node:net";

/**
 * The address of the client behind `trustedProxies` reverse proxies. Each proxy appends the address
 * it received the request from to `X-Forwarded-For`, so reading from the right — the socket peer
 * (the nearest proxy), then one entry per further proxy — the first hop no trusted proxy added is
 * the client. Entries further left were written by the client and prove nothing. With 0 trusted
 * proxies the header is ignored. Undefined when there is no usable address.
 * @example clientAddress("10.0.0.2", "6.6.6.6, 203.0.113.7", 1) // "203.0.113.7": the proxy saw 203.0.113.7; 6.6.6.6 was sent by the client
 */
export function clientAddress(socketAddress: string | undefined, forwardedFor: string | string[] | undefined, trustedProxies: number): string | undefined {
  const socket = _plainAddress(socketAddress);
  if (trustedProxies <= 0 || forwardedFor === undefined) return socket;
  const hops = (Array.isArray(forwardedFor) ? forwardedFor.join(",") : forwardedFor).split(",").map((h) => h.trim()).filter(Boolean);
  hops.push(socketAddress ?? "");
  // fewer hops than proxies: the request did not pass through all of them; the leftmost is the best there is
  const chosen = hops[Math.max(0, hops.length - 1 - trustedProxies)]!;
  return _plainAddress(chosen) ?? socket;
}

// --- Internal ---

/** `::ffff:1.2.3.4` → `1.2.3.4`, `[::1]:80` → `::1`, `1.2.3.4:5678` → `1.2.3.4`; undefined when not an IP address. */
function _plainAddress(value: string | undefined): string | undefined {
  if (!value) return undefined;
  let v = value.trim();
  const bracketed = /^\[([^\]]+)\](?::\d+)?$/.exec(v);
  if (bracketed) v = bracketed[1]!;
  else if (/^\d+\.\d+\.\d+\.\d+:\d+$/.test(v)) v = v.slice(0, v.lastIndexOf(":"));
  if (v.toLowerCase().startsWith("::ffff:") && isIP(v.slice(7)) === 4) v = v.slice(7);
  return isIP(v) ? v : undefined;
}
