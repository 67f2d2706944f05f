import type { SqliteDatabase } from "./sqlite-binding.ts";
import { NO_OVERRIDES, type ProjectLimitOverrides, type OutcomeKind, type OutcomeCount } from "../model/project-limits.ts";

/** Per-project limit overrides, monthly usage and outcome counts; statements prepared once. */
export function createProjectLimitQueries(db: SqliteDatabase) {
  const stmt = {
    getLimits: db.prepare("SELECT * FROM project_limits WHERE project_id = ?"),
    upsertLimits: db.prepare(`INSERT INTO project_limits (project_id, events_per_minute, monthly_quota, max_stored_events, max_event_age_days,
        scrub_data, sensitive_fields)
      VALUES (@projectId, @eventsPerMinute, @monthlyQuota, @maxStoredEvents, @maxEventAgeDays, @scrubData, @sensitiveFields)
      ON CONFLICT (project_id) DO UPDATE SET events_per_minute = excluded.events_per_minute, monthly_quota = excluded.monthly_quota,
        max_stored_events = excluded.max_stored_events, max_event_age_days = excluded.max_event_age_days,
        scrub_data = excluded.scrub_data, sensitive_fields = excluded.sensitive_fields`),
    usage: db.prepare("SELECT accepted_events FROM project_usage WHERE project_id = ? AND month = ?").pluck(),
    addOutcome: db.prepare(`INSERT INTO project_outcomes (project_id, day, outcome, reason, category, quantity) VALUES (?, ?, ?, ?, ?, ?)
      ON CONFLICT (project_id, day, outcome, reason, category) DO UPDATE SET quantity = quantity + excluded.quantity`),
    outcomes: db.prepare(`SELECT outcome, reason, category, sum(quantity) AS quantity FROM project_outcomes
      WHERE project_id = ? AND day >= ? GROUP BY outcome, reason, category ORDER BY outcome, quantity DESC, reason, category`),
    knownGroup: db.prepare("SELECT 1 FROM groupings WHERE project_id = ? AND hash = ?").pluck(),
  };
  const recordOutcomes = db.transaction((rows: { projectId: number; day: number; outcome: OutcomeKind; reason: string; category: string; quantity: number }[]) => {
    for (const r of rows) stmt.addOutcome.run(r.projectId, r.day, r.outcome, r.reason, r.category, r.quantity);
  });

  return {
    getProjectLimits(projectId: number): ProjectLimitOverrides {
      const row = stmt.getLimits.get(projectId) as Record<string, unknown> | undefined;
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
        eventsPerMinute: num(row.events_per_minute),
        monthlyQuota: num(row.monthly_quota),
        maxStoredEvents: num(row.max_stored_events),
        maxEventAgeDays: num(row.max_event_age_days),
        scrubData: row.scrub_data === null ? null : row.scrub_data === 1,
        sensitiveFields,
      };
    },
    setProjectLimits(projectId: number, limits: ProjectLimitOverrides): void {
      stmt.upsertLimits.run({
        projectId, eventsPerMinute: limits.eventsPerMinute, monthlyQuota: limits.monthlyQuota, maxStoredEvents: limits.maxStoredEvents,
        maxEventAgeDays: limits.maxEventAgeDays, scrubData: limits.scrubData === null ? null : limits.scrubData ? 1 : 0,
        sensitiveFields: JSON.stringify(limits.sensitiveFields),
      });
    },
    monthlyUsage: (projectId: number, month: number): number => Number(stmt.usage.get(projectId, month) ?? 0),
    recordOutcomes: (rows: { projectId: number; day: number; outcome: OutcomeKind; reason: string; category: string; quantity: number }[]) =>
      void recordOutcomes.immediate(rows),
    outcomes: (projectId: number, sinceDay: number): OutcomeCount[] =>
      (stmt.outcomes.all(projectId, sinceDay) as Record<string, unknown>[]).map((r) => ({
        outcome: r.outcome as OutcomeKind, reason: String(r.reason), category: String(r.category), quantity: Number(r.quantity),
      })),
    isKnownGroup: (projectId: number, hash: string): boolean => stmt.knownGroup.get(projectId, hash) !== undefined,
  };
}
