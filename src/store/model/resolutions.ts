/**
 * "Resolved in a release": the resolution beside the issue's status, which releases a project
 * knows (with first-seen times, for ordering), and which release regressed which issue.
 * A resolution only holds while the issue is still in the resolved state it was recorded with
 * (`resolved_at` ≥ the issue's `status_changed_at`), so any later status change voids it.
 */
/** How an issue was resolved in a release: in that release, or in whichever release comes next. */
export type ResolutionType = "in_release" | "in_next_release";

export interface StoredResolution {
  type: ResolutionType;
  release: string;
  /** seconds since epoch */
  resolvedAtSec: number;
}

/** An issue's events in one release (from the issue's `release` tag counts). */
export interface IssueReleaseCount { version: string; count: number; firstSeen: number; lastSeen: number }
