import type { H3Event } from "h3";
import type { ApiIssue, ApiIssueDetail, ApiTagKey, ApiTagValue } from "../contract/index.ts";
import type { Issue, Project } from "../store/types.ts";
import { z } from "zod";
import { apiLinks, param, parseJsonBody, requireOrganization, requireProject, resolveProjectScope, validate, type ApiDeps, type RouteFn } from "./context.ts";
import { actorOf, ASSIGNED_TO, assignIssue, loadIssuePeople } from "./assignment.ts";
import { notFound } from "../http/errors.ts";
import { findIssueByShortId } from "./short-ids.ts";
import { serializeIssue, serializeIssueDetail, serializeTagKey } from "./serialize/issues.ts";
import { buildStatsSeries, periodStartHour } from "./stats.ts";
import { applyStatusChange, planStatusChange, releaseFacts, statusChangeSchema } from "./issue-resolution.ts";
import { listIssues } from "./issue-list.ts";
import { computeSpike } from "../store/triage.ts";
import { bulkUpdateIssues } from "./issue-bulk.ts";

/** Where an issue is addressed: Sentry has both the bare and the organization-scoped form of every issue path. */
export const ISSUE_PREFIXES = ["/api/0/issues/:id", "/api/0/organizations/:org/issues/:id"] as const;

/**
 * Issue list (per project and across the organization), bulk and single status changes, detail
 * and tags; `:id` is a numeric id or a short id (`MY-PROJECT-1A`) on every path.
 */
export function mountIssueRoutes(deps: ApiDeps, route: RouteFn): void {
  route("GET", "/api/0/projects/:org/:project/issues", async (event) => {
    await requireOrganization(deps, param(event, "org"));
    const project = await requireProject(deps, param(event, "project"));
    return listIssues(event, deps, [project], { timeFilter: false });
  });
  route("GET", "/api/0/organizations/:org/issues", async (event) => {
    await requireOrganization(deps, param(event, "org"));
    return listIssues(event, deps, await resolveProjectScope(deps, event.url.searchParams.getAll("project")), { timeFilter: true });
  });
  for (const prefix of ["/api/0/projects/:org/:project/issues", "/api/0/organizations/:org/issues"]) {
    route("PUT", prefix, async (event) => bulkUpdateIssues(event, deps));
  }
  for (const prefix of ISSUE_PREFIXES) {
    route("GET", prefix, async (event): Promise<ApiIssueDetail> => {
      const { issue, project } = await loadIssue(deps, event);
      const nowMs = deps.clock.now();
      // independent reads at once (on PostgreSQL each is a round trip); the spike from the 30 days' counts already read
      const [counts, tags, groupings, people, facts] = await Promise.all([
        deps.store.hourlyCounts([issue.id], periodStartHour("30d", nowMs)), deps.store.issueTagSummary(issue.id, 0),
        deps.store.listIssueGroupings(issue.id), loadIssuePeople(deps, [issue.id]), releaseFacts(deps, issue),
      ]);
      const stats = { "24h": buildStatsSeries(counts, issue.id, "24h", nowMs), "30d": buildStatsSeries(counts, issue.id, "30d", nowMs) };
      const spike = { issueId: issue.id, ...computeSpike(counts, nowMs) };
      return serializeIssueDetail(issue, project, apiLinks(deps), { stats, tags, spike, groupings, ...people(issue.id), ...facts });
    });
    route("PUT", prefix, async (event): Promise<ApiIssue> => {
      const { issue, project } = await loadIssue(deps, event);
      const body = await parseJsonBody(event, z.record(z.string(), z.unknown()));
      // `assignedTo` alone assigns; a body without it is a status change (whose schema names what is missing)
      const assignedTo = "assignedTo" in body ? validate(ASSIGNED_TO, body.assignedTo, "field \"assignedTo\"") : undefined;
      const change = !("assignedTo" in body) || "status" in body ? await planStatusChange(deps, project, validate(statusChangeSchema, body, "field")) : undefined;
      if (assignedTo !== undefined) await assignIssue(deps, issue, assignedTo, actorOf(event));
      const updated = change ? await applyStatusChange(deps, issue.id, change, actorOf(event)) : await deps.store.getIssue(issue.id);
      const [spike] = await deps.store.spikeStats([issue.id], deps.clock.now());
      const statusDetails = change?.statusDetails ?? (await releaseFacts(deps, updated!)).statusDetails;
      return serializeIssue(updated!, project, apiLinks(deps), { spike, statusDetails, ...(await loadIssuePeople(deps, [issue.id]))(issue.id) });
    });
    route("GET", `${prefix}/tags`, async (event): Promise<ApiTagKey[]> => {
      const { issue } = await loadIssue(deps, event);
      return (await deps.store.issueTagSummary(issue.id, 10)).map(serializeTagKey);
    });
    route("GET", `${prefix}/tags/:key`, async (event): Promise<ApiTagKey> => {
      const { issue } = await loadIssue(deps, event);
      const key = param(event, "key");
      const summary = (await deps.store.issueTagSummary(issue.id, 10)).find((t) => t.key === key);
      if (!summary) throw notFound(`issue ${issue.id} has no tag "${key.slice(0, 100)}"`);
      return serializeTagKey(summary);
    });
    route("GET", `${prefix}/tags/:key/values`, async (event): Promise<ApiTagValue[]> => {
      const { issue } = await loadIssue(deps, event);
      const key = param(event, "key");
      const values = await deps.store.issueTagValues(issue.id, key, 100);
      return serializeTagKey({ key, totalValues: 0, uniqueValues: values.length, topValues: values }).topValues;
    });
  }
}

/** The issue named by `:id` (numeric id or short id like `WEB-1A`), 404 if absent. */
export async function loadIssue(deps: ApiDeps, event: H3Event): Promise<{ issue: Issue; project: Project }> {
  const raw = param(event, "id");
  if (event.context.params?.org) await requireOrganization(deps, param(event, "org"));
  let issue: Issue | undefined;
  if (/^\d+$/.test(raw)) issue = await deps.store.getIssue(Number(raw));
  else issue = await findIssueByShortId(deps, raw);
  if (!issue) throw notFound();
  const project = await deps.store.getProject(issue.projectId);
  if (!project) throw notFound();
  return { issue, project };
}
