import type { RegressionState } from "../store/types.ts";
import { isRegression, type Resolution } from "./regressions.ts";
import type { GroupingResolution, PlacedEvent } from "./resolve-groupings.ts";

/** What the regression decision reads, per project: the resolved issues touched and the releases of their events. */
export interface RegressionQuery { projectId: number; issueIds: number[]; releases: string[] }

/** The reads the decision needs; empty when the batch touches no resolved issue (the common case). */
export function regressionQueries(resolution: GroupingResolution): RegressionQuery[] {
  const byProject = new Map<number, { issueIds: Set<number>; releases: Set<string> }>();
  for (const placed of _placed(resolution)) {
    const slot = resolution.slots[placed.issue]!;
    if (slot.kind !== "existing" || slot.state.status !== "resolved") continue;
    let q = byProject.get(placed.projectId);
    if (!q) byProject.set(placed.projectId, q = { issueIds: new Set(), releases: new Set() });
    q.issueIds.add(slot.state.issueId);
    if (placed.event.release) q.releases.add(placed.event.release);
  }
  return [...byProject].map(([projectId, q]) => ({ projectId, issueIds: [...q.issueIds], releases: [...q.releases] }));
}

/**
 * Which event reopens each resolved issue of the batch (issue slot → that event): the first, in
 * order, that is a regression. One resolved in a release newer than the event's does not reopen
 * (src/process/regressions.ts); a resolution recorded before the issue's latest status change no
 * longer holds. Later events of a reopened issue are ordinary events. Pure.
 */
export function decideRegressions(resolution: GroupingResolution, state: ReadonlyMap<number, RegressionState>): Map<number, PlacedEvent> {
  const reopening = new Map<number, PlacedEvent>();
  for (const placed of _placed(resolution)) {
    const slot = resolution.slots[placed.issue]!;
    if (slot.kind !== "existing" || slot.state.status !== "resolved" || reopening.has(placed.issue)) continue;
    const project = state.get(placed.projectId);
    const stored = project?.resolutions.get(slot.state.issueId);
    const holds = stored !== undefined && stored.resolvedAtSec >= (slot.state.statusChangedAtSec ?? 0);
    // a release never seen before is the newest one: its first event is this one
    const firstSeen = (version: string, unseen: number) => project?.releaseFirstSeenSec.get(version) ?? unseen;
    const resolutionRef: Resolution | undefined = holds
      ? { type: stored.type, release: { version: stored.release, firstSeen: firstSeen(stored.release, Number.POSITIVE_INFINITY) } }
      : undefined;
    const release = placed.event.release;
    if (isRegression(resolutionRef, release ? { version: release, firstSeen: firstSeen(release, placed.event.timestampSec) } : undefined)) {
      reopening.set(placed.issue, placed);
    }
  }
  return reopening;
}

// --- Internal ---

function* _placed(resolution: GroupingResolution): Generator<PlacedEvent> {
  for (const job of resolution.placements) for (const placed of job) if (placed) yield placed;
}
