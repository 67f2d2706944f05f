import type { ActivityStore, ActivityType, AssigneeCondition, AssigneeRef, NewActivity, StoredActivity, StoredAssignee } from "../model/activity.ts";
import type { PgDb, PgExecutor } from "./pg-db.ts";

/** The issue activity log and assignees on PostgreSQL (see src/store/model/activity.ts). */
export function createPgActivityQueries(db: PgDb): ActivityStore {
  const insert = async (x: PgExecutor, a: NewActivity) => _activity((await x.first(`INSERT INTO issue_activities (issue_id, project_id, type, actor, data, created_at)
    VALUES ($1, $2, $3, $4, $5, $6) RETURNING *`, [a.issueId, a.projectId, a.type, a.actor, JSON.stringify(a.data), a.createdAtSec]))!);
  const assign = async (x: PgExecutor, issueId: number, assignee: AssigneeRef | null, at: number) => {
    if (!assignee) return void (await x.run("DELETE FROM issue_assignees WHERE issue_id = $1", [issueId]));
    await x.run(`INSERT INTO issue_assignees (issue_id, user_id, team_id, email, assigned_at) VALUES ($1, $2, $3, $4, $5)
      ON CONFLICT (issue_id) DO UPDATE SET user_id = excluded.user_id, team_id = excluded.team_id, email = excluded.email, assigned_at = excluded.assigned_at`,
    [issueId, assignee.kind === "user" ? assignee.userId : null, assignee.kind === "team" ? assignee.teamId : null, assignee.kind === "email" ? assignee.email : null, at]);
  };
  return {
    addIssueActivity: (a) => insert(db, a),
    listIssueActivity: async (issueId, limit) =>
      (await db.rows("SELECT * FROM issue_activities WHERE issue_id = $1 ORDER BY created_at DESC, id DESC LIMIT $2", [issueId, limit])).map(_activity),
    getIssueActivity: async (issueId, id) => {
      const row = await db.first("SELECT * FROM issue_activities WHERE issue_id = $1 AND id = $2", [issueId, id]);
      return row ? _activity(row) : undefined;
    },
    updateIssueNote: async (issueId, id, text, nowSec) => {
      const row = await db.first(`UPDATE issue_activities SET data = jsonb_set(data::jsonb, '{text}', to_jsonb($1::text))::text, updated_at = $2
        WHERE issue_id = $3 AND id = $4 AND type = 'note' RETURNING *`, [text, nowSec, issueId, id]);
      return row ? _activity(row) : undefined;
    },
    deleteIssueActivity: async (issueId, id) => (await db.run("DELETE FROM issue_activities WHERE issue_id = $1 AND id = $2", [issueId, id])) > 0,
    issueNoteCounts: async (issueIds) => {
      if (issueIds.length === 0) return new Map();
      const rows = await db.rows<{ issue_id: number; n: number }>(`SELECT issue_id, count(*)::int AS n FROM issue_activities
        WHERE type = 'note' AND issue_id = ANY($1::bigint[]) GROUP BY issue_id`, [issueIds]);
      return new Map(rows.map((r) => [Number(r.issue_id), Number(r.n)]));
    },
    issueAssignees: async (issueIds) => {
      if (issueIds.length === 0) return new Map();
      const rows = await db.rows(`SELECT a.issue_id, a.user_id, a.team_id, a.email, a.assigned_at, u.email AS user_email, t.slug AS team_slug
        FROM issue_assignees a LEFT JOIN users u ON u.id = a.user_id LEFT JOIN teams t ON t.id = a.team_id
        WHERE a.issue_id = ANY($1::bigint[])`, [issueIds]);
      return new Map(rows.map((r) => [Number(r.issue_id), _assignee(r)]));
    },
    setIssueAssignee: (issueId, assignee, activity) => db.transaction(async (tx) => {
      await assign(tx, issueId, assignee, activity.createdAtSec);
      await insert(tx, activity);
    }),
    assignIssueIfNeverAssigned: (issueId, assignee, activity) => db.transaction(async (tx) => {
      // the issue row lock serialises concurrent automatic and manual assignments of one issue
      await tx.run("SELECT 1 FROM issues WHERE id = $1 FOR UPDATE", [issueId]);
      if (await tx.first("SELECT 1 FROM issue_activities WHERE issue_id = $1 AND type IN ('assigned', 'unassigned') LIMIT 1", [issueId])) return false;
      await assign(tx, issueId, assignee, activity.createdAtSec);
      await insert(tx, activity);
      return true;
    }),
    activityForPeriods: async (projectIds, types, endTypes, sinceSec) => {
      if (projectIds.length === 0 || types.length === 0) return [];
      return (await db.rows(`SELECT * FROM issue_activities WHERE type = ANY($1::text[]) AND issue_id IN (
          SELECT issue_id FROM issue_activities WHERE project_id = ANY($2::bigint[]) AND type = ANY($3::text[]) AND created_at >= $4)
        ORDER BY created_at, id`, [types, projectIds, endTypes, sinceSec])).map(_activity);
    },
  };
}

/**
 * The WHERE condition (on `issues i`) for one assignee search condition; `p` adds a parameter and
 * returns its placeholder (as listIssues in issues.ts builds its SQL).
 */
export function pgAssigneeConditionSql(c: AssigneeCondition, p: (value: unknown) => string): string {
  let sql: string;
  if (c.kind === "none") sql = "NOT EXISTS (SELECT 1 FROM issue_assignees a WHERE a.issue_id = i.id)";
  else if (c.kind === "any") sql = "EXISTS (SELECT 1 FROM issue_assignees a WHERE a.issue_id = i.id)";
  else {
    const any: string[] = [];
    if (c.userIds.length) any.push(`a.user_id = ANY(${p(c.userIds)}::bigint[])`);
    if (c.teamSlugs.length) any.push(`a.team_id IN (SELECT id FROM teams WHERE slug = ANY(${p(c.teamSlugs)}::text[]))`);
    if (c.emails.length) {
      // an email names a bare-email assignment or the user with that address (compared without case)
      const emails = p(c.emails.map((e) => e.toLowerCase()));
      any.push(`a.email = ANY(${emails}::text[]) OR a.user_id IN (SELECT id FROM users WHERE lower(email) = ANY(${emails}::text[]))`);
    }
    sql = any.length ? `EXISTS (SELECT 1 FROM issue_assignees a WHERE a.issue_id = i.id AND (${any.join(" OR ")}))` : "false";
  }
  return c.negate ? `NOT (${sql})` : sql;
}

// --- Internal ---

function _activity(row: Record<string, unknown>): StoredActivity {
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
