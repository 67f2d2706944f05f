import type { SqliteDatabase } from "../../src/store/sqlite/sqlite-binding.ts";

/**
 * The fast path for flood tests: inserts `count` events of an existing issue in one statement and
 * adds them to the issue's counters (event count, last seen, hourly buckets) exactly as the ingest
 * writer would, at a few µs per event instead of the writer's ~100 µs. The payload is a small plain
 * JSON event (stored as TEXT, which the event codec reads as-is).
 */
export function bulkInsertEvents(db: SqliteDatabase, opts: { projectId: number; issueId: number; count: number; firstTimestamp: number; eventIdPrefix: string }): void {
  const payload = JSON.stringify({ message: "bulk", level: "error", platform: "node", tags: [] });
  const step = 1e-6;
  db.transaction(() => {
    db.prepare(`WITH RECURSIVE seq(n) AS (SELECT 0 UNION ALL SELECT n + 1 FROM seq WHERE n < @last)
      INSERT INTO events (project_id, issue_id, event_id, timestamp, received_at, level, release, environment, user_key, trace_id, title, data)
      SELECT @projectId, @issueId, @prefix || printf('%028x', n), @t0 + n * @step, @t0 + n * @step, 'error', NULL, 'production', NULL, NULL, 'bulk', @payload
      FROM seq`).run({ last: opts.count - 1, projectId: opts.projectId, issueId: opts.issueId, prefix: opts.eventIdPrefix.padStart(4, "0").slice(-4), t0: opts.firstTimestamp, step, payload });
    const lastTs = opts.firstTimestamp + (opts.count - 1) * step;
    db.prepare("UPDATE issues SET event_count = event_count + ?, last_seen = max(last_seen, ?) WHERE id = ?").run(opts.count, lastTs, opts.issueId);
    db.prepare(`WITH RECURSIVE seq(n) AS (SELECT 0 UNION ALL SELECT n + 1 FROM seq WHERE n < @last)
      INSERT INTO issue_hourly_counts (issue_id, hour, event_count)
      SELECT @issueId, CAST((@t0 + n * @step) / 3600 AS INTEGER) AS h, count(*) FROM seq WHERE true GROUP BY h
      ON CONFLICT (issue_id, hour) DO UPDATE SET event_count = event_count + excluded.event_count`)
      .run({ last: opts.count - 1, issueId: opts.issueId, t0: opts.firstTimestamp, step });
  }).immediate();
}
