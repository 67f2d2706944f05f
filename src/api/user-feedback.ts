import { z } from "zod";
import type { ApiUserReport } from "../contract/index.ts";
import { toIsoString } from "../events/timestamps.ts";
import { MAX_FEEDBACK_CHARS } from "../feedback/parse.ts";
import { storeFeedback } from "../feedback/store-feedback.ts";
import { normalizeEventId } from "../events/values.ts";
import type { StoredFeedback } from "../store/model/feedback.ts";
import type { Project } from "../store/types.ts";
import { param, parseJsonBody, parseQuery, requireOrganization, requireProject, type ApiDeps, type RouteFn } from "./context.ts";
import { ISSUE_PREFIXES, loadIssue } from "./issues.ts";
import { CURSOR_PARAM, linkHeader, pageSize, parseCursor } from "./pagination.ts";
import { formatShortId } from "./serialize/issues.ts";

const listQuery = z.object({
  cursor: CURSOR_PARAM,
  per_page: z.coerce.number().int().min(1).max(100).optional(),
  limit: z.coerce.number().int().min(1).max(100).optional(),
  /** LightTrace: only feedback about no known issue */
  unattached: z.enum(["0", "1", "true", "false"]).optional(),
}).loose();

const reportSchema = z.object({
  event_id: z.string().refine((v) => normalizeEventId(v) !== undefined, "not an event id (32 hex digits or a UUID)"),
  name: z.string().max(128).optional(),
  email: z.string().max(254).optional(),
  comments: z.string().trim().min(1, "comments are required").max(MAX_FEEDBACK_CHARS),
}).loose();

/**
 * User feedback in Sentry's shape: `GET/POST /projects/{org}/{project}/user-feedback/` (POST is
 * Sentry's legacy user-report submission: `{event_id, name, email, comments}`) and
 * `GET /issues/{id}/user-reports/`. Feedback arrives mostly as envelope items (src/ingest/).
 */
export function mountUserFeedbackRoutes(deps: ApiDeps, route: RouteFn): void {
  route("GET", "/api/0/projects/:org/:project/user-feedback", async (event): Promise<ApiUserReport[]> => {
    await requireOrganization(deps, param(event, "org"));
    const project = await requireProject(deps, param(event, "project"));
    const q = parseQuery(event, listQuery);
    const limit = pageSize(q, 25);
    const offset = parseCursor(q.cursor);
    const rows = await deps.store.listProjectFeedback(project.id, { limit: limit + 1, offset, unattachedOnly: q.unattached === "1" || q.unattached === "true" });
    event.res.headers.set("Link", linkHeader(event.url, offset, limit, rows.length > limit));
    return serializeReports(deps, project, rows.slice(0, limit));
  });
  route("POST", "/api/0/projects/:org/:project/user-feedback", async (event): Promise<ApiUserReport> => {
    await requireOrganization(deps, param(event, "org"));
    const project = await requireProject(deps, param(event, "project"));
    const body = await parseJsonBody(event, reportSchema);
    const eventId = normalizeEventId(body.event_id)!;
    await storeFeedback(deps.store, project.id, [{
      eventId, associatedEventId: eventId, name: body.name || null, email: body.email || null, comments: body.comments, url: null, source: "user_report",
      createdAtSec: deps.clock.now() / 1000,
    }]);
    const stored = (await deps.store.listProjectFeedback(project.id, { limit: 200, offset: 0 })).find((f) => f.eventId === eventId);
    return (await serializeReports(deps, project, stored ? [stored] : []))[0]!;
  });
  for (const prefix of ISSUE_PREFIXES) {
    route("GET", `${prefix}/user-reports`, async (event): Promise<ApiUserReport[]> => {
      const { issue, project } = await loadIssue(deps, event);
      return serializeReports(deps, project, await deps.store.listIssueFeedback(issue.id, 100));
    });
  }
}

/** Feedback in Sentry's UserReport shape, with the issue each is attached to. */
export async function serializeReports(deps: ApiDeps, project: Project, rows: StoredFeedback[]): Promise<ApiUserReport[]> {
  const issues = new Map<number, { id: string; shortId: string; title: string }>();
  for (const id of new Set(rows.map((r) => r.issueId).filter((i) => i !== null))) {
    const issue = await deps.store.getIssue(id);
    if (issue) issues.set(id, { id: String(issue.id), shortId: formatShortId(project, issue.shortId), title: issue.title });
  }
  return rows.map((r) => ({
    id: String(r.id),
    eventID: r.eventId,
    name: r.name ?? "",
    email: r.email ?? "",
    comments: r.comments,
    dateCreated: toIsoString(r.createdAtSec),
    user: null,
    event: r.associatedEventId ? { id: r.associatedEventId, eventID: r.associatedEventId } : null,
    issue: r.issueId === null ? null : issues.get(r.issueId) ?? null,
    url: r.url,
    source: r.source,
  }));
}
