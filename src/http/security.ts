import { isIP } from "node:net";

/**
 * Browser-facing request checks shared by the static UI and the API: which Host names may reach
 * the server (DNS-rebinding defence), whether a request's Origin is the server's own (CSRF), and
 * whether a host is loopback (auto sign-in). Pure functions of their inputs.
 */

/**
 * Builds the Host-header allow-list. Allowed: `localhost` and `*.localhost` (browsers resolve those
 * to loopback themselves), any IP literal (an IP in the address bar never goes through DNS, so it
 * cannot be rebound), the configured listen host and the public URL's host. Everything else is a
 * name some DNS server chose to point here, which is what a rebinding page looks like.
 * @example createHostAllowList("127.0.0.1", () => "http://127.0.0.1:8000")("evil.example:8000") // false
 */
export function createHostAllowList(listenHost: string, publicUrl: () => string): (hostHeader: string | undefined) => boolean {
  const configured = new Set([_normalizeHostname(listenHost)]);
  return (hostHeader) => {
    const hostname = hostnameOf(hostHeader);
    if (hostname === undefined) return false;
    if (hostname === "localhost" || hostname.endsWith(".localhost")) return true;
    if (isIP(hostname) !== 0) return true;
    if (configured.has(hostname)) return true;
    try {
      return _normalizeHostname(new URL(publicUrl()).hostname) === hostname;
    } catch {
      return false;
    }
  };
}

/** The hostname of a Host header value (`[::1]:8000` → `::1`, `Example.COM.` → `example.com`); undefined when malformed. */
export function hostnameOf(hostHeader: string | undefined): string | undefined {
  if (!hostHeader) return undefined;
  try {
    const url = new URL(`http://${hostHeader}`);
    if (url.host.toLowerCase() !== hostHeader.toLowerCase().replace(/:80$/, "")) return undefined;
    return _normalizeHostname(url.hostname);
  } catch {
    return undefined;
  }
}

/** True for 127.0.0.0/8, ::1 and localhost names: addresses only this machine can reach. */
export function isLoopbackHost(host: string): boolean {
  const h = _normalizeHostname(host);
  if (h === "localhost" || h.endsWith(".localhost") || h === "::1") return true;
  return isIP(h) === 4 && h.startsWith("127.");
}

/**
 * CSRF check for state-changing requests authenticated by cookie: the `Origin` (or, when a browser
 * omits it, the `Referer`) must be this server as the browser sees it — the configured public URL
 * (scheme, host and port), or `http://` and the request's own Host (this server speaks plain HTTP;
 * only the public URL can vouch for https, as a TLS proxy in front does). Ports count: another dev
 * server on localhost:3000 is a different origin even though cookies are shared across ports; so
 * does the scheme: a page on http://errors.example.com is not https://errors.example.com (anyone
 * on the network can write into the first).
 */
export function isSameOriginRequest(headers: { origin?: string | null; referer?: string | null; host?: string | null }, publicUrl: string): boolean {
  const source = headers.origin && headers.origin !== "null" ? headers.origin : headers.referer;
  if (!source) return false;
  let origin: URL;
  try {
    origin = new URL(source);
  } catch {
    return false;
  }
  let publicOrigin: URL | undefined;
  try {
    publicOrigin = new URL(publicUrl);
  } catch {
    // no public URL: only the Host rule below
  }
  if (publicOrigin && origin.origin === publicOrigin.origin) return true;
  // the public URL's host reached by another scheme is not this server's page
  if (publicOrigin && origin.host === publicOrigin.host) return false;
  return origin.protocol === "http:" && !!headers.host && origin.host === _canonicalHost(headers.host);
}

// --- Internal ---

/** A Host header as URL.host spells it (lower case, default port dropped); "" when malformed. */
function _canonicalHost(hostHeader: string): string {
  try {
    return new URL(`http://${hostHeader}`).host;
  } catch {
    return "";
  }
}

function _normalizeHostname(host: string): string {
  return host.toLowerCase().replace(/^\[(.*)\]$/, "$1").replace(/\.$/, "");
}
