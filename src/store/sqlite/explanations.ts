import type { SqliteDatabase } from "./sqlite-binding.ts";
import type { StoredExplanation } from "../model/explanations.ts";

/** Explain results, cached per issue + event; regenerating replaces the row. */
export function createExplanationQueries(db: SqliteDatabase) {
  const stmt = {
    get: db.prepare("SELECT issue_id, event_id, provider, result, created_at FROM explanations WHERE issue_id = ? AND event_id = ?"),
    upsert: db.prepare(`INSERT INTO explanations (issue_id, event_id, provider, result, created_at) VALUES (?, ?, ?, ?, ?)
      ON CONFLICT (issue_id, event_id) DO UPDATE SET provider = excluded.provider, result = excluded.result, created_at = excluded.created_at`),
  };
  return {
    getExplanation(issueId: number, eventId: string): StoredExplanation | undefined {
      const row = stmt.get.get(issueId, eventId) as Record<string, unknown> | undefined;
      if (!row) return undefined;
      return {
        issueId: Number(row.issue_id), eventId: String(row.event_id), provider: String(row.provider),
        result: String(row.result), createdAtSec: Number(row.created_at),
      };
    },
    saveExplanation(e: StoredExplanation): void {
      stmt.upsert.run(e.issueId, e.eventId, e.provider, e.result, e.createdAtSec);
    },
  };
}
