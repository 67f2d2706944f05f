import type { StoredExplanation } from "../model/explanations.ts";
import { pgStatement, type PgDb } from "./pg-db.ts";

/** Explain results on PostgreSQL, cached per issue + event; regenerating replaces the row. */
export function createPgExplanationQueries(db: PgDb) {
  const stmt = {
    get: pgStatement("explanations.get", "SELECT issue_id, event_id, provider, result, created_at FROM explanations WHERE issue_id = $1 AND event_id = $2"),
  };
  return {
    async getExplanation(issueId: number, eventId: string): Promise<StoredExplanation | undefined> {
      const row = await db.first(stmt.get, [issueId, eventId]);
      if (!row) return undefined;
      return { issueId: Number(row.issue_id), eventId: String(row.event_id), provider: String(row.provider), result: String(row.result), createdAtSec: Number(row.created_at) };
    },
    async saveExplanation(e: StoredExplanation): Promise<void> {
      await db.run(`INSERT INTO explanations (issue_id, event_id, provider, result, created_at) VALUES ($1, $2, $3, $4, $5)
        ON CONFLICT (issue_id, event_id) DO UPDATE SET provider = excluded.provider, result = excluded.result, created_at = excluded.created_at`,
      [e.issueId, e.eventId, e.provider, e.result, e.createdAtSec]);
    },
  };
}
