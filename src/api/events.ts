import { z } from "zod";
import { normalizeEventId } from "../events/values.ts";
import type { ApiEvent, ApiEventSummary } from "../contract/index.ts";
import type { Issue, StoredEvent } from "../store/types.ts";
import { param, parseQuery, requireOrganization, requireProject, type ApiDeps, type RouteFn } from "./context.ts";
import { badRequest, notFound } from "../http/errors.ts";
import { loadIssue } from "./issues.ts";
import { CURSOR_PARAM, linkHeader, parseCursor } from "./pagination.ts";
import { serializeEvent, serializeEventSummary } from "./serialize/events.ts";
import { prepareEventForView } from "../sourcemaps/issue-continuity.ts";

const listSchema = z.object({
  cursor: CURSOR_PARAM,
  limit: z.coerce.number().int().min(1).max(100).default(50),
  full: z.enum(["true", "false", "1", "0"]).optional(),
}).loose();

/** Events of an issue (list, latest, oldest, by id) and an event by id within a project. */
export function mountEventRoutes(deps: ApiDeps, route: RouteFn): void {
  route("GET", "/api/0/issues/:id/events", async (event): Promise<(ApiEvent | ApiEventSummary)[]> => {
    const { issue } = await loadIssue(deps, event);
    const q = parseQuery(event, listSchema);
    const offset = parseCursor(q.cursor);
    const rows = await deps.store.listIssueEvents(issue.id, { offset, limit: q.limit + 1, newestFirst: true });
    const hasMore = rows.length > q.limit;
    event.res.headers.set("Link", linkHeader(event.url, offset, q.limit, hasMore));
    const full = q.full === "true" || q.full === "1";
    if (full) for (const row of rows.slice(0, q.limit)) await prepareEventForView(deps, row);
    const extras = { title: issue.title, culprit: issue.culprit };
    return rows.slice(0, q.limit).map((row) => (full ? serializeEvent(row, extras) : serializeEventSummary(row, extras)));
  });
  route("GET", "/api/0/issues/:id/events/:eventId", async (event) => {
    const { issue } = await loadIssue(deps, event);
    return loadIssueEvent(deps, issue, param(event, "eventId"));
  });
  route("GET", "/api/0/projects/:org/:project/events/:eventId", async (event) => {
    await requireOrganization(deps, param(event, "org"));
    const project = await requireProject(deps, param(event, "project"));
    const eventId = normalizeEventId(param(event, "eventId"));
    if (!eventId) throw badRequest("event id must be 32 hex characters or a UUID");
    const stored = await deps.store.getEvent(project.id, eventId);
    if (!stored) throw notFound();
    const issue = await deps.store.getIssue(stored.issueId);
    return _withNeighbours(deps, stored, issue?.title ?? "", issue?.culprit ?? "");
  });
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

async function _withNeighbours(deps: ApiDeps, stored: StoredEvent, title: string, culprit: string): Promise<ApiEvent> {
  const { previous, next } = await deps.store.adjacentEventIds(stored.issueId, stored);
  await prepareEventForView(deps, stored);
  return serializeEvent(stored, { title, culprit, previousEventID: previous, nextEventID: next });
}

