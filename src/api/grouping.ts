import { z } from "zod";
import { computeFallbackGroupings, computeGroupingDetails, GROUPING_MECHANISM } from "../grouping/mechanisms.ts";
import { MAX_STACK_RULES_CHARS, parseStackRules } from "../grouping/stack-rules/parse.ts";
import { groupingConfigFrom, previousRulesAfterChange, RULE_TRANSITION_SEC } from "../process/grouping-configs.ts";
import type { ApiGroupingInfo, ApiGroupingRules } from "../contract/index.ts";
import { serializeGroupingInfo, serializeGroupingRules } from "./serialize/grouping.ts";
import type { GroupingSettings } from "../store/model/groupings.ts";
import { param, parseJsonBody, requireOrganization, requireProject, type ApiDeps, type RouteFn } from "./context.ts";
import { loadProjectEvent } from "./events.ts";
import { requireScopeLevel } from "./scopes.ts";

/**
 * Grouping settings and explanations: a project's stack-trace rules (Sentry's syntax, also
 * accepted as Sentry's `groupingEnhancements` field) and an event's grouping info: which
 * mechanism and which frames made its key, and which of its issue's keys it matches.
 */
export function mountGroupingRoutes(deps: ApiDeps, route: RouteFn): void {
  const rulesPath = "/api/0/projects/:org/:project/grouping-rules";
  route("GET", rulesPath, async (event): Promise<ApiGroupingRules> => {
    await requireOrganization(deps, param(event, "org"));
    const project = await requireProject(deps, param(event, "project"));
    return serializeGroupingRules(await deps.store.getGroupingSettings(project.id), GROUPING_MECHANISM, RULE_TRANSITION_SEC);
  });
  route("PUT", rulesPath, async (event): Promise<ApiGroupingRules> => {
    // project settings, like quotas and source links: admin tokens (and signed-in users) only
    requireScopeLevel(event, "admin");
    await requireOrganization(deps, param(event, "org"));
    const project = await requireProject(deps, param(event, "project"));
    const body = await parseJsonBody(event, RULES_BODY);
    const saved = await saveProjectStackRules(deps, project.id, (body.stackRules ?? body.groupingEnhancements)!);
    return serializeGroupingRules(saved, GROUPING_MECHANISM, RULE_TRANSITION_SEC);
  });

  route("GET", "/api/0/projects/:org/:project/events/:eventId/grouping-info", async (event): Promise<ApiGroupingInfo> => {
    const stored = await loadProjectEvent(deps, event);
    const settings = await deps.store.getGroupingSettings(stored.projectId);
    const config = groupingConfigFrom(settings, deps.clock.now() / 1000);
    const details = computeGroupingDetails(stored.event, config, { explain: true });
    const fallbacks = computeFallbackGroupings(stored.event, config, details.grouping);
    return serializeGroupingInfo({
      eventId: stored.eventId, issueId: stored.issueId, details, earlier: fallbacks,
      issueGroupings: await deps.store.listIssueGroupings(stored.issueId), projectRules: config.stackRules,
    });
  });
}

/**
 * Validates and saves a project's stack-trace rules (a bad line throws StackRuleSyntaxError: a 400
 * naming it), keeping the replaced text so events still find the issues its keys made.
 */
export async function saveProjectStackRules(deps: ApiDeps, projectId: number, rules: string): Promise<GroupingSettings> {
  const text = rules.replace(/\r\n?/g, "\n");
  parseStackRules(text);
  const nowSec = deps.clock.now() / 1000;
  const current = await deps.store.getGroupingSettings(projectId);
  return deps.store.setGroupingSettings(projectId, { stackRules: text, previousStackRules: previousRulesAfterChange(current, text, nowSec) }, nowSec);
}

// --- Internal ---

const RULES_BODY = z.object({
  stackRules: z.string().max(MAX_STACK_RULES_CHARS).optional(),
  groupingEnhancements: z.string().max(MAX_STACK_RULES_CHARS).optional(),
}).loose().refine((b) => b.stackRules !== undefined || b.groupingEnhancements !== undefined, "give the rules as stackRules (a string, one rule per line)");
