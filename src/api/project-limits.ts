import { z } from "zod";
import type { ApiProjectLimits, ApiProjectOutcomes } from "../contract/index.ts";
import { resolveLimits } from "../process/project-limits.ts";
import { usageMonth } from "../process/quota.ts";
import { NO_OVERRIDES, type ProjectLimitOverrides } from "../store/model/project-limits.ts";
import { param, parseJsonBody, parseQuery, requireOrganization, requireProject, type ApiDeps, type RouteFn } from "./context.ts";
import { requireScopeLevel } from "./scopes.ts";
import { serializeProjectLimits, serializeProjectOutcomes } from "./serialize/project-settings.ts";

const count = z.number().int().min(0).max(1e12).nullable();

/** PUT body: each field is a project override; null = back to the installation default; absent = unchanged. */
const limitsSchema = z.object({
  eventsPerMinute: count.optional(),
  monthlyQuota: count.optional(),
  maxStoredEvents: count.optional(),
  maxEventAgeDays: z.number().min(0).max(36_500).nullable().optional(),
  scrubData: z.boolean().nullable().optional(),
  sensitiveFields: z.array(z.string().trim().min(1).max(100)).max(100).optional(),
}).strict();

const outcomesQuery = z.object({ days: z.coerce.number().int().min(1).max(366).default(30) }).loose();

/**
 * LightTrace's per-project limits and usage (no Sentry equivalent with these names):
 * - `GET/PUT /api/0/projects/{org}/{project}/limits/`: rate limit, monthly quota, retention cap
 *   and age, data scrubbing; each with the project's override (null = installation default),
 *   the default and the effective value.
 * - `GET /api/0/projects/{org}/{project}/outcomes/?days=30`: accepted events this month, events
 *   refused by the quota and events SDKs say they dropped (client reports), by reason.
 */
export function mountProjectLimitRoutes(deps: ApiDeps, route: RouteFn): void {
  const body = async (projectId: number): Promise<ApiProjectLimits> => {
    const overrides = await deps.store.getProjectLimits(projectId);
    const defaults = resolveLimits(deps.config, { ...NO_OVERRIDES, sensitiveFields: [] });
    return serializeProjectLimits(overrides, defaults, resolveLimits(deps.config, overrides));
  };

  route("GET", "/api/0/projects/:org/:project/limits", async (event) => {
    await requireOrganization(deps, param(event, "org"));
    const project = await requireProject(deps, param(event, "project"));
    return body(project.id);
  });

  route("PUT", "/api/0/projects/:org/:project/limits", async (event) => {
    requireScopeLevel(event, "admin");
    await requireOrganization(deps, param(event, "org"));
    const project = await requireProject(deps, param(event, "project"));
    const patch = await parseJsonBody(event, limitsSchema);
    const current = await deps.store.getProjectLimits(project.id);
    const next: ProjectLimitOverrides = { ...current };
    for (const [key, value] of Object.entries(patch)) if (value !== undefined) (next as unknown as Record<string, unknown>)[key] = value;
    await deps.store.setProjectLimits(project.id, next);
    return body(project.id);
  });

  route("GET", "/api/0/projects/:org/:project/outcomes", async (event): Promise<ApiProjectOutcomes> => {
    await requireOrganization(deps, param(event, "org"));
    const project = await requireProject(deps, param(event, "project"));
    const { days } = parseQuery(event, outcomesQuery);
    const nowMs = deps.clock.now();
    const month = usageMonth(nowMs);
    return serializeProjectOutcomes({
      days,
      month,
      acceptedThisMonth: await deps.store.monthlyUsage(project.id, month),
      storedEvents: await deps.store.storedEventCount(project.id),
      effective: resolveLimits(deps.config, await deps.store.getProjectLimits(project.id)),
      outcomes: await deps.store.projectOutcomes(project.id, Math.floor(nowMs / 86_400_000) - days + 1),
    });
  });
}
