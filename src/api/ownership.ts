import { z } from "zod";
import type { ApiOwnership } from "../contract/index.ts";
import { toIsoString } from "../events/timestamps.ts";
import { badRequest } from "../http/errors.ts";
import { DEFAULT_OWNERSHIP } from "../ownership/owners.ts";
import { OwnershipSyntaxError, parseOwnershipRules, type OwnershipRule } from "../ownership/rules.ts";
import { AUTO_ASSIGNMENT, type StoredOwnership } from "../store/model/ownership.ts";
import { param, parseJsonBody, requireOrganization, requireProject, type ApiDeps, type RouteFn } from "./context.ts";

const ownershipSchema = z.object({
  raw: z.string().max(100_000).optional(),
  fallthrough: z.boolean().optional(),
  autoAssignment: z.string().optional(),
  codeownersAutoSync: z.boolean().optional(),
}).loose();

/**
 * A project's ownership rules, Sentry's `GET/PUT /projects/{org}/{project}/ownership/`: `raw`
 * (the rules), `fallthrough` (mail the alert's usual recipients when no rule matches) and
 * `autoAssignment`. A bad rule or an unknown `#team` is a 400 naming the line; nothing is saved.
 */
export function mountOwnershipRoutes(deps: ApiDeps, route: RouteFn): void {
  route("GET", "/api/0/projects/:org/:project/ownership", async (event): Promise<ApiOwnership> => {
    await requireOrganization(deps, param(event, "org"));
    const project = await requireProject(deps, param(event, "project"));
    const stored = await deps.store.getProjectOwnership(project.id);
    return serializeOwnership(stored, _parseSafely(stored?.raw ?? ""));
  });
  route("PUT", "/api/0/projects/:org/:project/ownership", async (event): Promise<ApiOwnership> => {
    const org = await requireOrganization(deps, param(event, "org"));
    const project = await requireProject(deps, param(event, "project"));
    const body = await parseJsonBody(event, ownershipSchema);
    if (body.codeownersAutoSync === true) throw badRequest("codeownersAutoSync is not supported: LightTrace has no code mappings");
    if (body.autoAssignment !== undefined && !(AUTO_ASSIGNMENT as readonly string[]).includes(body.autoAssignment)) {
      throw badRequest(`invalid field "autoAssignment": "${body.autoAssignment.slice(0, 60)}" is not one of ${AUTO_ASSIGNMENT.map((a) => `"${a}"`).join(", ")} (suspect-commit assignment is not supported)`);
    }
    const current = (await deps.store.getProjectOwnership(project.id)) ?? DEFAULT_OWNERSHIP;
    const raw = body.raw ?? current.raw;
    let rules: OwnershipRule[];
    try {
      rules = parseOwnershipRules(raw);
    } catch (err) {
      if (err instanceof OwnershipSyntaxError) throw badRequest(`invalid field "raw": ${err.message}`);
      throw err;
    }
    const teams = new Set((await deps.store.listTeams(org.id)).map((t) => t.slug));
    for (const rule of rules) {
      const missing = rule.owners.find((o) => o.kind === "team" && !teams.has(o.slug));
      if (missing?.kind === "team") throw badRequest(`invalid field "raw": line ${rule.line}: no team #${missing.slug} (create it with lighttrace teams create ${missing.slug})`);
    }
    const saved = await deps.store.setProjectOwnership(project.id, {
      raw, fallthrough: body.fallthrough ?? current.fallthrough, autoAssignment: (body.autoAssignment as StoredOwnership["autoAssignment"] | undefined) ?? current.autoAssignment,
    }, deps.clock.now() / 1000);
    return serializeOwnership(saved, rules);
  });
}

/** Sentry's ownership shape, with the rules parsed into its `schema`. */
export function serializeOwnership(stored: StoredOwnership | undefined, rules: OwnershipRule[]): ApiOwnership {
  const s = stored ?? DEFAULT_OWNERSHIP;
  return {
    raw: s.raw,
    fallthrough: s.fallthrough,
    autoAssignment: s.autoAssignment,
    codeownersAutoSync: false,
    isActive: true,
    dateCreated: stored ? toIsoString(stored.createdAtSec) : null,
    lastUpdated: stored ? toIsoString(stored.updatedAtSec) : null,
    schema: {
      $version: 1,
      rules: rules.map((r) => ({
        matcher: { type: r.type === "tags" ? `tags.${r.tagKey}` : r.type, pattern: r.pattern },
        owners: r.owners.map((o) => (o.kind === "team" ? { type: "team" as const, identifier: o.slug } : { type: "user" as const, identifier: o.email })),
      })),
    },
  };
}

// --- Internal ---

function _parseSafely(raw: string): OwnershipRule[] {
  try {
    return parseOwnershipRules(raw);
  } catch {
    return [];
  }
}
