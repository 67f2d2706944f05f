import type { Store } from "../types.ts";
import { NO_OVERRIDES, type OutcomeKind } from "../model/project-limits.ts";
import type { PgDb } from "./pg-db.ts";

/** Per-project limit overrides, monthly usage, outcome counts and the known-grouping check, on PostgreSQL. */
export function createPgProjectLimitQueries(db: PgDb) {
  const methods = {
    async getProjectLimits(projectId) {
      const row = await db.first("SELECT * FROM project_limits WHERE project_id = $1", [projectId]);
      if (!row) return { ...NO_OVERRIDES, sensitiveFields: [] };
      const num = (v: unknown) => (v === null || v === undefined ? null : Number(v));
      let sensitiveFields: string[] = [];
      try {
        const parsed = JSON.parse(String(row.sensitive_fields));
        if (Array.isArray(parsed)) sensitiveFields = parsed.map(String);
      } catch {
        // a hand-edited value that is not JSON: no extra fields
      }
      return {
        eventsPerMinute: num(row.events_per_minute), monthlyQuota: num(row.monthly_quota), maxStoredEvents: num(row.max_stored_events),
        maxEventAgeDays: num(row.max_event_age_days), scrubData: row.scrub_data === null ? null : row.scrub_data === true, sensitiveFields,
      };
    },
    async setProjectLimits(projectId, limits) {
      await db.run(`INSERT INTO project_limits (project_id, events_per_minute, monthly_quota, max_stored_events, max_event_age_days, scrub_data, sensitive_fields)
        VALUES ($1, $2, $3, $4, $5, $6, $7)
        ON CONFLICT (project_id) DO UPDATE SET events_per_minute = excluded.events_per_minute, monthly_quota = excluded.monthly_quota,
          max_stored_events = excluded.max_stored_events, max_event_age_days = excluded.max_event_age_days,
          scrub_data = excluded.scrub_data, sensitive_fields = excluded.sensitive_fields`,
      [projectId, limits.eventsPerMinute, limits.monthlyQuota, limits.maxStoredEvents, limits.maxEventAgeDays, limits.scrubData, JSON.stringify(limits.sensitiveFields)]);
    },
    monthlyUsage: async (projectId, month) =>
      Number((await db.first<{ n: number }>("SELECT accepted_events AS n FROM project_usage WHERE project_id = $1 AND month = $2", [projectId, month]))?.n ?? 0),
    async recordOutcomes(rows) {
      if (rows.length === 0) return;
      const merged = new Map<string, (typeof rows)[number]>();
      for (const r of rows) {
        const key = JSON.stringify([r.projectId, r.day, r.outcome, r.reason, r.category]);
        const seen = merged.get(key);
        merged.set(key, seen ? { ...seen, quantity: seen.quantity + r.quantity } : r);
      }
      const list = [...merged.values()].sort((a, b) => _cmp([a.projectId, a.day, a.outcome, a.reason, a.category], [b.projectId, b.day, b.outcome, b.reason, b.category]));
      await db.run(`INSERT INTO project_outcomes AS o (project_id, day, outcome, reason, category, quantity)
        SELECT * FROM unnest($1::bigint[], $2::integer[], $3::text[], $4::text[], $5::text[], $6::bigint[])
        ON CONFLICT (project_id, day, outcome, reason, category) DO UPDATE SET quantity = o.quantity + excluded.quantity`,
      [list.map((r) => r.projectId), list.map((r) => r.day), list.map((r) => r.outcome), list.map((r) => r.reason), list.map((r) => r.category), list.map((r) => r.quantity)]);
    },
    projectOutcomes: async (projectId, sinceDay) =>
      (await db.rows(`SELECT outcome, reason, category, sum(quantity) AS quantity FROM project_outcomes WHERE project_id = $1 AND day >= $2
        GROUP BY outcome, reason, category ORDER BY outcome, quantity DESC, reason, category`, [projectId, sinceDay])).map((r) => ({
        outcome: r.outcome as OutcomeKind, reason: String(r.reason), category: String(r.category), quantity: Number(r.quantity),
      })),
    isKnownGroup: async (projectId, hash) => (await db.first("SELECT 1 FROM groupings WHERE project_id = $1 AND hash = $2", [projectId, hash])) !== undefined,
  } satisfies Partial<Store>;
  return methods as Pick<Store, keyof typeof methods>;
}

// --- Internal ---

function _cmp(a: readonly (string | number)[], b: readonly (string | number)[]): number {
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return a[i]! < b[i]! ? -1 : 1;
  return 0;
}
