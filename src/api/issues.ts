import type { H3Event } from "h3";
import { z } from "zod";
import type { ApiBulkStatusChange, ApiIssue, ApiIssueDetail, ApiTagKey, ApiTagValue } from "../contract/index.ts";
import type { Issue, IssueFilter, Project } from "../store/types.ts";
import { param, parseJsonBody, parseQuery, requireOrganization, requireProject, type ApiDeps, type RouteFn } from "./context.ts";
import { badRequest, notFound } from "../http/errors.ts";
import { CURSOR_PARAM, linkHeader, parseCursor } from "./pagination.ts";
import { findIssueByShortId } from "./short-ids.ts";
import { parseIssueQuery } from "./query.ts";
import { serializeIssue, serializeIssueDetail, serializeTagKey } from "./serialize/issues.ts";
import { buildStatsSeries, periodStartHour, type StatsPeriod } from "./stats.ts";
import { applyStatusChange, listStatusDetails, planStatusChange, releaseFacts, statusChangeSchema, type StatusChange } from "./issue-resolution.ts";

const listQuerySchema = z.object({
  query: z.string().max(2000).optional(),
  sort: z.enum(["date", "new", "freq", "user", "priority"]).default("date"),
  statsPeriod: z.enum(["", "24h", "14d", "30d"]).optional(),
  groupStatsPeriod: z.enum(["", "24h", "14d", "30d", "auto"]).optional(),
  cursor: CURSOR_PARAM,
  limit: z.coerce.number().int().min(1).max(100).default(25),
  project: z.union([z.string(), z.array(z.string())]).optional(),
  environment: z.union([z.string(), z.array(z.string())]).optional(),
  id: z.union([z.string(), z.array(z.string())]).optional(),
}).loose();

/** Issue list (per project and across the organization), detail, status changes, tags. */
export function mountIssueRoutes(deps: ApiDeps, route: RouteFn): void {
  route("GET", "/api/0/projects/:org/:project/issues", async (event) => {
    await requireOrganization(deps, param(event, "org"));
    const project = await requireProject(deps, param(event, "project"));
    return listIssues(event, deps, [project]);
  });
  route("GET", "/api/0/organizations/:org/issues", async (event) => {
    await requireOrganization(deps, param(event, "org"));
    const q = parseQuery(event, listQuerySchema);
    const all = await deps.store.listProjects();
    const wanted = _asArray(q.project);
    const projects = wanted.length ? all.filter((p) => wanted.includes(String(p.id)) || wanted.includes(p.slug)) : all;
    return listIssues(event, deps, projects);
  });
  for (const prefix of ["/api/0/projects/:org/:project/issues", "/api/0/organizations/:org/issues"]) {
    route("PUT", prefix, async (event) => bulkUpdate(event, deps));
  }
  for (const prefix of ["/api/0/issues/:id", "/api/0/organizations/:org/issues/:id"]) {
    route("GET", prefix, async (event): Promise<ApiIssueDetail> => {
      const { issue, project } = await loadIssue(deps, event);
      const nowMs = deps.clock.now();
      const counts = await deps.store.hourlyCounts([issue.id], periodStartHour("30d", nowMs));
      const tags = await deps.store.issueTagSummary(issue.id, 0);
      const stats = { "24h": buildStatsSeries(counts, issue.id, "24h", nowMs), "30d": buildStatsSeries(counts, issue.id, "30d", nowMs) };
      const [spike] = await deps.store.spikeStats([issue.id], nowMs);
      const groupings = await deps.store.listIssueGroupings(issue.id);
      return serializeIssueDetail(issue, project, deps.publicUrl(), { stats, tags, spike, groupings, ...(await releaseFacts(deps, issue)) });
    });
    route("PUT", prefix, async (event): Promise<ApiIssue> => {
      const { issue, project } = await loadIssue(deps, event);
      const change = await planStatusChange(deps, project, await parseJsonBody(event, statusChangeSchema));
      const updated = await applyStatusChange(deps, issue.id, change);
      const [spike] = await deps.store.spikeStats([issue.id], deps.clock.now());
      return serializeIssue(updated!, project, deps.publicUrl(), { spike, statusDetails: change.statusDetails });
    });
  }
  route("GET", "/api/0/issues/:id/tags", async (event): Promise<ApiTagKey[]> => {
    const { issue } = await loadIssue(deps, event);
    return (await deps.store.issueTagSummary(issue.id, 10)).map(serializeTagKey);
  });
  route("GET", "/api/0/issues/:id/tags/:key", async (event): Promise<ApiTagKey> => {
    const { issue } = await loadIssue(deps, event);
    const key = param(event, "key");
    const summary = (await deps.store.issueTagSummary(issue.id, 10)).find((t) => t.key === key);
    if (!summary) throw notFound();
    return serializeTagKey(summary);
  });
  route("GET", "/api/0/issues/:id/tags/:key/values", async (event): Promise<ApiTagValue[]> => {
    const { issue } = await loadIssue(deps, event);
    const key = param(event, "key");
    const values = await deps.store.issueTagValues(issue.id, key, 100);
    return serializeTagKey({ key, totalValues: 0, uniqueValues: values.length, topValues: values }).topValues;
  });
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

// --- Internal ---

async function listIssues(event: H3Event, deps: ApiDeps, projects: Project[]): Promise<ApiIssue[]> {
  const q = parseQuery(event, listQuerySchema);
  const offset = parseCursor(q.cursor);
  const nowMs = deps.clock.now();
  const filter = _buildFilter(q.query, projects, offset, q.limit, q.sort, nowMs);
  for (const env of _asArray(q.environment)) filter.tags.push({ key: "environment", value: env, negate: false });
  const rows = await deps.store.listIssues({ ...filter, limit: q.limit + 1 });
  const hasMore = rows.length > q.limit;
  const issues = rows.slice(0, q.limit);
  const byId = new Map(projects.map((p) => [p.id, p]));
  const period = (q.statsPeriod || (q.groupStatsPeriod === "auto" ? "24h" : q.groupStatsPeriod)) as StatsPeriod | "" | undefined;
  const counts = period ? await deps.store.hourlyCounts(issues.map((i) => i.id), periodStartHour(period, nowMs)) : [];
  event.res.headers.set("Link", linkHeader(event.url, offset, q.limit, hasMore));
  event.res.headers.set("X-Hits", String(offset + issues.length + (hasMore ? 1 : 0)));
  const spikes = new Map((await deps.store.spikeStats(issues.map((i) => i.id), nowMs)).map((s) => [s.issueId, s]));
  const resolutions = await listStatusDetails(deps, issues);
  return issues.map((issue) => serializeIssue(issue, byId.get(issue.projectId)!, deps.publicUrl(), {
    spike: spikes.get(issue.id),
    statusDetails: resolutions.get(issue.id) ?? {},
    ...(period ? { stats: { [period]: buildStatsSeries(counts, issue.id, period, nowMs) } } : {}),
  }));
}

function _buildFilter(query: string | undefined, projects: Project[], offset: number, limit: number, sort: IssueFilter["sort"], nowMs: number): IssueFilter {
  // Sentry's default view is the unresolved issues; an explicit empty query means everything.
  // A QuerySyntaxError is a 400 naming the bad filter (src/http/errors.ts).
  const parsed = parseIssueQuery(query ?? "is:unresolved");
  const filter: IssueFilter = { projectIds: projects.map((p) => p.id), tags: parsed.tags, text: parsed.text, sort, offset, limit, nowMs };
  if (parsed.statuses) filter.statuses = parsed.statuses;
  if (parsed.levels) filter.levels = parsed.levels;
  return filter;
}

async function bulkUpdate(event: H3Event, deps: ApiDeps): Promise<ApiBulkStatusChange> {
  if (event.context.params?.org) await requireOrganization(deps, param(event, "org"));
  const project = event.context.params?.project ? await requireProject(deps, param(event, "project")) : undefined;
  const ids = _asArray(parseQuery(event, listQuerySchema).id);
  if (ids.length === 0) throw badRequest("bulk update needs one or more ?id= parameters");
  if (ids.length > 1000) throw badRequest("at most 1000 issues per bulk update");
  const body = await parseJsonBody(event, statusChangeSchema);
  const issues: Issue[] = [];
  for (const id of ids) {
    if (!/^\d+$/.test(id)) throw badRequest(`invalid issue id "${id.slice(0, 40)}"`);
    const issue = await deps.store.getIssue(Number(id));
    if (!issue || (project && issue.projectId !== project.id)) throw notFound(`issue ${id} does not exist`);
    issues.push(issue);
  }
  // every project's releases are checked before any issue changes (an unknown release is a 400)
  const changes = new Map<number, StatusChange>();
  for (const issue of issues) {
    if (changes.has(issue.projectId)) continue;
    const owner = project ?? (await deps.store.getProject(issue.projectId))!;
    changes.set(issue.projectId, await planStatusChange(deps, owner, body));
  }
  for (const issue of issues) await applyStatusChange(deps, issue.id, changes.get(issue.projectId)!);
  const first = changes.values().next().value;
  return { status: first?.status ?? body.status, statusDetails: first?.statusDetails ?? {} };
}

function _asArray(v: string | string[] | undefined): string[] {
  return v === undefined ? [] : Array.isArray(v) ? v : [v];
}
