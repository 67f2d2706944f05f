import type { SqliteDatabase } from "./sqlite-binding.ts";
import type { AutoAssignment, OwnerCondition, OwnershipStore, StoredOwnership } from "../model/ownership.ts";

/** Ownership rules and issue owners on SQLite. */
export function createOwnershipQueries(db: SqliteDatabase): OwnershipStore {
  const stmt = {
    get: db.prepare("SELECT * FROM project_ownership WHERE project_id = ?"),
    set: db.prepare(`INSERT INTO project_ownership (project_id, raw, fallthrough, auto_assignment, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?)
      ON CONFLICT (project_id) DO UPDATE SET raw = excluded.raw, fallthrough = excluded.fallthrough, auto_assignment = excluded.auto_assignment,
        updated_at = excluded.updated_at RETURNING *`),
    clearOwners: db.prepare("DELETE FROM issue_owners WHERE issue_id = ?"),
    addOwner: db.prepare("INSERT OR IGNORE INTO issue_owners (issue_id, owner) VALUES (?, ?)"),
  };
  const setOwners = db.transaction((issueId: number, owners: string[]) => {
    stmt.clearOwners.run(issueId);
    for (const owner of owners) stmt.addOwner.run(issueId, owner);
  });
  return {
    getProjectOwnership: async (projectId) => {
      const row = stmt.get.get(projectId);
      return row ? _ownership(row) : undefined;
    },
    setProjectOwnership: async (projectId, input, nowSec) =>
      _ownership(stmt.set.get(projectId, input.raw, input.fallthrough ? 1 : 0, input.autoAssignment, nowSec, nowSec)),
    setIssueOwners: async (issueId, owners) => void setOwners.immediate(issueId, owners),
    issueOwners: async (issueIds) => {
      if (issueIds.length === 0) return new Map();
      const rows = db.prepare(`SELECT issue_id, owner FROM issue_owners WHERE issue_id IN (${issueIds.map(() => "?").join(", ")}) ORDER BY owner`)
        .all(...issueIds) as { issue_id: number; owner: string }[];
      const out = new Map<number, string[]>();
      for (const r of rows) out.set(r.issue_id, [...(out.get(r.issue_id) ?? []), r.owner]);
      return out;
    },
  };
}

/** The WHERE condition (on `issues i`) for an owner search condition, with its parameters. */
export function ownerConditionSql(c: OwnerCondition): { sql: string; params: unknown[] } {
  const sql = c.values.length ? `EXISTS (SELECT 1 FROM issue_owners o WHERE o.issue_id = i.id AND o.owner IN (${c.values.map(() => "?").join(", ")}))` : "0";
  return { sql: c.negate ? `NOT (${sql})` : sql, params: c.values };
}

// --- Internal ---

function _ownership(r: unknown): StoredOwnership {
  const row = r as Record<string, unknown>;
  return {
    projectId: Number(row.project_id), raw: String(row.raw), fallthrough: row.fallthrough === 1, autoAssignment: String(row.auto_assignment) as AutoAssignment,
    createdAtSec: Number(row.created_at), updatedAtSec: Number(row.updated_at),
  };
}
