import type { HourlyCount, Issue, IssueFilter, IssueStatus, Store, TagValueCount } from "../types.ts";
import { BASELINE_HOURS, computeSpike, NEW_ISSUE_WINDOW_SECONDS, REGRESSED_WINDOW_SECONDS, SPIKE_FACTOR, SPIKE_MIN_EVENTS, spikeWindow } from "../triage.ts";
import { pgStatement, type PgDb } from "./pg-db.ts";
import { pgAssigneeConditionSql } from "./activity.ts";
import { pgOwnerConditionSql } from "./ownership.ts";

const SORT_SQL: Record<IssueFilter["sort"], string> = {
  date: "i.last_seen DESC, i.id DESC",
  new: "i.first_seen DESC, i.id DESC",
  freq: "i.event_count DESC, i.id DESC",
  user: "i.user_count DESC, i.event_count DESC, i.id DESC",
  priority: "hot DESC, i.user_count DESC, i.event_count DESC, i.last_seen DESC, i.id DESC",
};

const ISSUE_COLUMNS = `i.*, (SELECT g.grouping_key FROM groupings g WHERE g.issue_id = i.id ORDER BY g.id LIMIT 1) AS grouping_key,
  (SELECT g.mechanism FROM groupings g WHERE g.issue_id = i.id ORDER BY g.id LIMIT 1) AS grouping_mechanism`;

/**
 * Issue reads and status changes on PostgreSQL: the same filters, sorts and triage rule as the
 * SQLite store (src/store/triage.ts), text search without case (ILIKE, as SQLite's LIKE), tag
 * values with `*` wildcards.
 */
export function createPgIssueQueries(db: PgDb) {
  const stmt = {
    byId: pgStatement("issues.byId", `SELECT ${ISSUE_COLUMNS} FROM issues i WHERE i.id = $1`),
    byIds: pgStatement("issues.byIds", `SELECT ${ISSUE_COLUMNS} FROM issues i WHERE i.id = ANY($1::bigint[])`),
    byShortId: pgStatement("issues.byShortId", `SELECT ${ISSUE_COLUMNS} FROM issues i WHERE i.project_id = $1 AND i.short_id = $2`),
    hourly: pgStatement("issues.hourly", "SELECT issue_id, hour, event_count FROM issue_hourly_counts WHERE issue_id = ANY($1::bigint[]) AND hour >= $2"),
    tagKeys: pgStatement("issues.tagKeys", `SELECT key, sum(times_seen) AS total, count(*) AS uniq FROM issue_tag_values WHERE issue_id = $1
      GROUP BY key ORDER BY total DESC, key`),
    tagValues: pgStatement("issues.tagValues", `SELECT value, times_seen, first_seen, last_seen FROM issue_tag_values WHERE issue_id = $1 AND key = $2
      ORDER BY times_seen DESC, value LIMIT $3`),
  };
  const getIssue = async (id: number) => {
    const row = await db.first(stmt.byId, [id]);
    return row ? _issue(row) : undefined;
  };
  const hourlyCounts = async (issueIds: number[], sinceHour: number): Promise<HourlyCount[]> => {
    if (issueIds.length === 0) return [];
    return (await db.rows(stmt.hourly, [issueIds, sinceHour])).map((r) => ({ issueId: Number(r.issue_id), hour: Number(r.hour), count: Number(r.event_count) }));
  };

  const methods = {
    async listIssues(filter) {
      const params: unknown[] = [];
      const p = (value: unknown) => `$${params.push(value)}`;
      const where: string[] = [];
      if (filter.projectIds) {
        if (filter.projectIds.length === 0) return [];
        where.push(`i.project_id = ANY(${p(filter.projectIds)}::bigint[])`);
      }
      if (filter.statuses?.length) where.push(`i.status = ANY(${p(filter.statuses)}::text[])`);
      if (filter.levels?.length) where.push(`i.level = ANY(${p(filter.levels)}::text[])`);
      for (const tag of filter.tags) {
        const glob = tag.value.includes("*");
        const match = glob ? `LIKE ${p(_globToLike(tag.value))} ESCAPE '\\'` : `= ${p(tag.value)}`;
        where.push(`${tag.negate ? "NOT " : ""}EXISTS (SELECT 1 FROM issue_tag_values t WHERE t.issue_id = i.id AND t.key = ${p(tag.key)} AND t.value ${match})`);
      }
      if (filter.seenWithin) where.push(`i.last_seen >= ${p(filter.seenWithin.startSec)} AND i.first_seen <= ${p(filter.seenWithin.endSec)}`);
      for (const condition of filter.assignees ?? []) where.push(pgAssigneeConditionSql(condition, p));
      for (const condition of filter.owners ?? []) where.push(pgOwnerConditionSql(condition, p));
      for (const word of filter.text) {
        const like = p(`%${word.replace(/[\\%_]/g, (c) => "\\" + c)}%`);
        where.push(`(i.title ILIKE ${like} ESCAPE '\\' OR i.culprit ILIKE ${like} ESCAPE '\\')`);
      }
      const whereSql = where.length ? "WHERE " + where.join(" AND ") : "";
      if (filter.sort === "priority") {
        // as on SQLite: one pass over the last ~26 hours of hourly counts, the page's ids, then its rows
        const w = spikeWindow(filter.nowMs);
        const [cur, weight, from] = [p(w.currentHour), p(w.previousWeight), p(w.baselineFromHour)];
        const nowSec = filter.nowMs / 1000;
        const sql = `WITH recent AS (
            SELECT issue_id,
              sum(CASE WHEN hour = ${cur} THEN event_count WHEN hour = ${cur} - 1 THEN event_count * ${weight}::double precision ELSE 0 END) AS last_hour,
              sum(CASE WHEN hour < ${cur} - 1 THEN event_count ELSE 0 END) / ${BASELINE_HOURS}.0 AS baseline
            FROM issue_hourly_counts WHERE hour >= ${from} AND hour <= ${cur} GROUP BY issue_id)
          SELECT i.id, (i.first_seen >= ${p(nowSec - NEW_ISSUE_WINDOW_SECONDS)}
            OR (i.status = 'unresolved' AND i.substatus = 'regressed' AND i.regressed_at >= ${p(nowSec - REGRESSED_WINDOW_SECONDS)})
            OR (coalesce(r.last_hour, 0) >= ${SPIKE_MIN_EVENTS} AND r.last_hour >= ${SPIKE_FACTOR} * r.baseline)) AS hot
          FROM issues i LEFT JOIN recent r ON r.issue_id = i.id ${whereSql}
          ORDER BY ${SORT_SQL.priority} LIMIT ${p(filter.limit)} OFFSET ${p(filter.offset)}`;
        const ids = (await db.rows<{ id: number }>(sql, params)).map((r) => r.id);
        const byId = new Map((await db.rows(stmt.byIds, [ids])).map((r) => [Number(r.id), _issue(r)]));
        return ids.map((id) => byId.get(id)!).filter(Boolean);
      }
      const sql = `SELECT ${ISSUE_COLUMNS} FROM issues i ${whereSql} ORDER BY ${SORT_SQL[filter.sort]} LIMIT ${p(filter.limit)} OFFSET ${p(filter.offset)}`;
      return (await db.rows(sql, params)).map(_issue);
    },
    getIssue,
    async getIssueByShortId(projectId, shortId) {
      const row = await db.first(stmt.byShortId, [projectId, shortId]);
      return row ? _issue(row) : undefined;
    },
    async setIssueStatus(id, status, now) {
      await db.run(`UPDATE issues SET status = $1, status_changed_at = $2,
        substatus = CASE WHEN $1 = 'unresolved' THEN 'ongoing' ELSE substatus END WHERE id = $3`, [status, now, id]);
      return getIssue(id);
    },
    hourlyCounts,
    async spikeStats(issueIds, nowMs) {
      if (issueIds.length === 0) return [];
      const rows = await hourlyCounts(issueIds, spikeWindow(nowMs).baselineFromHour);
      return issueIds.map((issueId) => ({ issueId, ...computeSpike(rows.filter((r) => r.issueId === issueId), nowMs) }));
    },
    async issueTagSummary(issueId, topN) {
      const keys = await db.rows(stmt.tagKeys, [issueId]);
      return Promise.all(keys.map(async (k) => ({
        key: String(k.key), totalValues: Number(k.total), uniqueValues: Number(k.uniq),
        topValues: (await db.rows(stmt.tagValues, [issueId, k.key, topN])).map(_tagValue),
      })));
    },
    issueTagValues: async (issueId, key, limit) => (await db.rows(stmt.tagValues, [issueId, key, limit])).map(_tagValue),
  } satisfies Partial<Store>;
  return methods as Pick<Store, keyof typeof methods>;
}

// --- Internal ---

/** Sentry's tag wildcard (`*`) as a LIKE pattern; everything else matches literally. */
function _globToLike(value: string): string {
  return value.replace(/[\\%_]/g, (c) => "\\" + c).replace(/\*/g, "%");
}

function _tagValue(r: Record<string, unknown>): TagValueCount {
  return { value: String(r.value), count: Number(r.times_seen), firstSeenSec: Number(r.first_seen), lastSeenSec: Number(r.last_seen) };
}

function _issue(row: Record<string, unknown>): Issue {
  return {
    id: Number(row.id),
    projectId: Number(row.project_id),
    shortId: Number(row.short_id),
    title: String(row.title),
    culprit: String(row.culprit),
    type: String(row.type),
    level: String(row.level),
    platform: String(row.platform),
    metadata: JSON.parse(String(row.metadata)),
    status: row.status as IssueStatus,
    substatus: String(row.substatus),
    isUnhandled: row.is_unhandled === true,
    firstSeenSec: Number(row.first_seen),
    lastSeenSec: Number(row.last_seen),
    firstRelease: row.first_release === null ? null : String(row.first_release),
    lastRelease: row.last_release === null ? null : String(row.last_release),
    eventCount: Number(row.event_count),
    userCount: Number(row.user_count),
    statusChangedAtSec: row.status_changed_at === null ? null : Number(row.status_changed_at),
    regressedAtSec: row.regressed_at === null ? null : Number(row.regressed_at),
    groupingKey: String(row.grouping_key ?? ""),
    groupingMechanism: String(row.grouping_mechanism ?? ""),
  };
}
