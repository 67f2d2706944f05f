import { HTTPError, type H3Event } from "h3";
import type { ApiPrincipal } from "./principal.ts";

/**
 * What an API token may do, in three levels: `read` (GET), `write` (changes: resolve issues,
 * create projects and releases, upload source maps) and `admin` (installation settings such as a
 * project's quotas, retention and data scrubbing). Tokens carry Sentry's scope names (sentry-cli
 * shows and checks them); the level is derived from them. A signed-in browser user is an admin.
 */
export type ScopeLevel = "read" | "write" | "admin";
export const SCOPE_LEVELS: readonly ScopeLevel[] = ["read", "write", "admin"];

const READ = ["org:read", "project:read", "team:read", "member:read", "event:read"];
const WRITE = [...READ, "org:write", "org:ci", "project:write", "project:releases", "team:write", "event:write"];
const ADMIN = [...WRITE, "org:admin", "project:admin", "event:admin"];

/** The Sentry scopes a new token of each level gets. */
export const SCOPES_BY_LEVEL: Record<ScopeLevel, readonly string[]> = { read: READ, write: WRITE, admin: ADMIN };

/** The level a token's scopes amount to. */
export function scopeLevel(scopes: readonly string[]): ScopeLevel {
  if (scopes.some((s) => s.endsWith(":admin"))) return "admin";
  if (scopes.some((s) => s.endsWith(":write") || s === "org:ci" || s === "project:releases")) return "write";
  return "read";
}

/** Reading needs `read`; every other method changes something and needs `write`. */
export function levelForMethod(method: string): ScopeLevel {
  return method === "GET" || method === "HEAD" || method === "OPTIONS" ? "read" : "write";
}

/** The level of the request's principal (a signed-in user is an admin); undefined when nobody authenticated. */
export function principalLevel(event: H3Event): ScopeLevel | undefined {
  const principal = event.context.principal as ApiPrincipal | undefined;
  if (!principal) return undefined;
  return principal.kind === "login" ? "admin" : scopeLevel(principal.token.scopes);
}

/** 403 unless the request's principal has at least `needed` (set on the event by the route wrapper in app.ts). */
export function requireScopeLevel(event: H3Event, needed: ScopeLevel): void {
  const principal = event.context.principal as ApiPrincipal | undefined;
  if (!principal) throw new HTTPError({ status: 401, message: "Authentication credentials were not provided." });
  if (principal.kind === "login") return;
  const has = scopeLevel(principal.token.scopes);
  if (SCOPE_LEVELS.indexOf(has) < SCOPE_LEVELS.indexOf(needed)) {
    throw new HTTPError({
      status: 403,
      message: `This token's scope is "${has}"; ${event.req.method} ${event.url.pathname} needs "${needed}" (lighttrace tokens create --scope ${needed}).`,
    });
  }
}
