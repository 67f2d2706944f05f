import type { SqliteDatabase } from "./sqlite-binding.ts";
import type { IssueStoredCount } from "../model/retention.ts";

/**
 * The SQL side of retention: counting stored events, deleting the oldest unpinned events of an
 * issue in bounded chunks, and giving free pages back to the file system. Only the `events` table
 * is touched: issue counters, users, tags and hourly counts are never derived from stored events,
 * so they stay exact whatever is evicted.
 */
export function createRetentionQueries(db: SqliteDatabase) {
  const stmt = {
    projectStored: db.prepare("SELECT count(*) FROM events WHERE project_id = ?").pluck(),
    // one pass over the project's stored events (bounded by its cap), not one query per issue
    issueCounts: db.prepare(`SELECT e.issue_id AS issueId, count(*) AS storedEvents, count(p.event_row_id) AS pinnedEvents
        FROM events e LEFT JOIN event_pins p ON p.event_row_id = e.id WHERE e.project_id = ? GROUP BY e.issue_id ORDER BY e.issue_id`),
    // oldest first through events_by_issue (issue_id, timestamp, id); pinned events are skipped
    deleteOldest: db.prepare(`DELETE FROM events WHERE id IN (SELECT e.id FROM events e WHERE e.issue_id = ?
        AND NOT EXISTS (SELECT 1 FROM event_pins p WHERE p.event_row_id = e.id) ORDER BY e.timestamp, e.id LIMIT ?)`),
    deleteOlderThan: db.prepare(`DELETE FROM events WHERE id IN (SELECT e.id FROM events e WHERE e.project_id = ? AND e.timestamp < ?
        AND NOT EXISTS (SELECT 1 FROM event_pins p WHERE p.event_row_id = e.id) LIMIT ?)`),
  };

  return {
    storedEventCount: (projectId: number): number => Number(stmt.projectStored.get(projectId)),
    /** Issues of the project that store events, with how many and how many of those are pinned. */
    issueStoredCounts: (projectId: number): IssueStoredCount[] => stmt.issueCounts.all(projectId) as IssueStoredCount[],
    /** Deletes up to `limit` of the issue's oldest unpinned events; returns how many went. */
    deleteOldestEvents: (issueId: number, limit: number): number => stmt.deleteOldest.run(issueId, limit).changes,
    /** Deletes up to `limit` unpinned events of the project older than `cutoff` (seconds). */
    deleteEventsOlderThan: (projectId: number, cutoff: number, limit: number): number => stmt.deleteOlderThan.run(projectId, cutoff, limit).changes,
    /**
     * Returns free pages to the file system when they are a large share of the file (after a big
     * eviction); a steady churn of evictions and inserts reuses them instead. Needs
     * `auto_vacuum = INCREMENTAL`, which databases created by this version have.
     */
    releaseFreePages(): { freedPages: number } {
      const free = Number(db.pragma("freelist_count", { simple: true }));
      const total = Number(db.pragma("page_count", { simple: true }));
      if (free < 256 || free < total * 0.2) return { freedPages: 0 };
      if (Number(db.pragma("auto_vacuum", { simple: true })) !== 2) return { freedPages: 0 };
      db.pragma("incremental_vacuum");
      return { freedPages: free };
    },
  };
}
