import type { SqliteDatabase } from "./sqlite-binding.ts";
import type { ActivityStore, ActivityType, AssigneeCondition, AssigneeRef, NewActivity, StoredActivity, StoredAssignee } from "../model/activity.ts";

/** The issue activity log and assignees on SQLite (see src/store/model/activity.ts). */
export function createActivityQueries(db: SqliteDatabase) {
  const stmt = {
    insert: db.prepare(`INSERT INTO issue_activities (issue_id, project_id, type, actor, data, created_at)
      VALUES (@issueId, @projectId, @type, @actor, @data, @createdAtSec) RETURNING *`),
    list: db.prepare("SELECT * FROM issue_activities WHERE issue_id = ? ORDER BY created_at DESC, id DESC LIMIT ?"),
    get: db.prepare("SELECT * FROM issue_activities WHERE issue_id = ? AND id = ?"),
    updateNote: db.prepare(`UPDATE issue_activities SET data = json_set(data, '$.text', ?), updated_at = ?
      WHERE issue_id = ? AND id = ? AND type = 'note' RETURNING *`),
    delete: db.prepare("DELETE FROM issue_activities WHERE issue_id = ? AND id = ?"),
    upsertAssignee: db.prepare(`INSERT INTO issue_assignees (issue_id, user_id, team_id, email, assigned_at) VALUES (?, ?, ?, ?, ?)
      ON CONFLICT (issue_id) DO UPDATE SET user_id = excluded.user_id, team_id = excluded.team_id, email = excluded.email, assigned_at = excluded.assigned_at`),
    clearAssignee: db.prepare("DELETE FROM issue_assignees WHERE issue_id = ?"),
    everAssigned: db.prepare("SELECT 1 FROM issue_activities WHERE issue_id = ? AND type IN ('assigned', 'unassigned') LIMIT 1"),
  };
  const insert = (a: NewActivity) => _activity(stmt.insert.get({ ...a, data: JSON.stringify(a.data) }));
  const assign = (issueId: number, assignee: AssigneeRef | null, at: number) => {
    if (!assignee) return void stmt.clearAssignee.run(issueId);
    stmt.upsertAssignee.run(issueId, assignee.kind === "user" ? assignee.userId : null, assignee.kind === "team" ? assignee.teamId : null,
      assignee.kind === "email" ? assignee.email : null, at);
  };
  const setAssignee = db.transaction((issueId: number, assignee: AssigneeRef | null, activity: NewActivity) => {
    assign(issueId, assignee, activity.createdAtSec);
    insert(activity);
  });
  const assignIfNever = db.transaction((issueId: number, assignee: AssigneeRef, activity: NewActivity) => {
    if (stmt.everAssigned.get(issueId)) return false;
    assign(issueId, assignee, activity.createdAtSec);
    insert(activity);
    return true;
  });

  const methods: ActivityStore = {
    addIssueActivity: async (a) => insert(a),
    listIssueActivity: async (issueId, limit) => stmt.list.all(issueId, limit).map(_activity),
    getIssueActivity: async (issueId, id) => {
      const row = stmt.get.get(issueId, id);
      return row ? _activity(row) : undefined;
    },
    updateIssueNote: async (issueId, id, text, nowSec) => {
      const row = stmt.updateNote.get(text, nowSec, issueId, id);
      return row ? _activity(row) : undefined;
    },
    deleteIssueActivity: async (issueId, id) => stmt.delete.run(issueId, id).changes > 0,
    issueNoteCounts: async (issueIds) => {
      if (issueIds.length === 0) return new Map();
      const rows = db.prepare(`SELECT issue_id, count(*) AS n FROM issue_activities WHERE type = 'note' AND issue_id IN (${_marks(issueIds)})
        GROUP BY issue_id`).all(...issueIds) as { issue_id: number; n: number }[];
      return new Map(rows.map((r) => [r.issue_id, r.n]));
    },
    issueAssignees: async (issueIds) => {
      if (issueIds.length === 0) return new Map();
      const rows = db.prepare(`SELECT a.issue_id, a.user_id, a.team_id, a.email, a.assigned_at, u.email AS user_email, t.slug AS team_slug
        FROM issue_assignees a LEFT JOIN users u ON u.id = a.user_id LEFT JOIN teams t ON t.id = a.team_id
        WHERE a.issue_id IN (${_marks(issueIds)})`).all(...issueIds) as Record<string, unknown>[];
      return new Map(rows.map((r) => [Number(r.issue_id), _assignee(r)]));
    },
    setIssueAssignee: async (issueId, assignee, activity) => void setAssignee.immediate(issueId, assignee, activity),
    assignIssueIfNeverAssigned: async (issueId, assignee, activity) => assignIfNever.immediate(issueId, assignee, activity),
    activityForPeriods: async (projectIds, types, endTypes, sinceSec) => {
      if (projectIds.length === 0 || types.length === 0) return [];
      const sql = `SELECT * FROM issue_activities WHERE type IN (${_marks(types)}) AND issue_id IN (
          SELECT issue_id FROM issue_activities WHERE project_id IN (${_marks(projectIds)}) AND type IN (${_marks(endTypes)}) AND created_at >= ?)
        ORDER BY created_at, id`;
      return db.prepare(sql).all(...types, ...projectIds, ...endTypes, sinceSec).map(_activity);
    },
  };
  return methods;
}

/**
 * The WHERE condition (on `issues i`) for one assignee search condition, with its parameters;
 * listIssues (issues.ts) ANDs it in.
 */
export function assigneeConditionSql(c: AssigneeCondition): { sql: string; params: unknown[] } {
  let sql: string;
  const params: unknown[] = [];
  if (c.kind === "none") sql = "NOT EXISTS (SELECT 1 FROM issue_assignees a WHERE a.issue_id = i.id)";
  else if (c.kind === "any") sql = "EXISTS (SELECT 1 FROM issue_assignees a WHERE a.issue_id = i.id)";
  else {
    const any: string[] = [];
    if (c.userIds.length) any.push(`a.user_id IN (${_marks(c.userIds)})`), params.push(...c.userIds);
    if (c.teamSlugs.length) any.push(`a.team_id IN (SELECT id FROM teams WHERE slug IN (${_marks(c.teamSlugs)}))`), params.push(...c.teamSlugs);
    if (c.emails.length) {
      // an email names a bare-email assignment or the user with that address (users.email has NOCASE)
      any.push(`a.email IN (${_marks(c.emails)}) OR a.user_id IN (SELECT id FROM users WHERE email IN (${_marks(c.emails)}))`);
      params.push(...c.emails, ...c.emails);
    }
    sql = any.length ? `EXISTS (SELECT 1 FROM issue_assignees a WHERE a.issue_id = i.id AND (${any.join(" OR ")}))` : "0";
  }
  return { sql: c.negate ? `NOT (${sql})` : sql, params };
}

// --- Internal ---

function _marks(values: readonly unknown[]): string {
  return values.map(() => "?").join(", ");
}

function _activity(r: unknown): StoredActivity {
  const row = r as Record<string, unknown>;
  return {
    id: Number(row.id),
    issueId: Number(row.issue_id),
    projectId: Number(row.project_id),
    type: String(row.type) as ActivityType,
    actor: row.actor === null ? null : String(row.actor),
    data: JSON.parse(String(row.data)) as Record<string, unknown>,
    createdAtSec: Number(row.created_at),
    updatedAtSec: row.updated_at === null ? null : Number(row.updated_at),
  };
}

function _assignee(r: Record<string, unknown>): StoredAssignee {
  const assignedAtSec = Number(r.assigned_at);
  if (r.user_id !== null) return { kind: "user", userId: Number(r.user_id), email: String(r.user_email), assignedAtSec };
  if (r.team_id !== null) return { kind: "team", teamId: Number(r.team_id), slug: String(r.team_slug), assignedAtSec };
  return { kind: "email", email: String(r.email), assignedAtSec };
}
