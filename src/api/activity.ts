import type { H3Event } from "h3";
import { z } from "zod";
import type { ApiActivity, ApiActivityList } from "../contract/index.ts";
import type { StoredActivity } from "../store/model/activity.ts";
import { actorOf } from "./assignment.ts";
import { parseQuery, type ApiDeps, type RouteFn } from "./context.ts";
import { ISSUE_PREFIXES, loadIssue } from "./issues.ts";
import { serializeActivity } from "./serialize/activity.ts";

/** entries; how much of an issue's activity one request returns at most */
const MAX_ACTIVITY = 500;

const activityQuerySchema = z.object({ limit: z.coerce.number().int().min(1).max(MAX_ACTIVITY).optional() }).loose();

/**
 * `GET /issues/{id}/activities/` (and the organization-scoped path): Sentry's
 * `{"activity": [{id, type, dateCreated, user, data}]}`, newest first: first seen, status changes,
 * regressions, assignment, notes and alert mails sent.
 */
export function mountActivityRoutes(deps: ApiDeps, route: RouteFn): void {
  for (const prefix of ISSUE_PREFIXES) {
    route("GET", `${prefix}/activities`, async (event): Promise<ApiActivityList> => {
      const { issue } = await loadIssue(deps, event);
      const { limit } = parseQuery(event, activityQuerySchema);
      return { activity: await serializeActivities(deps, event, await deps.store.listIssueActivity(issue.id, limit ?? MAX_ACTIVITY)) };
    });
  }
}

/** Activity entries in Sentry's shape, with their authors. */
export async function serializeActivities(deps: ApiDeps, event: H3Event, entries: StoredActivity[]): Promise<ApiActivity[]> {
  const usersById = new Map((await deps.store.listUsers()).map((u) => [u.id, u]));
  const caller = actorOf(event);
  return entries.map((a) => serializeActivity(a, usersById, caller));
}
