import type { GroupingSettings, GroupingStore } from "../model/groupings.ts";
import { pgStatement, type PgDb } from "./pg-db.ts";

/** Grouping settings per project and the grouping keys per issue, on PostgreSQL. */
export function createPgGroupingQueries(db: PgDb): GroupingStore {
  const stmt = {
    get: pgStatement("groupings.settings", "SELECT * FROM project_grouping_settings WHERE project_id = $1"),
    issueGroupings: pgStatement("groupings.ofIssue", "SELECT hash, grouping_key, mechanism, created_at FROM groupings WHERE issue_id = $1 ORDER BY id"),
  };
  return {
    async getGroupingSettings(projectId) {
      const row = await db.first(stmt.get, [projectId]);
      return row ? _settings(row) : undefined;
    },
    async setGroupingSettings(projectId, settings, now) {
      const row = await db.first(`INSERT INTO project_grouping_settings (project_id, stack_rules, previous_stack_rules, updated_at)
        VALUES ($1, $2, $3, $4)
        ON CONFLICT (project_id) DO UPDATE SET stack_rules = excluded.stack_rules, previous_stack_rules = excluded.previous_stack_rules,
          updated_at = excluded.updated_at
        RETURNING *`, [projectId, settings.stackRules, JSON.stringify(settings.previousStackRules), now]);
      return _settings(row!);
    },
    listIssueGroupings: async (issueId) => (await db.rows(stmt.issueGroupings, [issueId])).map((r) => ({
      hash: String(r.hash), key: String(r.grouping_key), mechanism: String(r.mechanism), createdAtSec: Number(r.created_at),
    })),
  };
}

// --- Internal ---

/** Same reading as SQLite's (src/store/sqlite/groupings.ts): a value that is not a JSON list means no earlier rules. */
function _settings(row: Record<string, unknown>): GroupingSettings {
  let previous: GroupingSettings["previousStackRules"] = [];
  try {
    const parsed = JSON.parse(String(row.previous_stack_rules));
    if (Array.isArray(parsed)) {
      previous = parsed.filter((p) => p && typeof p.rules === "string" && typeof p.replacedAt === "number")
        .map((p) => ({ rules: p.rules as string, replacedAt: p.replacedAt as number }));
    }
  } catch {
    // a hand-edited value that is not JSON: no earlier rules
  }
  return { projectId: Number(row.project_id), stackRules: String(row.stack_rules), previousStackRules: previous, updatedAtSec: Number(row.updated_at) };
}
