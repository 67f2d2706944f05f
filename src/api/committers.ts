import type { ApiCommitters } from "../contract/index.ts";
import { normalizeEventId } from "../events/values.ts";
import { collectEventFacts } from "../explain/event-facts.ts";
import { loadSuspectCommits } from "../releases/load-suspect-commits.ts";
import { z } from "zod";
import { param, parseQuery, requireOrganization, requireProject, type ApiDeps, type RouteFn } from "./context.ts";
import { badRequest, notFound } from "../http/errors.ts";
import { loadIssueEvent } from "./events.ts";
import { serializeCommitters } from "./serialize/committers.ts";

const QUERY = z.object({ missing: z.enum(["404", "empty"]).optional() }).loose();

/**
 * Suspect commits, in the shape of Sentry's `GET /api/0/projects/{org}/{project}/events/{event_id}/committers/`:
 * `{"committers":[{"author":{name,email},"commits":[{id,message,dateCreated,repository,pullRequest,suspectCommitType,score}]}]}`,
 * authors in the order of their best commit. LightTrace adds to each commit the release it
 * came with, the files that matched a frame, and a link to the commit. 404 "Release not found"
 * when the issue has no release, "No Commits found for Release" when no commits were set; with
 * `?missing=empty` (the UI's, whose console stays clean) those are 200 `{"committers": [], "missing": "…"}`.
 */
export function mountCommitterRoutes(deps: ApiDeps, route: RouteFn): void {
  route("GET", "/api/0/projects/:org/:project/events/:eventId/committers", async (event): Promise<ApiCommitters> => {
    await requireOrganization(deps, param(event, "org"));
    const project = await requireProject(deps, param(event, "project"));
    const eventId = normalizeEventId(param(event, "eventId"));
    if (!eventId) throw badRequest("event id must be 32 hex characters or a UUID");
    const stored = await deps.store.getEvent(project.id, eventId);
    const issue = stored ? await deps.store.getIssue(stored.issueId) : undefined;
    if (!stored || !issue) throw notFound();
    // the frames as the event page shows them (source-mapped), so commits match the repository's paths
    const apiEvent = await loadIssueEvent(deps, issue, eventId);
    const result = await loadSuspectCommits(deps.store, issue, collectEventFacts(apiEvent, issue).frames);
    if (result.status !== "ok") {
      const missing = result.status === "no-release" ? "Release not found" : "No Commits found for Release";
      if (parseQuery(event, QUERY).missing === "empty") return { committers: [], missing };
      throw notFound(missing);
    }
    return serializeCommitters(result.suspects);
  });
}
