import type { Grouping } from "../grouping/mechanisms.ts";
import type { GroupedIssue, IngestStateQuery, ProjectIngestState } from "../store/types.ts";
import type { PlannedGrouping } from "../store/write-plan.ts";
import type { IngestJob, PreparedEvent } from "./types.ts";

/** An issue the batch touches; its position is the plan's issue index. */
export type IssueSlot =
  | { kind: "existing"; projectId: number; state: GroupedIssue }
  | { kind: "new"; projectId: number; opening: PreparedEvent };

/** A non-duplicate event of the batch and the issue slot it goes to. */
export interface PlacedEvent {
  job: number;
  projectId: number;
  event: PreparedEvent;
  issue: number;
  /** the first event of a new issue */
  opensIssue: boolean;
}

export interface GroupingResolution {
  slots: IssueSlot[];
  claims: PlannedGrouping[];
  /** per job, per event: its placement, or null for a duplicate */
  placements: (PlacedEvent | null)[][];
}

/** The reads a batch's grouping needs: per project, its event ids and every hash (fallbacks too). */
export function ingestStateQueries(jobs: readonly IngestJob[]): IngestStateQuery[] {
  const byProject = new Map<number, { eventIds: Set<string>; hashes: Set<string> }>();
  for (const job of jobs) {
    if (job.events.length === 0) continue;
    let q = byProject.get(job.projectId);
    if (!q) byProject.set(job.projectId, q = { eventIds: new Set(), hashes: new Set() });
    for (const ev of job.events) {
      q.eventIds.add(ev.eventId);
      q.hashes.add(ev.grouping.hash);
      for (const g of ev.fallbackGroupings ?? []) q.hashes.add(g.hash);
    }
  }
  return [...byProject].map(([projectId, q]) => ({ projectId, eventIds: [...q.eventIds], hashes: [...q.hashes] }));
}

/**
 * Where each event of the batch goes, in order, as if they were written one by one: a stored or
 * already-seen event id is a duplicate; otherwise its grouping hash names the issue, else the first
 * of its fallback groupings that does (a symbolicated event's minified grouping: events from before
 * the source map was uploaded made the issue, and the map must not split it; then the keys earlier
 * grouping rules gave the event; the issue then also claims the new hash); else it opens a new
 * issue, which claims its hash and its fallbacks except `lookupOnly` ones (keys of earlier rules
 * that only find issues those rules made). Pure.
 */
export function resolveGroupings(jobs: readonly IngestJob[], state: ReadonlyMap<number, ProjectIngestState>): GroupingResolution {
  const slots: IssueSlot[] = [];
  const claims: PlannedGrouping[] = [];
  const slotOfHash = new Map<string, number>(); // `${projectId}:${hash}` → slot, for hashes seen in this batch
  const slotOfIssue = new Map<number, number>();
  const seenEventIds = new Set<string>();

  const existingSlot = (projectId: number, hash: string): number | undefined => {
    const known = slotOfHash.get(`${projectId}:${hash}`);
    if (known !== undefined) return known;
    const issue = state.get(projectId)?.groupings.get(hash);
    if (!issue) return undefined;
    let slot = slotOfIssue.get(issue.issueId);
    if (slot === undefined) {
      slot = slots.push({ kind: "existing", projectId, state: issue }) - 1;
      slotOfIssue.set(issue.issueId, slot);
    }
    slotOfHash.set(`${projectId}:${hash}`, slot);
    return slot;
  };
  const claim = (projectId: number, g: Grouping, issue: number, createdAtSec: number, required: boolean) => {
    if (slotOfHash.has(`${projectId}:${g.hash}`)) return; // each hash once per plan
    claims.push({ projectId, hash: g.hash, key: g.key, mechanism: g.mechanism, issue, createdAtSec, required });
    slotOfHash.set(`${projectId}:${g.hash}`, issue);
  };

  const placements = jobs.map((job, j) => job.events.map((event): PlacedEvent | null => {
    const projectId = job.projectId;
    // 1. dedupe: SDK retries and offline caches resend the same event_id
    const idKey = `${projectId}:${event.eventId}`;
    if (seenEventIds.has(idKey) || state.get(projectId)?.storedEventIds.has(event.eventId)) return null;
    seenEventIds.add(idKey);
    // 2. the issue, through the event's grouping, then its fallbacks
    let issue = existingSlot(projectId, event.grouping.hash);
    if (issue === undefined) {
      for (const fallback of event.fallbackGroupings ?? []) {
        issue = existingSlot(projectId, fallback.hash);
        if (issue !== undefined) {
          claim(projectId, event.grouping, issue, event.receivedAtSec, false);
          break;
        }
      }
    }
    if (issue !== undefined) return { job: j, projectId, event, issue, opensIssue: false };
    // 3. a new issue
    const slot = slots.push({ kind: "new", projectId, opening: event }) - 1;
    claim(projectId, event.grouping, slot, event.receivedAtSec, true);
    for (const g of event.fallbackGroupings ?? []) if (!g.lookupOnly) claim(projectId, g, slot, event.receivedAtSec, false);
    return { job: j, projectId, event, issue: slot, opensIssue: true };
  }));
  return { slots, claims, placements };
}
