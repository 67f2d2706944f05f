import { z } from "zod";
import type { ApiEventSearch, ApiEventSearchRow } from "../contract/index.ts";
import { toIsoString } from "../events/timestamps.ts";
import type { EventSearchFilter } from "../store/event-search.ts";
import type { Project } from "../store/types.ts";
import { param, parseQuery, requireOrganization, type ApiDeps, type RouteFn } from "./context.ts";
import { badRequest } from "../http/errors.ts";
import { CURSOR_PARAM, linkHeader, parseCursor } from "./pagination.ts";
import { parseIssueQuery, QuerySyntaxError } from "./query.ts";
import { formatShortId } from "./serialize/issues.ts";
import { findIssueByShortId } from "./short-ids.ts";

/** The columns an event row can have, with their Discover types. */
const FIELDS: Record<string, string> = {
  id: "string", title: "string", project: "string", "project.id": "integer", timestamp: "date", level: "string", release: "string",
  environment: "string", issue: "string", "issue.id": "integer", trace: "string", user: "string",
};
const PERIOD_SECONDS: Record<string, number> = { "1h": 3600, "24h": 86_400, "7d": 7 * 86_400, "14d": 14 * 86_400, "30d": 30 * 86_400, "90d": 90 * 86_400 };
const LIST = z.union([z.string(), z.array(z.string())]).optional().transform((v) => (v === undefined ? [] : Array.isArray(v) ? v : [v]));

const querySchema = z.object({
  field: LIST,
  query: z.string().max(2000).optional(),
  sort: z.enum(["-timestamp", "timestamp"]).default("-timestamp"),
  per_page: z.coerce.number().int().min(1).max(100).default(50),
  cursor: CURSOR_PARAM,
  project: LIST,
  environment: LIST,
  statsPeriod: z.enum(["1h", "24h", "7d", "14d", "30d", "90d"]).optional(),
  dataset: z.enum(["errors", "discover"]).optional(),
}).loose();

/**
 * Error events across projects, in the shape of Sentry's Discover endpoint
 * `GET /api/0/organizations/{org}/events/?field=…&query=…&sort=-timestamp`: `{data: [{field: value}], meta: {fields}}`.
 * Search keys: level, release, environment, trace, issue (short id), issue.id, user (`id:42`,
 * `email:…`), user.id, project; `!key:value` excludes; other words must appear in the title.
 */
export function mountEventSearchRoutes(deps: ApiDeps, route: RouteFn): void {
  route("GET", "/api/0/organizations/:org/events", async (event): Promise<ApiEventSearch> => {
    await requireOrganization(deps, param(event, "org"));
    const q = parseQuery(event, querySchema);
    const fields = q.field.length ? q.field : Object.keys(FIELDS);
    const unknown = fields.find((f) => !(f in FIELDS));
    if (unknown) throw badRequest(`unsupported field "${unknown.slice(0, 60)}" (supported: ${Object.keys(FIELDS).join(", ")})`);
    const all = await deps.store.listProjects();
    const projects = q.project.length && !q.project.includes("-1") ? all.filter((p) => q.project.includes(String(p.id)) || q.project.includes(p.slug)) : all;
    const offset = parseCursor(q.cursor);
    const filter = await _buildFilter(deps, q.query ?? "", projects, all);
    if (q.environment.length) filter.conditions.push({ column: "environment", values: q.environment, negate: false });
    if (q.statsPeriod) filter.receivedSince = deps.clock.now() / 1000 - PERIOD_SECONDS[q.statsPeriod]!;
    const rows = await deps.store.searchEvents({ ...filter, newestFirst: q.sort === "-timestamp", offset, limit: q.per_page + 1 });
    event.res.headers.set("Link", linkHeader(event.url, offset, q.per_page, rows.length > q.per_page));
    const byId = new Map(all.map((p) => [p.id, p]));
    const shortIds = new Map<number, string>();
    for (const r of rows.slice(0, q.per_page)) {
      if (shortIds.has(r.issueId)) continue;
      const issue = await deps.store.getIssue(r.issueId);
      if (issue) shortIds.set(r.issueId, formatShortId(byId.get(issue.projectId)!, issue.shortId));
    }
    const data = rows.slice(0, q.per_page).map((r) => {
      const full: ApiEventSearchRow = {
        id: r.eventId, title: r.title, project: byId.get(r.projectId)?.slug ?? String(r.projectId), "project.id": r.projectId,
        timestamp: toIsoString(r.timestamp), level: r.level, release: r.release, environment: r.environment,
        issue: shortIds.get(r.issueId) ?? null, "issue.id": r.issueId, trace: r.traceId, user: r.userKey,
      };
      return Object.fromEntries(fields.map((f) => [f, full[f as keyof ApiEventSearchRow]])) as Partial<ApiEventSearchRow>;
    });
    return { data, meta: { fields: Object.fromEntries(fields.map((f) => [f, FIELDS[f]!])) } };
  });
}

// --- Internal ---

async function _buildFilter(deps: ApiDeps, query: string, projects: Project[], all: Project[]): Promise<Omit<EventSearchFilter, "newestFirst" | "offset" | "limit">> {
  let parsed;
  try {
    parsed = parseIssueQuery(query);
  } catch (err) {
    if (err instanceof QuerySyntaxError) throw badRequest(err.message);
    throw err;
  }
  if (parsed.statuses) throw badRequest("events have no status: is: filters apply to issues (search_issues), not events");
  const filter: Omit<EventSearchFilter, "newestFirst" | "offset" | "limit"> = { projectIds: projects.map((p) => p.id), conditions: [], text: parsed.text };
  if (parsed.levels) filter.conditions.push({ column: "level", values: parsed.levels, negate: false });
  for (const tag of parsed.tags) {
    const key = tag.key.toLowerCase();
    const value = tag.value;
    const add = (column: EventSearchFilter["conditions"][number]["column"], values: (string | number)[]) => filter.conditions.push({ column, values, negate: tag.negate });
    if (key === "level") add("level", [value.toLowerCase()]);
    else if (key === "release" || key === "environment") add(key, [value]);
    else if (key === "trace" || key === "trace.id") add("trace_id", [value.replace(/-/g, "").toLowerCase()]);
    else if (key === "user") add("user_key", [value]);
    else if (key === "user.id") add("user_key", [`id:${value}`]);
    else if (key === "user.email") add("user_key", [`email:${value}`]);
    else if (key === "issue.id") {
      if (!/^\d+$/.test(value)) throw badRequest(`issue.id must be a number, not "${value.slice(0, 40)}"`);
      add("issue_id", [Number(value)]);
    } else if (key === "issue") {
      const issue = await findIssueByShortId(deps, value);
      add("issue_id", [issue?.id ?? -1]);
    } else if (key === "project") {
      const p = all.find((x) => x.slug === value || String(x.id) === value);
      filter.projectIds = tag.negate ? filter.projectIds.filter((id) => id !== p?.id) : filter.projectIds.filter((id) => id === p?.id);
    } else if (key === "event.type" && value === "error") {
      // every stored event is an error event
    } else {
      throw badRequest(`unsupported event search key "${tag.key.slice(0, 40)}" (supported: level, release, environment, trace, issue, issue.id, user, user.id, user.email, project)`);
    }
  }
  return filter;
}
