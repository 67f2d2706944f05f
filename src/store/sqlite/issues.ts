import type { SqliteDatabase } from "./sqlite-binding.ts";
import type { HourlyCount, Issue, IssueFilter, IssueStatus, SpikeStats, TagKeySummary, TagValueCount } from "../types.ts";
import { computeSpike, HOT_SQL, RECENT_RATE_CTE, spikeWindow, triageParams } from "../triage.ts";
import { assigneeConditionSql } from "./activity.ts";
import { ownerConditionSql } from "./ownership.ts";

const SORT_SQL: Record<IssueFilter["sort"], string> = {
  date: "i.last_seen DESC, i.id DESC",
  new: "i.first_seen DESC, i.id DESC",
  freq: "i.event_count DESC, i.id DESC",
  user: "i.user_count DESC, i.event_count DESC, i.id DESC",
  priority: "hot DESC, i.user_count DESC, i.event_count DESC, i.last_seen DESC, i.id DESC",
};

const ISSUE_COLUMNS = `i.*, (SELECT g.grouping_key FROM groupings g WHERE g.issue_id = i.id ORDER BY g.id LIMIT 1) AS grouping_key,
  (SELECT g.mechanism FROM groupings g WHERE g.issue_id = i.id ORDER BY g.id LIMIT 1) AS grouping_mechanism`;

/** Issue reads and status changes. Filtered lists build their SQL from a fixed vocabulary. */
export function createIssueQueries(db: SqliteDatabase) {
  const stmt = {
    byId: db.prepare(`SELECT ${ISSUE_COLUMNS} FROM issues i WHERE i.id = ?`),
    byShortId: db.prepare(`SELECT ${ISSUE_COLUMNS} FROM issues i WHERE i.project_id = ? AND i.short_id = ?`),
    setStatus: db.prepare(`UPDATE issues SET status = @status, status_changed_at = @now,
        substatus = CASE WHEN @status = 'unresolved' THEN 'ongoing' ELSE substatus END WHERE id = @id`),
    tagKeys: db.prepare(`SELECT key, sum(times_seen) AS total, count(*) AS uniq FROM issue_tag_values WHERE issue_id = ?
        GROUP BY key ORDER BY total DESC, key`),
    tagValues: db.prepare(`SELECT value, times_seen, first_seen, last_seen FROM issue_tag_values WHERE issue_id = ? AND key = ?
        ORDER BY times_seen DESC, value LIMIT ?`),
  };
  const listStatements = new Map<string, ReturnType<SqliteDatabase["prepare"]>>();
  const prepareCached = (sql: string) => {
    let s = listStatements.get(sql);
    if (!s) {
      s = db.prepare(sql);
      if (listStatements.size > 200) listStatements.clear();
      listStatements.set(sql, s);
    }
    return s;
  };

  return {
    listIssues(filter: IssueFilter): Issue[] {
      const where: string[] = [];
      const params: unknown[] = [];
      const inList = (column: string, values: readonly unknown[]) => {
        where.push(`${column} IN (${values.map(() => "?").join(", ")})`);
        params.push(...values);
      };
      if (filter.projectIds) {
        if (filter.projectIds.length === 0) return [];
        inList("i.project_id", filter.projectIds);
      }
      if (filter.statuses?.length) inList("i.status", filter.statuses);
      if (filter.levels?.length) inList("i.level", filter.levels);
      for (const tag of filter.tags) {
        const glob = tag.value.includes("*");
        where.push(`${tag.negate ? "NOT " : ""}EXISTS (SELECT 1 FROM issue_tag_values t WHERE t.issue_id = i.id AND t.key = ? AND t.value ${glob ? "GLOB" : "="} ?)`);
        params.push(tag.key, glob ? _tagGlob(tag.value) : tag.value);
      }
      if (filter.seenWithin) {
        where.push("i.last_seen >= ? AND i.first_seen <= ?");
        params.push(filter.seenWithin.startSec, filter.seenWithin.endSec);
      }
      for (const c of [...(filter.assignees ?? []).map(assigneeConditionSql), ...(filter.owners ?? []).map(ownerConditionSql)]) {
        where.push(c.sql);
        params.push(...c.params);
      }
      for (const word of filter.text) {
        where.push("(i.title LIKE ? ESCAPE '\\' OR i.culprit LIKE ? ESCAPE '\\')");
        const like = `%${word.replace(/[\\%_]/g, (c) => "\\" + c)}%`;
        params.push(like, like);
      }
      const whereSql = where.length ? "WHERE " + where.join(" AND ") : "";
      if (filter.sort === "priority") {
        // The triage order needs each issue's recent rate: one pass over the last ~26 hours of the
        // hour index, then the ids of the page, then the page's columns (keeps the sort narrow).
        const sql = `WITH ${RECENT_RATE_CTE} SELECT i.id, ${HOT_SQL} AS hot FROM issues i LEFT JOIN recent r ON r.issue_id = i.id
          ${whereSql} ORDER BY ${SORT_SQL.priority} LIMIT ? OFFSET ?`;
        const ids = prepareCached(sql).pluck().all(...params, filter.limit, filter.offset, triageParams(filter.nowMs)) as number[];
        return ids.map((id) => _issue(stmt.byId.get(id)));
      }
      const sql = `SELECT ${ISSUE_COLUMNS} FROM issues i ${whereSql}
        ORDER BY ${SORT_SQL[filter.sort]} LIMIT ? OFFSET ?`;
      return prepareCached(sql).all([...params, filter.limit, filter.offset]).map(_issue);
    },
    getIssueByShortId(projectId: number, shortId: number): Issue | undefined {
      const row = stmt.byShortId.get(projectId, shortId);
      return row ? _issue(row) : undefined;
    },
    getIssue(id: number): Issue | undefined {
      const row = stmt.byId.get(id);
      return row ? _issue(row) : undefined;
    },
    setIssueStatus(id: number, status: IssueStatus, now: number): Issue | undefined {
      stmt.setStatus.run({ id, status, now });
      const row = stmt.byId.get(id);
      return row ? _issue(row) : undefined;
    },
    hourlyCounts(issueIds: number[], sinceHour: number): HourlyCount[] {
      if (issueIds.length === 0) return [];
      const sql = `SELECT issue_id, hour, event_count FROM issue_hourly_counts
        WHERE issue_id IN (${issueIds.map(() => "?").join(",")}) AND hour >= ?`;
      return (prepareCached(sql).all([...issueIds, sinceHour]) as Record<string, number>[]).map((r) => ({
        issueId: r.issue_id!, hour: r.hour!, count: r.event_count!,
      }));
    },
    spikeStats(issueIds: number[], nowMs: number): SpikeStats[] {
      if (issueIds.length === 0) return [];
      const w = spikeWindow(nowMs);
      const rows = this.hourlyCounts(issueIds, w.baselineFromHour);
      return issueIds.map((issueId) => ({ issueId, ...computeSpike(rows.filter((r) => r.issueId === issueId), nowMs) }));
    },
    issueTagSummary(issueId: number, topN: number): TagKeySummary[] {
      return (stmt.tagKeys.all(issueId) as Record<string, unknown>[]).map((k) => ({
        key: String(k.key),
        totalValues: Number(k.total),
        uniqueValues: Number(k.uniq),
        topValues: (stmt.tagValues.all(issueId, k.key, topN) as Record<string, unknown>[]).map(_tagValue),
      }));
    },
    issueTagValues(issueId: number, key: string, limit: number): TagValueCount[] {
      return (stmt.tagValues.all(issueId, key, limit) as Record<string, unknown>[]).map(_tagValue);
    },
  };
}

// --- Internal ---

/**
 * Sentry's tag wildcard (`*`) as a GLOB pattern in which everything else is literal: GLOB also
 * treats `?` and `[…]` as wildcards and has no ESCAPE clause, so those become one-character
 * classes (`[?]`, `[[]`). Case-sensitive, like PostgreSQL's LIKE in src/store/postgres/issues.ts.
 */
function _tagGlob(value: string): string {
  return value.replace(/[?[]/g, (c) => `[${c}]`);
}

function _tagValue(r: Record<string, unknown>): TagValueCount {
  return { value: String(r.value), count: Number(r.times_seen), firstSeenSec: Number(r.first_seen), lastSeenSec: Number(r.last_seen) };
}

function _issue(r: unknown): Issue {
  const row = r as Record<string, unknown>;
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
    isUnhandled: row.is_unhandled === 1,
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
