import type { SqliteDatabase } from "./sqlite-binding.ts";

/** How many events one issue stores, and how many of them retention must keep (first, regressions). */
export interface IssueStoredCount { issueId: number; storedEvents: number; pinnedEvents: number }

/**
 * The SQL side of retention: counting stored events, deleting the oldest unpinned events of an
 * issue in bounded chunks, and giving free pages back to the file system. Only the `events` table
 * is touched: issue counters, users, tags and hourly counts are never derived from stored events,
 * so they stay exact whatever is evicted.
 */
export function createRetentionQueries(db: SqliteDatabase) {
  const stmt = {
    projectStored: db.prepare("SELECT count(*) FROM events WHERE project_id = ?").pluck(),
    issuesOfProject: db.prepare("SELECT id FROM issues WHERE project_id = ? ORDER BY id").pluck(),
    issueStored: db.prepare("SELECT count(*) FROM events WHERE issue_id = ?").pluck(),
    issuePinned: db.prepare("SELECT count(*) FROM event_pins WHERE issue_id = ?").pluck(),
    // oldest first through events_by_issue (issue_id, timestamp, id); pinned events are skipped
    deleteOldest: db.prepare(`DELETE FROM events WHERE id IN (SELECT e.id FROM events e WHERE e.issue_id = ?
        AND NOT EXISTS (SELECT 1 FROM event_pins p WHERE p.event_row_id = e.id) ORDER BY e.timestamp, e.id LIMIT ?)`),
    deleteOlderThan: db.prepare(`DELETE FROM events WHERE id IN (SELECT e.id FROM events e WHERE e.issue_id = ? AND e.timestamp < ?
        AND NOT EXISTS (SELECT 1 FROM event_pins p WHERE p.event_row_id = e.id) ORDER BY e.timestamp, e.id LIMIT ?)`),
  };

  return {
    storedEventCount: (projectId: number): number => Number(stmt.projectStored.get(projectId)),
    issueStoredCounts(projectId: number): IssueStoredCount[] {
      return (stmt.issuesOfProject.all(projectId) as number[]).map((issueId) => ({
        issueId, storedEvents: Number(stmt.issueStored.get(issueId)), pinnedEvents: Number(stmt.issuePinned.get(issueId)),
      }));
    },
    /** Deletes up to `limit` of the issue's oldest unpinned events; returns how many went. */
    deleteOldestEvents: (issueId: number, limit: number): number => stmt.deleteOldest.run(issueId, limit).changes,
    /** Deletes up to `limit` unpinned events of the issue older than `cutoff` (seconds). */
    deleteEventsOlderThan: (issueId: number, cutoff: number, limit: number): number => stmt.deleteOlderThan.run(issueId, cutoff, limit).changes,
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
