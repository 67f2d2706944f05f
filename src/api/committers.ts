import { toIsoString } from "../events/timestamps.ts";
import { normalizeEventId } from "../events/values.ts";
import { collectEventFacts } from "../explain/event-facts.ts";
import { loadSuspectCommits, type SuspectCommitView } from "../releases/load-suspect-commits.ts";
import { badRequest, notFound, param, requireOrganization, requireProject, type ApiDeps } from "./context.ts";
import { loadIssueEvent } from "./events.ts";
import type { RouteFn } from "./issues.ts";

/**
 * Suspect commits, in the shape of Sentry's `GET /api/0/projects/{org}/{project}/events/{event_id}/committers/`:
 * `{"committers":[{"author":{name,email},"commits":[{id,message,dateCreated,repository,pullRequest,suspectCommitType,score}]}]}`,
 * authors in the order of their best commit. LightTrace adds to each commit the release it
 * came with, the files that matched a frame, and a link to the commit. 404 "Release not found"
 * when the issue has no release, "No Commits found for Release" when no commits were set.
 */
export function mountCommitterRoutes(deps: ApiDeps, route: RouteFn): void {
  route("GET", "/api/0/projects/:org/:project/events/:eventId/committers", async (event) => {
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
    if (result.status === "no-release") throw notFound("Release not found");
    if (result.status === "no-commits") throw notFound("No Commits found for Release");
    return { committers: serializeCommitters(result.suspects) };
  });
}

/** Suspect commits grouped by author, authors ordered by their best-ranked commit. */
export function serializeCommitters(suspects: SuspectCommitView[]) {
  const byAuthor = new Map<string, { author: { name: string | null; email: string | null }; commits: ReturnType<typeof serializeSuspectCommit>[] }>();
  suspects.forEach((s, rank) => {
    const key = (s.commit.authorEmail ?? s.commit.authorName ?? "").toLowerCase();
    let entry = byAuthor.get(key);
    if (!entry) {
      entry = { author: { name: s.commit.authorName, email: s.commit.authorEmail }, commits: [] };
      byAuthor.set(key, entry);
    }
    entry.commits.push(serializeSuspectCommit(s, rank));
  });
  return [...byAuthor.values()];
}

/** One suspect commit in Sentry's commit shape plus LightTrace's evidence fields. */
export function serializeSuspectCommit(s: SuspectCommitView, rank: number) {
  return {
    id: s.commit.id,
    message: s.commit.message,
    dateCreated: s.commit.timestamp === null ? null : toIsoString(s.commit.timestamp),
    repository: s.repositoryName ? { name: s.repositoryName, url: s.repositoryUrl } : null,
    pullRequest: null,
    suspectCommitType: "via commit in release",
    // higher is more suspicious: Sentry scores by path match; here the rank order decides
    score: s.matches.reduce((best, m) => Math.max(best, m.score), 0),
    rank: rank + 1,
    release: { version: s.release },
    releaseDistance: s.releaseDistance,
    frameDistance: s.frameDistance,
    files: s.matches.map((m) => ({
      path: m.path,
      frame: { filename: m.frame.filename ?? m.frame.absPath, function: m.frame.function, lineNo: m.frame.lineNo },
    })),
    url: s.url,
  };
}
