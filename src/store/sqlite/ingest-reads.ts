import type { SqliteDatabase } from "./sqlite-binding.ts";
import type { GroupedIssue, IngestStateQuery, IssueStatus, ProjectIngestState, RegressionState } from "../types.ts";
import { PROJECT_RELEASES_SQL } from "./resolutions.ts";

/**
 * The reads ingest plans a batch with (SQLite side of `IngestStore`): one statement per project
 * and question, each taking its list as a JSON array (`json_each`), so a batch costs a handful of
 * index probes rather than one query per event.
 */
export function createIngestReads(db: SqliteDatabase) {
  const stmt = {
    storedEventIds: db.prepare(`SELECT event_id FROM events WHERE project_id = ? AND event_id IN (SELECT value FROM json_each(?))`).pluck(),
    groupings: db.prepare(`SELECT g.hash, g.issue_id, i.status, i.status_changed_at FROM groupings g JOIN issues i ON i.id = g.issue_id
      WHERE g.project_id = ? AND g.hash IN (SELECT value FROM json_each(?))`).raw(),
    resolutions: db.prepare(`SELECT issue_id, type, release, resolved_at FROM issue_resolutions
      WHERE issue_id IN (SELECT value FROM json_each(?))`).raw(),
    releaseFirstSeen: db.prepare(`SELECT version, min(first_seen) FROM (${PROJECT_RELEASES_SQL})
      WHERE version IN (SELECT value FROM json_each(@versions)) GROUP BY version`).raw(),
    eventTotals: db.prepare(`SELECT issue_id, sum(event_count) FROM issue_hourly_counts
      WHERE issue_id IN (SELECT value FROM json_each(?)) AND hour >= ? AND hour < ? GROUP BY issue_id`).raw(),
  };

  return {
    readIngestState(queries: IngestStateQuery[]): Map<number, ProjectIngestState> {
      const out = new Map<number, ProjectIngestState>();
      for (const q of queries) {
        const storedEventIds = new Set(q.eventIds.length ? (stmt.storedEventIds.all(q.projectId, JSON.stringify(q.eventIds)) as string[]) : []);
        const groupings = new Map<string, GroupedIssue>();
        if (q.hashes.length) {
          for (const [hash, issueId, status, changedAt] of stmt.groupings.all(q.projectId, JSON.stringify(q.hashes)) as [string, number, IssueStatus, number | null][]) {
            groupings.set(hash, { issueId, status, statusChangedAtSec: changedAt });
          }
        }
        out.set(q.projectId, { storedEventIds, groupings });
      }
      return out;
    },

    readRegressionState(projectId: number, issueIds: number[], releases: string[]): RegressionState {
      const resolutions: RegressionState["resolutions"] = new Map();
      const versions = new Set(releases);
      for (const [issueId, type, release, resolvedAt] of stmt.resolutions.all(JSON.stringify(issueIds)) as [number, "in_release" | "in_next_release", string, number][]) {
        resolutions.set(issueId, { type, release, resolvedAtSec: resolvedAt });
        versions.add(release);
      }
      const releaseFirstSeenSec = new Map<string, number>();
      if (versions.size) {
        for (const [version, firstSeen] of stmt.releaseFirstSeen.all({ projectId, versions: JSON.stringify([...versions]) }) as [string, number][]) {
          releaseFirstSeenSec.set(version, firstSeen);
        }
      }
      return { resolutions, releaseFirstSeenSec };
    },

    issueEventTotals(issueIds: number[], fromHour: number, toHour: number): Map<number, number> {
      const out = new Map<number, number>();
      if (issueIds.length === 0) return out;
      for (const [issueId, total] of stmt.eventTotals.all(JSON.stringify(issueIds), fromHour, toHour) as [number, number][]) out.set(issueId, total);
      return out;
    },
  };
}
