import type { AutoAssignment, OwnerCondition, OwnershipStore, StoredOwnership } from "../model/ownership.ts";
import type { PgDb } from "./pg-db.ts";

/** Ownership rules and issue owners on PostgreSQL. */
export function createPgOwnershipQueries(db: PgDb): OwnershipStore {
  return {
    getProjectOwnership: async (projectId) => {
      const row = await db.first("SELECT * FROM project_ownership WHERE project_id = $1", [projectId]);
      return row ? _ownership(row) : undefined;
    },
    setProjectOwnership: async (projectId, input, nowSec) => _ownership((await db.first(`INSERT INTO project_ownership
        (project_id, raw, fallthrough, auto_assignment, created_at, updated_at) VALUES ($1, $2, $3, $4, $5, $5)
      ON CONFLICT (project_id) DO UPDATE SET raw = excluded.raw, fallthrough = excluded.fallthrough, auto_assignment = excluded.auto_assignment,
        updated_at = excluded.updated_at RETURNING *`, [projectId, input.raw, input.fallthrough, input.autoAssignment, nowSec]))!),
    setIssueOwners: (issueId, owners) => db.transaction(async (tx) => {
      await tx.run("DELETE FROM issue_owners WHERE issue_id = $1", [issueId]);
      if (owners.length) await tx.run("INSERT INTO issue_owners (issue_id, owner) SELECT $1, unnest($2::text[]) ON CONFLICT DO NOTHING", [issueId, owners]);
    }),
    issueOwners: async (issueIds) => {
      if (issueIds.length === 0) return new Map();
      const rows = await db.rows<{ issue_id: number; owner: string }>(`SELECT issue_id, owner FROM issue_owners WHERE issue_id = ANY($1::bigint[])
        ORDER BY owner COLLATE "C"`, [issueIds]);
      const out = new Map<number, string[]>();
      for (const r of rows) out.set(Number(r.issue_id), [...(out.get(Number(r.issue_id)) ?? []), r.owner]);
      return out;
    },
  };
}

/** The WHERE condition (on `issues i`) for an owner search condition; `p` adds a parameter. */
export function pgOwnerConditionSql(c: OwnerCondition, p: (value: unknown) => string): string {
  const sql = c.values.length ? `EXISTS (SELECT 1 FROM issue_owners o WHERE o.issue_id = i.id AND o.owner = ANY(${p(c.values)}::text[]))` : "false";
  return c.negate ? `NOT (${sql})` : sql;
}

// --- Internal ---

function _ownership(row: Record<string, unknown>): StoredOwnership {
  return {
    projectId: Number(row.project_id), raw: String(row.raw), fallthrough: row.fallthrough === true, autoAssignment: String(row.auto_assignment) as AutoAssignment,
    createdAtSec: Number(row.created_at), updatedAtSec: Number(row.updated_at),
  };
}
