import { z } from "zod";
import type { ApiIssueReleaseCount, ApiResolutionCheck, ApiStatusDetails } from "../contract/index.ts";
import { isRegression } from "../process/regressions.ts";
import { compareReleases, latestRelease, type ReleaseRef } from "../releases/order.ts";
import type { IssueReleaseCount, StoredResolution } from "../store/model/resolutions.ts";
import type { Issue, IssueStatus, Project } from "../store/types.ts";
import { type ApiDeps } from "./context.ts";
import type { ActivityType, Actor } from "../store/model/activity.ts";
import { badRequest } from "../http/errors.ts";
import { serializeReleaseCount, serializeResolutionCheck, serializeStatusDetails } from "./serialize/issues.ts";

/** Sentry's ways to ignore an issue for a while; LightTrace ignores until someone changes the status. */
const TIMED_IGNORES = ["snoozeDuration", "ignoreDuration", "ignoreCount", "ignoreWindow", "ignoreUserCount", "ignoreUserWindow"] as const;

/**
 * Issue status changes with Sentry's `statusDetails`: `{"status":"resolved","statusDetails":{"inRelease":"web@1.2.0"}}`
 * (or `"latest"`), `{"inNextRelease":true}`, the `resolvedInNextRelease` shorthand and `muted`
 * (sentry-cli's word for ignored). A timed ignore (`snoozeDuration`, `ignoreCount`…) is refused
 * with a 400 rather than applied as a permanent one.
 */
export const statusChangeSchema = z.object({
  status: z.enum(["resolved", "unresolved", "ignored", "muted", "resolvedInNextRelease"]),
  statusDetails: z.object({
    inRelease: z.string().trim().min(1).max(200).optional(),
    inNextRelease: z.boolean().optional(),
  }).loose().optional(),
}).loose().superRefine((body, ctx) => {
  const details = (body.statusDetails ?? {}) as Record<string, unknown>;
  for (const key of TIMED_IGNORES) {
    const value = (body as Record<string, unknown>)[key] ?? details[key];
    if (value !== undefined && value !== null) {
      ctx.addIssue({ code: "custom", path: [key], message: "ignoring for a time, a count or a number of users is not supported; an ignored issue stays ignored until its status is changed" });
    }
  }
});

export type StatusChangeBody = z.infer<typeof statusChangeSchema>;

/** What a status change does to the issues of one project. */
export interface StatusChange {
  status: IssueStatus;
  resolution: { type: StoredResolution["type"]; release: string } | null;
  statusDetails: ApiStatusDetails;
}

/**
 * Checks the body against the project's releases: an unknown `inRelease` is a 400 naming it, and
 * "in next release" needs a release to be next after.
 */
export async function planStatusChange(deps: ApiDeps, project: Project, body: StatusChangeBody): Promise<StatusChange> {
  const inNext = body.status === "resolvedInNextRelease" || body.statusDetails?.inNextRelease === true;
  const inRelease = body.statusDetails?.inRelease;
  const status: IssueStatus = body.status === "resolvedInNextRelease" ? "resolved" : body.status === "muted" ? "ignored" : body.status;
  if (!inNext && !inRelease) return { status, resolution: null, statusDetails: {} };
  if (status !== "resolved") throw badRequest(`statusDetails.${inNext ? "inNextRelease" : "inRelease"} needs status "resolved", not "${status}"`);
  if (inNext && inRelease) throw badRequest("give statusDetails.inRelease or statusDetails.inNextRelease, not both");
  const releases = await deps.store.projectReleases(project.id);
  const latest = latestRelease(releases);
  if (inNext) {
    if (!latest) throw badRequest(`No release data present in project "${project.slug}" to form a basis for 'Next Release'`);
    return { status, resolution: { type: "in_next_release", release: latest.version }, statusDetails: { inNextRelease: true, actor: null } };
  }
  const release = inRelease === "latest" ? latest : releases.find((r) => r.version === inRelease);
  if (!release) {
    throw badRequest(inRelease === "latest" ? `project "${project.slug}" has no release yet` : `unknown release "${inRelease}" in project "${project.slug}"`);
  }
  return { status, resolution: { type: "in_release", release: release.version }, statusDetails: { inRelease: release.version, actor: null } };
}

/**
 * Applies a planned change to one issue: its status, then its resolution (cleared when not in a
 * release), then the activity entry (`set_resolved`, `set_resolved_in_release`, `set_unresolved`,
 * `set_ignored`) when the status or the resolution changed.
 */
export async function applyStatusChange(deps: ApiDeps, issueId: number, change: StatusChange, actor: Actor = null): Promise<Issue | undefined> {
  const now = deps.clock.now() / 1000;
  const before = await deps.store.getIssue(issueId);
  const updated = await deps.store.setIssueStatus(issueId, change.status, now);
  await deps.store.setIssueResolution(issueId, change.resolution, now);
  if (before && updated && (before.status !== change.status || change.resolution)) {
    await deps.store.addIssueActivity({ issueId, projectId: updated.projectId, actor, createdAtSec: now, ..._activityOf(change) });
  }
  return updated;
}

/** statusDetails of the resolved issues of a list page (one indexed read per resolved issue). */
export async function listStatusDetails(deps: ApiDeps, issues: Issue[]): Promise<Map<number, ApiStatusDetails>> {
  const out = new Map<number, ApiStatusDetails>();
  for (const issue of issues) {
    if (issue.status === "resolved") out.set(issue.id, serializeStatusDetails(await deps.store.getIssueResolution(issue.id)));
  }
  return out;
}

/**
 * LightTrace's additions to issue detail: events per release (oldest release first) and, for an
 * issue resolved in a release, the facts that confirm the alert stops: events from the fix
 * release or newer (count, last) and the last event from an older release.
 */
export async function releaseFacts(deps: ApiDeps, issue: Issue): Promise<{
  statusDetails: ApiStatusDetails; releaseCounts: ApiIssueReleaseCount[]; resolution: ApiResolutionCheck | null;
}> {
  const [releases, counts, resolution] = await Promise.all([
    deps.store.projectReleases(issue.projectId),
    deps.store.issueReleaseCounts(issue.id),
    issue.status === "resolved" ? deps.store.getIssueResolution(issue.id) : Promise.resolve(undefined),
  ]);
  const refOf = new Map(releases.map((r) => [r.version, r]));
  const ref = (c: IssueReleaseCount): ReleaseRef => refOf.get(c.version) ?? { version: c.version, firstSeen: c.firstSeen };
  const ordered = [...counts].sort((a, b) => compareReleases(ref(a), ref(b)));
  let resolutionCheck: ApiResolutionCheck | null = null;
  if (resolution) {
    const fix = refOf.get(resolution.release) ?? { version: resolution.release, firstSeen: Number.POSITIVE_INFINITY };
    // "fixed" releases are the ones whose events would reopen the issue
    const fixed = ordered.filter((c) => isRegression({ type: resolution.type, release: fix }, ref(c)));
    resolutionCheck = serializeResolutionCheck(resolution, fixed, ordered.filter((c) => !fixed.includes(c)));
  }
  return { statusDetails: serializeStatusDetails(resolution), releaseCounts: ordered.map(serializeReleaseCount), resolution: resolutionCheck };
}

// --- Internal ---

function _activityOf(change: StatusChange): { type: ActivityType; data: Record<string, unknown> } {
  if (change.status === "unresolved") return { type: "set_unresolved", data: {} };
  if (change.status === "ignored") return { type: "set_ignored", data: {} };
  if (!change.resolution) return { type: "set_resolved", data: {} };
  return change.resolution.type === "in_release"
    ? { type: "set_resolved_in_release", data: { version: change.resolution.release } }
    : { type: "set_resolved_in_release", data: { version: "", inNextRelease: true, current_release_version: change.resolution.release } };
}
