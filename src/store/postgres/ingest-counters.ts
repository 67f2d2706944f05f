import type { WritePlan } from "../write-plan.ts";
import type { PgExecutor } from "./pg-db.ts";

/**
 * Step 5 of the write plan on PostgreSQL: the aggregated per-key counters, one multi-row upsert
 * per table (`INSERT … SELECT FROM unnest(…) ON CONFLICT DO UPDATE`), rows sorted by key so two
 * batches touching the same keys lock them in the same order (no deadlock between them). The plan
 * lists each key once, as a multi-row upsert requires ("cannot affect row a second time").
 * `ids` maps issue indexes to issue ids.
 */
export async function upsertPlanCounters(tx: PgExecutor, plan: WritePlan, ids: readonly number[]): Promise<void> {
  const tags = _sorted(plan.tagValues.map((t) => ({ ...t, issueId: ids[t.issue]! })), (t) => [t.issueId, t.key, t.value]);
  if (tags.length) {
    await tx.run(`INSERT INTO issue_tag_values AS t (issue_id, key, value, times_seen, first_seen, last_seen)
      SELECT * FROM unnest($1::bigint[], $2::text[], $3::text[], $4::bigint[], $5::float8[], $6::float8[])
      ON CONFLICT (issue_id, key, value) DO UPDATE SET times_seen = t.times_seen + excluded.times_seen,
        first_seen = LEAST(t.first_seen, excluded.first_seen), last_seen = GREATEST(t.last_seen, excluded.last_seen)`,
    [_col(tags, "issueId"), _col(tags, "key"), _col(tags, "value"), _col(tags, "count"), _col(tags, "firstSeenSec"), _col(tags, "lastSeenSec")]);
  }
  const hourly = _sorted(plan.hourlyCounts.map((h) => ({ ...h, issueId: ids[h.issue]! })), (h) => [h.issueId, h.hour]);
  if (hourly.length) {
    await tx.run(`INSERT INTO issue_hourly_counts AS h (issue_id, hour, event_count) SELECT * FROM unnest($1::bigint[], $2::integer[], $3::bigint[])
      ON CONFLICT (issue_id, hour) DO UPDATE SET event_count = h.event_count + excluded.event_count`,
    [_col(hourly, "issueId"), _col(hourly, "hour"), _col(hourly, "count")]);
  }
  await _upsertReleases(tx, plan.releases);
  const releaseHourly = _sorted(plan.releaseHourlyEvents, (r) => [r.projectId, r.release, r.environment, r.hour]);
  if (releaseHourly.length) {
    await tx.run(`INSERT INTO release_hourly_events AS r (project_id, release, environment, hour, event_count)
      SELECT * FROM unnest($1::bigint[], $2::text[], $3::text[], $4::integer[], $5::bigint[])
      ON CONFLICT (project_id, release, environment, hour) DO UPDATE SET event_count = r.event_count + excluded.event_count`,
    [_col(releaseHourly, "projectId"), _col(releaseHourly, "release"), _col(releaseHourly, "environment"), _col(releaseHourly, "hour"), _col(releaseHourly, "count")]);
  }
  const regressions = _sorted(plan.releaseRegressions.map((r) => ({ ...r, issueId: ids[r.issue]! })), (r) => [r.projectId, r.release, r.issueId]);
  if (regressions.length) {
    await tx.run(`INSERT INTO release_regressions (project_id, release, issue_id, regressed_at) SELECT * FROM unnest($1::bigint[], $2::text[], $3::bigint[], $4::float8[])
      ON CONFLICT (project_id, release, issue_id) DO UPDATE SET regressed_at = excluded.regressed_at`,
    [_col(regressions, "projectId"), _col(regressions, "release"), _col(regressions, "issueId"), _col(regressions, "regressedAtSec")]);
  }
  const usage = _sorted(plan.usage, (u) => [u.projectId, u.month]);
  if (usage.length) {
    await tx.run(`INSERT INTO project_usage AS u (project_id, month, accepted_events) SELECT * FROM unnest($1::bigint[], $2::integer[], $3::bigint[])
      ON CONFLICT (project_id, month) DO UPDATE SET accepted_events = u.accepted_events + excluded.accepted_events`,
    [_col(usage, "projectId"), _col(usage, "month"), _col(usage, "acceptedEvents")]);
  }
  const items = _sorted(plan.itemCounts, (c) => [c.projectId, c.itemType, c.day]);
  if (items.length) {
    await tx.run(`INSERT INTO item_counts AS c (project_id, item_type, day, item_count) SELECT * FROM unnest($1::bigint[], $2::text[], $3::integer[], $4::bigint[])
      ON CONFLICT (project_id, item_type, day) DO UPDATE SET item_count = c.item_count + excluded.item_count`,
    [_col(items, "projectId"), _col(items, "itemType"), _col(items, "day"), _col(items, "count")]);
  }
  const outcomes = _sorted(plan.outcomes, (o) => [o.projectId, o.day, o.outcome, o.reason, o.category]);
  if (outcomes.length) {
    await tx.run(`INSERT INTO project_outcomes AS o (project_id, day, outcome, reason, category, quantity)
      SELECT * FROM unnest($1::bigint[], $2::integer[], $3::text[], $4::text[], $5::text[], $6::bigint[])
      ON CONFLICT (project_id, day, outcome, reason, category) DO UPDATE SET quantity = o.quantity + excluded.quantity`,
    [_col(outcomes, "projectId"), _col(outcomes, "day"), _col(outcomes, "outcome"), _col(outcomes, "reason"), _col(outcomes, "category"), _col(outcomes, "quantity")]);
  }
}

/** Rows sorted by a key of strings and numbers (the lock order of an upsert). */
export function sortedByKey<T>(rows: readonly T[], key: (row: T) => readonly (string | number)[]): T[] {
  return _sorted(rows, key);
}

/** One column of rows, as an array parameter for unnest(). */
export function column<T, K extends keyof T>(rows: readonly T[], name: K): T[K][] {
  return _col(rows, name);
}

// --- Internal ---

/**
 * Per-project releases: first event = min, last event = max. A release new to its project also
 * becomes an organization release of that project (what SQLite does with a trigger), dated by
 * its first event; an existing organization release just gains the project.
 */
async function _upsertReleases(tx: PgExecutor, planned: WritePlan["releases"]): Promise<void> {
  const releases = _sorted(planned, (r) => [r.projectId, r.version]);
  if (releases.length === 0) return;
  const inserted = await tx.rows<{ project_id: number; version: string; first_event: number }>(`INSERT INTO releases AS r (project_id, version, first_event, last_event)
    SELECT * FROM unnest($1::bigint[], $2::text[], $3::float8[], $4::float8[])
    ON CONFLICT (project_id, version) DO UPDATE SET first_event = LEAST(r.first_event, excluded.first_event), last_event = GREATEST(r.last_event, excluded.last_event)
    RETURNING project_id, version, first_event, (xmax = 0) AS inserted`,
  [_col(releases, "projectId"), _col(releases, "version"), _col(releases, "firstEventSec"), _col(releases, "lastEventSec")]);
  const fresh = inserted.filter((r) => (r as { inserted?: boolean }).inserted);
  if (fresh.length === 0) return;
  const values = [fresh.map((r) => r.project_id), fresh.map((r) => r.version), fresh.map((r) => r.first_event)];
  await tx.run(`INSERT INTO org_releases (organization_id, version, date_created)
    SELECT p.organization_id, v.version, v.first_event FROM unnest($1::bigint[], $2::text[], $3::float8[]) AS v(project_id, version, first_event)
    JOIN projects p ON p.id = v.project_id ORDER BY p.organization_id, v.version
    ON CONFLICT (organization_id, version) DO NOTHING`, values);
  await tx.run(`INSERT INTO org_release_projects (release_id, project_id)
    SELECT r.id, p.id FROM unnest($1::bigint[], $2::text[], $3::float8[]) AS v(project_id, version, first_event)
    JOIN projects p ON p.id = v.project_id JOIN org_releases r ON r.organization_id = p.organization_id AND r.version = v.version
    ORDER BY r.id, p.id ON CONFLICT DO NOTHING`, values);
}

function _sorted<T>(rows: readonly T[], key: (row: T) => readonly (string | number)[]): T[] {
  const keyed = rows.map((row) => ({ row, k: key(row) }));
  keyed.sort((a, b) => {
    for (let i = 0; i < a.k.length; i++) if (a.k[i] !== b.k[i]) return a.k[i]! < b.k[i]! ? -1 : 1;
    return 0;
  });
  return keyed.map((x) => x.row);
}

function _col<T, K extends keyof T>(rows: readonly T[], name: K): T[K][] {
  return rows.map((r) => r[name]);
}
