import type { H3Event } from "h3";
import type { ApiEndedLogins, ApiUser } from "../contract/index.ts";
import { notFound } from "../http/errors.ts";
import type { User } from "../store/types.ts";
import { deleteUserAccount, endUserLogins } from "./auth-accounts.ts";
import { param, type ApiDeps, type RouteFn } from "./context.ts";
import { requireScopeLevel } from "./scopes.ts";
import { serializeUser } from "./serialize/accounts.ts";

/**
 * The web UI's users, admin only (a signed-in user or an admin token). Creating users and setting
 * passwords stays with the CLI (`lighttrace users create`: the password never crosses the API).
 * - `GET /api/0/users/`, `GET /api/0/users/{id}/`: Sentry's user shape.
 * - `DELETE /api/0/users/{id}/`: deletes the user and signs out every browser of theirs (204, as
 *   Sentry; 400 for the local admin, which would only come back).
 * - `DELETE /api/0/users/{id}/logins/` (LightTrace): signs the user out everywhere, keeps the
 *   account; answers how many logins ended.
 */
export function mountAuthUserRoutes(deps: ApiDeps, route: RouteFn): void {
  route("GET", "/api/0/users", async (event): Promise<ApiUser[]> => {
    requireScopeLevel(event, "admin");
    return (await deps.store.listUsers()).map(serializeUser);
  });
  route("GET", "/api/0/users/:id", async (event): Promise<ApiUser> => {
    requireScopeLevel(event, "admin");
    return serializeUser(await _user(deps, event));
  });
  route("DELETE", "/api/0/users/:id", async (event) => {
    requireScopeLevel(event, "admin");
    const user = await _user(deps, event);
    if (!(await deleteUserAccount(deps.store, user))) throw notFound();
    deps.logger.info("user deleted", { userId: user.id });
    return new Response(null, { status: 204 });
  });
  route("DELETE", "/api/0/users/:id/logins", async (event): Promise<ApiEndedLogins> => {
    requireScopeLevel(event, "admin");
    const user = await _user(deps, event);
    const endedLogins = await endUserLogins(deps.store, user);
    deps.logger.info("user signed out everywhere", { userId: user.id, endedLogins });
    return { endedLogins };
  });
}

// --- Internal ---

async function _user(deps: ApiDeps, event: H3Event): Promise<User> {
  const id = param(event, "id");
  const user = /^\d{1,15}$/.test(id) ? await deps.store.getUser(Number(id)) : undefined;
  if (!user) throw notFound();
  return user;
}
