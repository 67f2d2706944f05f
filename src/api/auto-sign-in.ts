import type { Config } from "../config.ts";
import { hostnameOf, isLoopbackHost } from "../http/security.ts";

/** What the auto sign-in decision looks at in a request. */
export interface AutoSignInRequest {
  headers: Headers;
  /** the local port the connection came in on */
  localPort: number | undefined;
}

/**
 * Why this installation never signs browsers in without a password, whatever the request; undefined
 * when it may. Auto sign-in is for a developer on their own machine: the server must listen on
 * loopback, and a public URL on another host means visitors reach it through something (a reverse
 * proxy, a tunnel) that may add no header at all (nginx's default `proxy_pass` rewrites Host to the
 * upstream and forwards nothing), so that turns it off unless `--open-local` says otherwise.
 */
export function autoSignInDisabledReason(config: Pick<Config, "host" | "publicUrl" | "openLocal">): string | undefined {
  if (config.openLocal === "off") return "it was turned off (--no-open-local, LIGHTTRACE_OPEN_LOCAL=off)";
  if (!isLoopbackHost(config.host)) return "this server listens on the network, not only on loopback";
  if (config.openLocal === "auto" && config.publicUrl && !_isLoopbackUrl(config.publicUrl)) {
    return "this server has a public URL (LIGHTTRACE_PUBLIC_URL) on another host, so requests may come through a proxy; start it with --open-local to allow it anyway";
  }
  return undefined;
}

/**
 * Why this request may not be signed in as the local admin; undefined when it may. Besides the
 * installation's own rule (above): no header any proxy adds (Forwarded, Via, X-Forwarded-*,
 * X-Real-IP…), and a Host that is the loopback address and port the server listens on (or
 * `localhost`, which browsers resolve themselves) — anything else was addressed to some other name.
 */
export function autoSignInRefusal(config: Pick<Config, "host" | "publicUrl" | "openLocal">, request: AutoSignInRequest): string | undefined {
  const disabled = autoSignInDisabledReason(config);
  if (disabled) return disabled;
  const proxyHeaders = [...request.headers.keys()].filter((name) => PROXY_HEADERS.has(name) || name.startsWith("x-forwarded-"));
  if (proxyHeaders.length > 0) return `the request came through a proxy (${proxyHeaders.join(", ")})`;
  if (!_isListenAddress(config.host, request)) return "the request's Host is not the loopback address this server listens on";
  return undefined;
}

// --- Internal ---

/** Headers that reverse proxies, load balancers and CDNs add; any one means the browser is elsewhere. */
const PROXY_HEADERS = new Set([
  "forwarded", "via", "x-real-ip", "x-client-ip", "true-client-ip", "cf-connecting-ip", "fastly-client-ip",
  "x-cluster-client-ip", "x-original-forwarded-for", "x-original-host", "x-original-url", "x-proxyuser-ip",
]);

function _isListenAddress(listenHost: string, request: AutoSignInRequest): boolean {
  const hostHeader = request.headers.get("host") ?? undefined;
  const hostname = hostnameOf(hostHeader);
  if (!hostname || request.localPort === undefined) return false;
  const listen = hostnameOf(listenHost.includes(":") && !listenHost.startsWith("[") ? `[${listenHost}]` : listenHost);
  const names = new Set([listen, "localhost"]);
  if (listen === "localhost") names.add("127.0.0.1").add("::1");
  if (!names.has(hostname) && !hostname.endsWith(".localhost")) return false;
  const port = Number(new URL(`http://${hostHeader}`).port || 80);
  return port === request.localPort;
}

function _isLoopbackUrl(url: string): boolean {
  try {
    return isLoopbackHost(new URL(url).hostname);
  } catch {
    return false;
  }
}
