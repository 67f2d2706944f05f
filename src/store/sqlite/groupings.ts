import type { SqliteDatabase } from "./sqlite-binding.ts";
import type { GroupingSettings, GroupingStore } from "../model/groupings.ts";

/** Grouping settings per project and the grouping keys per issue; statements prepared once. */
export function createGroupingStore(db: SqliteDatabase): GroupingStore {
  const stmt = {
    get: db.prepare("SELECT * FROM project_grouping_settings WHERE project_id = ?"),
    upsert: db.prepare(`INSERT INTO project_grouping_settings (project_id, stack_rules, previous_stack_rules, updated_at)
      VALUES (@projectId, @stackRules, @previous, @now)
      ON CONFLICT (project_id) DO UPDATE SET stack_rules = excluded.stack_rules, previous_stack_rules = excluded.previous_stack_rules,
        updated_at = excluded.updated_at`),
    issueGroupings: db.prepare("SELECT hash, grouping_key, mechanism, created_at FROM groupings WHERE issue_id = ? ORDER BY id"),
  };
  const get = (projectId: number): GroupingSettings | undefined => {
    const row = stmt.get.get(projectId) as Record<string, unknown> | undefined;
    return row ? _settings(row) : undefined;
  };
  return {
    getGroupingSettings: async (projectId) => get(projectId),
    setGroupingSettings: async (projectId, settings, now) => {
      stmt.upsert.run({ projectId, stackRules: settings.stackRules, previous: JSON.stringify(settings.previousStackRules), now });
      return get(projectId)!;
    },
    listIssueGroupings: async (issueId) => (stmt.issueGroupings.all(issueId) as Record<string, unknown>[]).map((r) => ({
      hash: String(r.hash), key: String(r.grouping_key), mechanism: String(r.mechanism), createdAtSec: Number(r.created_at),
    })),
  };
}

// --- Internal ---

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
