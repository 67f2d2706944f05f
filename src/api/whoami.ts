import type { ApiAuthUser } from "../contract/index.ts";
import { toIsoString } from "../events/timestamps.ts";
import type { ApiDeps, RouteFn } from "./context.ts";
import type { ApiPrincipal } from "./principal.ts";
import { ADMIN_SCOPES } from "./tokens.ts";

/**
 * `GET /api/0/auth/`: who the request is authenticated as (the Sentry MCP server's `whoami`).
 * A browser sign-in is its user; an API token has no person behind it, so the answer is the token,
 * by name, with its scopes.
 */
export function mountWhoAmIRoutes(_deps: ApiDeps, route: RouteFn): void {
  route("GET", "/api/0/auth", async (event): Promise<ApiAuthUser> => {
    const principal = event.context.principal as ApiPrincipal;
    if (principal.kind === "login") {
      const u = principal.user;
      return {
        id: String(u.id), name: u.email, username: u.email, email: u.email, isActive: true, hasPasswordAuth: !u.isLocalAdmin,
        isStaff: false, isSuperuser: true, dateJoined: toIsoString(u.createdAtSec), lastLogin: u.lastLoginAtSec === null ? null : toIsoString(u.lastLoginAtSec),
        avatarUrl: null, emails: [{ id: String(u.id), email: u.email, is_verified: true }], auth: { kind: "login", scopes: [...ADMIN_SCOPES] },
      };
    }
    const t = principal.token;
    return {
      id: `token-${t.id}`, name: `API token "${t.name}"`, username: t.name, email: "", isActive: true, hasPasswordAuth: false,
      isStaff: false, isSuperuser: false, dateJoined: toIsoString(t.createdAtSec), lastLogin: t.lastUsedAtSec === null ? null : toIsoString(t.lastUsedAtSec),
      avatarUrl: null, emails: [], auth: { kind: "token", scopes: t.scopes },
    };
  });
}
