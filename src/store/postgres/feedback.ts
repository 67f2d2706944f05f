import type { FeedbackStore, StoredFeedback } from "../model/feedback.ts";
import type { PgDb } from "./pg-db.ts";

/** User feedback on PostgreSQL. */
export function createPgFeedbackQueries(db: PgDb): FeedbackStore {
  return {
    addFeedback: async (rows) => {
      if (rows.length === 0) return 0;
      const col = <K extends keyof (typeof rows)[number]>(k: K) => rows.map((r) => r[k]);
      return db.run(`INSERT INTO user_feedback (project_id, issue_id, event_id, associated_event_id, name, email, comments, url, source, created_at)
        SELECT * FROM unnest($1::bigint[], $2::bigint[], $3::text[], $4::text[], $5::text[], $6::text[], $7::text[], $8::text[], $9::text[], $10::float8[])
        ON CONFLICT (project_id, event_id) DO NOTHING`,
      [col("projectId"), col("issueId"), col("eventId"), col("associatedEventId"), col("name"), col("email"), col("comments"), col("url"), col("source"), col("createdAtSec")]);
    },
    listProjectFeedback: async (projectId, opts) => (await db.rows(`SELECT * FROM user_feedback WHERE project_id = $1 ${opts.unattachedOnly ? "AND issue_id IS NULL" : ""}
      ORDER BY created_at DESC, id DESC LIMIT $2 OFFSET $3`, [projectId, opts.limit, opts.offset])).map(_feedback),
    listIssueFeedback: async (issueId, limit) =>
      (await db.rows("SELECT * FROM user_feedback WHERE issue_id = $1 ORDER BY created_at DESC, id DESC LIMIT $2", [issueId, limit])).map(_feedback),
    issueFeedbackCounts: async (issueIds) => {
      if (issueIds.length === 0) return new Map();
      const rows = await db.rows<{ issue_id: number; n: number }>("SELECT issue_id, count(*)::int AS n FROM user_feedback WHERE issue_id = ANY($1::bigint[]) GROUP BY issue_id", [issueIds]);
      return new Map(rows.map((r) => [Number(r.issue_id), Number(r.n)]));
    },
  };
}

// --- Internal ---

function _feedback(row: Record<string, unknown>): StoredFeedback {
  const text = (v: unknown) => (v === null ? null : String(v));
  return {
    id: Number(row.id), projectId: Number(row.project_id), issueId: row.issue_id === null ? null : Number(row.issue_id), eventId: String(row.event_id),
    associatedEventId: text(row.associated_event_id), name: text(row.name), email: text(row.email), comments: String(row.comments), url: text(row.url),
    source: String(row.source) as StoredFeedback["source"], createdAtSec: Number(row.created_at),
  };
}
