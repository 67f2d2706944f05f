import type { H3Event } from "h3";
import { z } from "zod";
import type { ApiIssue } from "../contract/index.ts";
import { normalizeEventId } from "../events/values.ts";
import type { Issue, IssueFilter, IssueSort, Project, User } from "../store/types.ts";
import { apiLinks, parseQuery, type ApiDeps } from "./context.ts";
import { badRequest } from "../http/errors.ts";
import { CURSOR_PARAM, decodeCursor, pageLinks, pageSize } from "./pagination.ts";
import { parseIssueQuery } from "./query.ts";
import { serializeIssue } from "./serialize/issues.ts";
import { findIssueByShortId } from "./short-ids.ts";
import { buildStatsSeries, periodShape, periodStartHour } from "./stats.ts";
import { resolveTimeRange, TIME_RANGE_PARAMS } from "./time-range.ts";
import { listStatusDetails } from "./issue-resolution.ts";
import { assigneeCondition, callerUser, loadIssuePeople, ownerCondition } from "./assignment.ts";

const LIST = z.union([z.string(), z.array(z.string())]).optional();

/** Sentry's issue sorts and what LightTrace orders by for each (`priority` is LightTrace's triage order). */
const SORTS: Record<string, IssueSort> = {
  date: "date", new: "new", freq: "freq", user: "user", priority: "priority",
  // Sentry's ranked orders have no equivalent model here; the triage order is the closest
  recommended: "priority", trends: "priority", betterPriority: "priority",
  // "inbox" orders by when an issue needed attention: its first sighting
  inbox: "new",
};

/** The query parameters of the issue list; unknown ones (collapse, expand, referrer…) are ignored as Sentry does. */
export const issueListQuerySchema = z.object({
  query: z.string().max(2000).optional(),
  sort: z.string().max(40).optional(),
  ...TIME_RANGE_PARAMS,
  groupStatsPeriod: z.string().max(20).optional(),
  cursor: CURSOR_PARAM,
  limit: z.coerce.number().int().min(1).max(100).optional(),
  per_page: z.coerce.number().int().min(1).max(100).optional(),
  project: LIST,
  environment: LIST,
  id: LIST,
  status: z.string().max(40).optional(),
}).loose();

/**
 * One page of issues in Sentry's shape; a query that is an event id or a short id answers with
 * that issue, as Sentry's issue search does. As in Sentry, on the organization endpoint
 * (`timeFilter`) `statsPeriod`/`start`/`end` keep the issues seen in that window and
 * `groupStatsPeriod` picks the series; on the project endpoint `statsPeriod` only picks the series.
 */
export async function listIssues(event: H3Event, deps: ApiDeps, projects: Project[], opts: { timeFilter: boolean }): Promise<ApiIssue[]> {
  const q = parseQuery(event, issueListQuerySchema);
  const limit = pageSize(q, 25);
  const cursor = decodeCursor(q.cursor);
  // keyset cursors name the issue a page ended (or, going back, started) with; `0:<offset>:0` still skips rows
  const anchor = cursor.value > 0 ? { issueId: cursor.value, before: cursor.isPrev } : undefined;
  const offset = anchor ? 0 : cursor.offset;
  const nowMs = deps.clock.now();
  const sort = _sort(q.sort);
  const direct = await _directLookup(deps, q.query, projects);
  let issues: Issue[];
  let hasNext = false;
  let hasPrevious = false;
  if (direct) {
    issues = offset === 0 && !anchor ? [direct] : [];
  } else {
    const filter = buildIssueFilter(q.query, projects, sort, nowMs, callerUser(event));
    for (const env of _asArray(q.environment)) filter.tags.push({ key: "environment", value: env, negate: false });
    const range = opts.timeFilter ? resolveTimeRange(q, nowMs) : undefined;
    if (range) filter.seenWithin = range;
    const rows = await deps.store.listIssues({ ...filter, offset, limit: limit + 1, ...(anchor ? { anchor } : {}) });
    if (anchor?.before) {
      hasPrevious = rows.length > limit;
      hasNext = true;
      issues = rows.slice(-limit);
    } else {
      hasNext = rows.length > limit;
      hasPrevious = anchor !== undefined || offset > 0;
      issues = rows.slice(0, limit);
    }
  }
  const period = _seriesPeriod(q.statsPeriod, q.groupStatsPeriod);
  const counts = period ? await deps.store.hourlyCounts(issues.map((i) => i.id), periodStartHour(period, nowMs)) : [];
  const first = issues[0];
  const last = issues.at(-1);
  event.res.headers.set("Link", pageLinks(event.url,
    hasPrevious && first ? { value: first.id, offset: 0, isPrev: true } : null,
    hasNext && last ? { value: last.id, offset: 0, isPrev: false } : null));
  event.res.headers.set("X-Hits", String(offset + issues.length + (hasNext ? 1 : 0)));
  const byId = new Map(projects.map((p) => [p.id, p]));
  const spikes = new Map((await deps.store.spikeStats(issues.map((i) => i.id), nowMs)).map((s) => [s.issueId, s]));
  const resolutions = await listStatusDetails(deps, issues);
  const links = apiLinks(deps);
  const people = await loadIssuePeople(deps, issues.map((i) => i.id));
  return issues.map((issue) => serializeIssue(issue, byId.get(issue.projectId)!, links, {
    ...people(issue.id),
    spike: spikes.get(issue.id),
    statusDetails: resolutions.get(issue.id) ?? {},
    ...(period ? { stats: { [period]: buildStatsSeries(counts, issue.id, period, nowMs) } } : {}),
  }));
}

/**
 * The store filter for a Sentry issue query (default `is:unresolved`; an explicit empty query is
 * every issue). `me` is the signed-in user `assigned:me` names (an API token has none).
 */
export function buildIssueFilter(query: string | undefined, projects: Project[], sort: IssueSort, nowMs: number, me?: User): IssueFilter {
  // a QuerySyntaxError is a 400 naming the bad filter (src/http/errors.ts)
  const parsed = parseIssueQuery(query ?? "is:unresolved");
  const filter: IssueFilter = { projectIds: projects.map((p) => p.id), tags: parsed.tags, text: parsed.text, sort, offset: 0, limit: 0, nowMs };
  if (parsed.statuses) filter.statuses = parsed.statuses;
  if (parsed.levels) filter.levels = parsed.levels;
  if (parsed.assignees) filter.assignees = parsed.assignees.map((a) => assigneeCondition(a, me));
  if (parsed.owners) filter.owners = parsed.owners.map((o) => ownerCondition(o, me));
  return filter;
}

// --- Internal ---

function _sort(raw: string | undefined): IssueSort {
  if (!raw) return "date";
  const sort = SORTS[raw];
  if (!sort) throw badRequest(`invalid query parameter "sort": "${raw.slice(0, 40)}" is not one of date, new, freq, user, priority, recommended, trends, inbox`);
  return sort;
}

/** The period of the `stats` series: `groupStatsPeriod` (a period, or `auto` = the request's), else `statsPeriod`. */
function _seriesPeriod(statsPeriod: string | undefined, groupStatsPeriod: string | undefined): string | undefined {
  const period = groupStatsPeriod === "auto" ? statsPeriod || "24h" : groupStatsPeriod || statsPeriod;
  if (!period) return undefined;
  periodShape(period); // 400 for a malformed period
  return period;
}

/** The issue a query names outright: an event id (the issue holding that event) or a short id. */
async function _directLookup(deps: ApiDeps, query: string | undefined, projects: Project[]): Promise<Issue | undefined> {
  const text = query?.trim();
  if (!text || /\s/.test(text)) return undefined;
  const eventId = normalizeEventId(text);
  if (eventId) {
    for (const project of projects) {
      const stored = await deps.store.getEvent(project.id, eventId);
      if (stored) return deps.store.getIssue(stored.issueId);
    }
    return undefined;
  }
  if (text.includes(":")) return undefined;
  const issue = await findIssueByShortId(deps, text);
  return issue && projects.some((p) => p.id === issue.projectId) ? issue : undefined;
}

function _asArray(v: string | string[] | undefined): string[] {
  return v === undefined ? [] : Array.isArray(v) ? v : [v];
}
