import type { SqliteDatabase } from "./sqlite-binding.ts";
import type { FeedbackStore, NewFeedback, StoredFeedback } from "../model/feedback.ts";

/** User feedback on SQLite. */
export function createFeedbackQueries(db: SqliteDatabase): FeedbackStore {
  const stmt = {
    insert: db.prepare(`INSERT INTO user_feedback (project_id, issue_id, event_id, associated_event_id, name, email, comments, url, source, created_at)
      VALUES (@projectId, @issueId, @eventId, @associatedEventId, @name, @email, @comments, @url, @source, @createdAtSec) ON CONFLICT (project_id, event_id) DO NOTHING`),
    byProject: db.prepare("SELECT * FROM user_feedback WHERE project_id = ? ORDER BY created_at DESC, id DESC LIMIT ? OFFSET ?"),
    unattached: db.prepare("SELECT * FROM user_feedback WHERE project_id = ? AND issue_id IS NULL ORDER BY created_at DESC, id DESC LIMIT ? OFFSET ?"),
    byIssue: db.prepare("SELECT * FROM user_feedback WHERE issue_id = ? ORDER BY created_at DESC, id DESC LIMIT ?"),
  };
  const insertAll = db.transaction((rows: NewFeedback[]) => rows.reduce((n, r) => n + stmt.insert.run(r).changes, 0));
  return {
    addFeedback: async (rows) => (rows.length ? insertAll.immediate(rows) : 0),
    listProjectFeedback: async (projectId, opts) => (opts.unattachedOnly ? stmt.unattached : stmt.byProject).all(projectId, opts.limit, opts.offset).map(_feedback),
    listIssueFeedback: async (issueId, limit) => stmt.byIssue.all(issueId, limit).map(_feedback),
    issueFeedbackCounts: async (issueIds) => {
      if (issueIds.length === 0) return new Map();
      const rows = db.prepare(`SELECT issue_id, count(*) AS n FROM user_feedback WHERE issue_id IN (${issueIds.map(() => "?").join(", ")}) GROUP BY issue_id`)
        .all(...issueIds) as { issue_id: number; n: number }[];
      return new Map(rows.map((r) => [r.issue_id, r.n]));
    },
  };
}

// --- Internal ---

function _feedback(r: unknown): StoredFeedback {
  const row = r as Record<string, unknown>;
  const text = (v: unknown) => (v === null ? null : String(v));
  return {
    id: Number(row.id), projectId: Number(row.project_id), issueId: row.issue_id === null ? null : Number(row.issue_id), eventId: String(row.event_id),
    associatedEventId: text(row.associated_event_id), name: text(row.name), email: text(row.email), comments: String(row.comments), url: text(row.url),
    source: String(row.source) as StoredFeedback["source"], createdAtSec: Number(row.created_at),
  };
}
