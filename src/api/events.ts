import type { H3Event } from "h3";
import { z } from "zod";
import { normalizeEventId } from "../events/values.ts";
import type { ApiEvent, ApiEventSummary, ApiSimpleEvent } from "../contract/index.ts";
import type { EventColumnCondition, EventSummary } from "../store/model/event-search.ts";
import type { Issue, Project, StoredEvent } from "../store/types.ts";
import { param, parseQuery, requireOrganization, requireProject, type ApiDeps, type RouteFn } from "./context.ts";
import { badRequest, notFound } from "../http/errors.ts";
import { ISSUE_PREFIXES, loadIssue } from "./issues.ts";
import { CURSOR_PARAM, offsetPageLinks, pageSize, parseCursor } from "./pagination.ts";
import { serializeEvent, serializeEventSummary, serializeSimpleEvent } from "./serialize/events.ts";
import { prepareEventForView } from "../sourcemaps/issue-continuity.ts";
import { compileEventQuery, createResolver } from "./discover/request.ts";
import { findEvents } from "./discover/scan.ts";
import { resolveTimeRange, TIME_RANGE_PARAMS } from "./time-range.ts";

const LIST = z.union([z.string(), z.array(z.string())]).optional().transform((v) => (v === undefined ? [] : Array.isArray(v) ? v : [v]));

const listSchema = z.object({
  cursor: CURSOR_PARAM,
  limit: z.coerce.number().int().min(1).max(100).optional(),
  per_page: z.coerce.number().int().min(1).max(100).optional(),
  full: z.enum(["true", "false", "1", "0"]).optional(),
  query: z.string().max(4000).optional(),
  sort: z.enum(["-timestamp", "timestamp"]).optional(),
  environment: LIST,
  ...TIME_RANGE_PARAMS,
}).loose();

/**
 * Events of an issue (list with Sentry's event search, latest, oldest, recommended, by id) on the
 * bare and organization-scoped issue paths; a project's events (sentry-cli `events list`) and an
 * event by id within a project.
 */
export function mountEventRoutes(deps: ApiDeps, route: RouteFn): void {
  for (const prefix of ISSUE_PREFIXES) {
    route("GET", `${prefix}/events`, async (event): Promise<(ApiEvent | ApiEventSummary)[]> => {
      const { issue, project } = await loadIssue(deps, event);
      const q = parseQuery(event, listSchema);
      const rows = await _search(event, deps, [project], q, [{ column: "issue_id", op: "in", values: [issue.id] }]);
      const full = q.full === "true" || q.full === "1";
      if (full) for (const row of rows) await prepareEventForView(deps, row);
      const extras = { title: issue.title, culprit: issue.culprit };
      return rows.map((row) => (full ? serializeEvent(row, extras) : serializeEventSummary(row, extras)));
    });
    route("GET", `${prefix}/events/:eventId`, async (event) => {
      const { issue } = await loadIssue(deps, event);
      return loadIssueEvent(deps, issue, param(event, "eventId"));
    });
  }
  route("GET", "/api/0/projects/:org/:project/events", async (event): Promise<ApiSimpleEvent[]> => {
    await requireOrganization(deps, param(event, "org"));
    const project = await requireProject(deps, param(event, "project"));
    const rows = await _search(event, deps, [project], parseQuery(event, listSchema), []);
    const issues = new Map<number, Issue | undefined>();
    for (const row of rows) if (!issues.has(row.issueId)) issues.set(row.issueId, await deps.store.getIssue(row.issueId));
    return rows.map((row) => serializeSimpleEvent(row, { title: row.title, culprit: issues.get(row.issueId)?.culprit ?? "" }));
  });
  for (const path of ["/api/0/projects/:org/:project/events/:eventId", "/api/0/projects/:org/:project/events/:eventId/json"]) {
    route("GET", path, async (event) => {
      const stored = await loadProjectEvent(deps, event);
      const issue = await deps.store.getIssue(stored.issueId);
      return _withNeighbours(deps, stored, issue?.title ?? "", issue?.culprit ?? "");
    });
  }
}

/** The stored event `/projects/:org/:project/events/:eventId/…` names: 400 for a malformed id, 404 when unknown. */
export async function loadProjectEvent(deps: ApiDeps, event: H3Event): Promise<StoredEvent> {
  await requireOrganization(deps, param(event, "org"));
  const project = await requireProject(deps, param(event, "project"));
  const eventId = normalizeEventId(param(event, "eventId"));
  if (!eventId) throw badRequest("event id must be 32 hex characters or a UUID");
  const stored = await deps.store.getEvent(project.id, eventId);
  if (!stored) throw notFound();
  return stored;
}

/**
 * An issue's event (an id, or latest / oldest / recommended) exactly as the event API serialises
 * it; Explain reads events through here too, so it sees what the event page shows.
 */
export async function loadIssueEvent(deps: ApiDeps, issue: Issue, which: string): Promise<ApiEvent> {
  let stored: StoredEvent | undefined;
  if (which === "latest" || which === "recommended" || which === "oldest") {
    stored = (await deps.store.listIssueEvents(issue.id, { offset: 0, limit: 1, newestFirst: which !== "oldest" }))[0];
  } else {
    const eventId = normalizeEventId(which);
    if (!eventId) throw badRequest(`"${which.slice(0, 40)}" is not an event id (or latest, oldest, recommended)`);
    stored = await deps.store.getEvent(issue.projectId, eventId);
    if (stored && stored.issueId !== issue.id) stored = undefined;
  }
  if (!stored) throw notFound();
  return _withNeighbours(deps, stored, issue.title, issue.culprit);
}

// --- Internal ---

/** A page of events (with payloads) for the list endpoints: Sentry's query, environments and time range, newest first. */
async function _search(event: H3Event, deps: ApiDeps, projects: Project[], q: z.infer<typeof listSchema>, conditions: EventColumnCondition[]): Promise<(EventSummary & StoredEvent)[]> {
  const nowMs = deps.clock.now();
  const offset = parseCursor(q.cursor);
  const limit = pageSize(q, 50);
  const resolver = createResolver(deps, projects, nowMs / 1000);
  const search = await compileEventQuery(resolver, q.query ?? "", { environments: q.environment, timeRange: resolveTimeRange(q, nowMs), conditions });
  // one issue's events follow event time (an index); a project's follow arrival
  const by = conditions.some((c) => c.column === "issue_id") ? "timestamp" : "arrival";
  const page = await findEvents(deps, search.filter, search.predicates, { order: { by, desc: q.sort !== "timestamp" }, offset, limit, withPayload: true });
  event.res.headers.set("Link", offsetPageLinks(event.url, offset, limit, page.nextOffset));
  return page.rows.map((r) => ({ ...r, event: r.event! }));
}

async function _withNeighbours(deps: ApiDeps, stored: StoredEvent, title: string, culprit: string): Promise<ApiEvent> {
  const { previous, next } = await deps.store.adjacentEventIds(stored.issueId, stored);
  await prepareEventForView(deps, stored);
  return serializeEvent(stored, { title, culprit, previousEventID: previous, nextEventID: next });
}
