import { z } from "zod";
import type { ApiOrgAuthToken, ApiTokenSummary } from "../contract/index.ts";
import { notFound } from "../http/errors.ts";
import { param, parseJsonBody, requireOrganization, type ApiDeps, type RouteFn } from "./context.ts";
import { requireScopeLevel } from "./scopes.ts";
import { serializeApiToken, serializeOrgAuthToken } from "./serialize/accounts.ts";

const deleteBody = z.object({ tokenId: z.union([z.number().int().positive(), z.string().regex(/^\d{1,15}$/, "must be a token id")]) });

/**
 * Listing and revoking API tokens, admin only (a signed-in user or an admin token): a revoked
 * token's next request is a 401. LightTrace's tokens belong to the installation, so both Sentry
 * spellings name the same tokens:
 * - `GET /api/0/api-tokens/`, `DELETE /api/0/api-tokens/` with `{"tokenId"}` (204, also when it was
 *   already gone, as Sentry answers), `DELETE /api/0/api-tokens/{id}/` (404 when unknown);
 * - `GET /api/0/organizations/{org}/org-auth-tokens/`, `DELETE …/org-auth-tokens/{id}/`.
 * Creating tokens stays with the CLI (`lighttrace tokens create`), which prints the value once.
 */
export function mountAuthTokenRoutes(deps: ApiDeps, route: RouteFn): void {
  route("GET", "/api/0/api-tokens", async (event): Promise<ApiTokenSummary[]> => {
    requireScopeLevel(event, "admin");
    return (await deps.store.listApiTokens()).map(serializeApiToken);
  });
  route("DELETE", "/api/0/api-tokens", async (event) => {
    requireScopeLevel(event, "admin");
    const { tokenId } = await parseJsonBody(event, deleteBody);
    await deps.store.deleteApiToken(Number(tokenId));
    return new Response(null, { status: 204 });
  });
  route("DELETE", "/api/0/api-tokens/:id", async (event) => {
    requireScopeLevel(event, "admin");
    return _revoke(deps, param(event, "id"));
  });

  route("GET", "/api/0/organizations/:org/org-auth-tokens", async (event): Promise<ApiOrgAuthToken[]> => {
    requireScopeLevel(event, "admin");
    await requireOrganization(deps, param(event, "org"));
    return (await deps.store.listApiTokens()).map(serializeOrgAuthToken);
  });
  route("DELETE", "/api/0/organizations/:org/org-auth-tokens/:id", async (event) => {
    requireScopeLevel(event, "admin");
    await requireOrganization(deps, param(event, "org"));
    return _revoke(deps, param(event, "id"));
  });
}

// --- Internal ---

async function _revoke(deps: ApiDeps, id: string): Promise<Response> {
  if (!/^\d{1,15}$/.test(id) || !(await deps.store.deleteApiToken(Number(id)))) throw notFound("Invalid token ID");
  deps.logger.info("API token revoked", { tokenId: Number(id) });
  return new Response(null, { status: 204 });
}
