import { z } from "zod";
import { resolveLimits } from "../process/project-limits.ts";
import { usageMonth } from "../process/quota.ts";
import type { ProjectLimitOverrides } from "../store/guardrails.ts";
import { param, parseJsonBody, parseQuery, requireOrganization, requireProject, type ApiDeps } from "./context.ts";
import type { RouteFn } from "./issues.ts";
import { requireScopeLevel } from "./scopes.ts";

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
 * LightTrace's per-project guardrails (no Sentry equivalent with these names):
 * - `GET/PUT /api/0/projects/{org}/{project}/limits/`: rate limit, monthly quota, retention cap
 *   and age, data scrubbing; each with the project's override (null = installation default),
 *   the default and the effective value.
 * - `GET /api/0/projects/{org}/{project}/outcomes/?days=30`: accepted events this month, events
 *   refused by the quota and events SDKs say they dropped (client reports), by reason.
 */
export function mountGuardrailRoutes(deps: ApiDeps, route: RouteFn): void {
  const body = async (projectId: number) => {
    const overrides = await deps.store.getProjectLimits(projectId);
    const defaults = resolveLimits(deps.config, { ...overrides, eventsPerMinute: null, monthlyQuota: null, maxStoredEvents: null, maxEventAgeDays: null, scrubData: null, sensitiveFields: [] });
    return { overrides, defaults, effective: resolveLimits(deps.config, overrides) };
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

  route("GET", "/api/0/projects/:org/:project/outcomes", async (event) => {
    await requireOrganization(deps, param(event, "org"));
    const project = await requireProject(deps, param(event, "project"));
    const { days } = parseQuery(event, outcomesQuery);
    const now = deps.clock.now();
    const sinceDay = Math.floor(now / 86_400_000) - days + 1;
    const outcomes = await deps.store.projectOutcomes(project.id, sinceDay);
    const effective = resolveLimits(deps.config, await deps.store.getProjectLimits(project.id));
    const sum = (rows: { quantity: number }[]) => rows.reduce((n, r) => n + r.quantity, 0);
    const rateLimited = outcomes.filter((o) => o.outcome === "rate_limited").map(({ reason, category, quantity }) => ({ reason, category, quantity }));
    const clientDiscarded = outcomes.filter((o) => o.outcome === "client_discard").map(({ reason, category, quantity }) => ({ reason, category, quantity }));
    return {
      days,
      month: _monthLabel(usageMonth(now)),
      acceptedThisMonth: await deps.store.monthlyUsage(project.id, usageMonth(now)),
      monthlyQuota: effective.monthlyQuota,
      eventsPerMinute: effective.eventsPerMinute,
      storedEvents: await deps.store.storedEventCount(project.id),
      maxStoredEvents: effective.maxStoredEvents,
      rateLimitedTotal: sum(rateLimited),
      rateLimited,
      clientDiscardedTotal: sum(clientDiscarded),
      clientDiscarded,
    };
  });
}

// --- Internal ---

function _monthLabel(month: number): string {
  return `${Math.floor(month / 100)}-${String(month % 100).padStart(2, "0")}`;
}
