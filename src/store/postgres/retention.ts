import type { IssueStoredCount } from "../model/retention.ts";
import { pgStatement, type PgDb } from "./pg-db.ts";

/**
 * The SQL side of retention on PostgreSQL, as on SQLite (src/store/sqlite/retention.ts): counting
 * stored events and deleting unpinned ones in batches the caller bounds (`limit`), each batch one
 * short transaction (retried on a deadlock with a concurrent writer) so ingest commits interleave.
 * Only `events` (and what cascades from it) is touched: issue counters are never derived from
 * stored events. Freed space is autovacuum's business (`releaseFreePages` is a no-op here).
 */
export function createPgRetentionQueries(db: PgDb) {
  const stmt = {
    projectStored: pgStatement("retention.projectStored", "SELECT count(*) AS n FROM events WHERE project_id = $1"),
    // one pass over the project's stored events (bounded by its cap), not one query per issue
    issueCounts: pgStatement("retention.issueCounts", `SELECT e.issue_id, count(*) AS stored, count(p.event_row_id) AS pinned
      FROM events e LEFT JOIN event_pins p ON p.event_row_id = e.id WHERE e.project_id = $1 GROUP BY e.issue_id ORDER BY e.issue_id`),
    // oldest first through events_by_issue (issue_id, timestamp, id); pinned events are skipped
    deleteOldest: pgStatement("retention.deleteOldest", `DELETE FROM events WHERE id = ANY(ARRAY(SELECT e.id FROM events e WHERE e.issue_id = $1
      AND NOT EXISTS (SELECT 1 FROM event_pins p WHERE p.event_row_id = e.id) ORDER BY e.timestamp, e.id LIMIT $2))`),
    deleteOlderThan: pgStatement("retention.deleteOlderThan", `DELETE FROM events WHERE id = ANY(ARRAY(SELECT e.id FROM events e WHERE e.project_id = $1
      AND e.timestamp < $2 AND NOT EXISTS (SELECT 1 FROM event_pins p WHERE p.event_row_id = e.id) ORDER BY e.id LIMIT $3))`),
  };
  return {
    storedEventCount: async (projectId: number): Promise<number> => Number((await db.first<{ n: number }>(stmt.projectStored, [projectId]))!.n),
    /** Issues of the project that store events, with how many and how many of those are pinned. */
    issueStoredCounts: async (projectId: number): Promise<IssueStoredCount[]> =>
      (await db.rows<{ issue_id: number; stored: number; pinned: number }>(stmt.issueCounts, [projectId]))
        .map((r) => ({ issueId: Number(r.issue_id), storedEvents: Number(r.stored), pinnedEvents: Number(r.pinned) })),
    /** Deletes up to `limit` of the issue's oldest unpinned events; returns how many went. */
    deleteOldestEvents: (issueId: number, limit: number): Promise<number> => db.transaction((tx) => tx.run(stmt.deleteOldest, [issueId, limit])),
    /** Deletes up to `limit` unpinned events of the project older than `cutoff` (seconds). */
    deleteEventsOlderThan: (projectId: number, cutoff: number, limit: number): Promise<number> =>
      db.transaction((tx) => tx.run(stmt.deleteOlderThan, [projectId, cutoff, limit])),
  };
}
