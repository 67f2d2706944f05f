import type { SqliteDatabase } from "./sqlite-binding.ts";
import type { HourlyCount, Issue, IssueFilter, IssueStatus, SpikeStats, TagKeySummary, TagValueCount } from "../types.ts";
import { computeSpike, spikeWindow } from "../triage.ts";
import { createSqliteIssueListReads } from "./issue-list.ts";
import { listIssueIds } from "../issue-pages.ts";

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
    hourly: db.prepare(`SELECT issue_id, hour, event_count FROM issue_hourly_counts
        WHERE issue_id IN (SELECT value FROM json_each(?)) AND hour >= ?`),
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
    listIssues(filter: IssueFilter): Promise<Issue[]> {
      return listIssueIds(filter, createSqliteIssueListReads(filter, prepareCached, (ids, nowMs) => this.spikeStats(ids, nowMs)))
        .then((ids) => ids.map((id) => _issue(stmt.byId.get(id))));
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
      return (stmt.hourly.all(JSON.stringify(issueIds), sinceHour) as Record<string, number>[]).map((r) => ({
        issueId: r.issue_id!, hour: r.hour!, count: r.event_count!,
      }));
    },
    spikeStats(issueIds: number[], nowMs: number): SpikeStats[] {
      if (issueIds.length === 0) return [];
      const w = spikeWindow(nowMs);
      const byIssue = new Map<number, HourlyCount[]>();
      for (const r of this.hourlyCounts(issueIds, w.baselineFromHour)) (byIssue.get(r.issueId) ?? byIssue.set(r.issueId, []).get(r.issueId)!).push(r);
      return issueIds.map((issueId) => ({ issueId, ...computeSpike(byIssue.get(issueId) ?? [], nowMs) }));
    },
    issueTagSummary(issueId: number, topN: number): TagKeySummary[] {
      return (stmt.tagKeys.all(issueId) as Record<string, unknown>[]).map((k) => ({
        key: String(k.key),
        totalValues: Number(k.total),
        uniqueValues: Number(k.uniq),
        topValues: topN > 0 ? (stmt.tagValues.all(issueId, k.key, topN) as Record<string, unknown>[]).map(_tagValue) : [],
      }));
    },
    issueTagValues(issueId: number, key: string, limit: number): TagValueCount[] {
      return (stmt.tagValues.all(issueId, key, limit) as Record<string, unknown>[]).map(_tagValue);
    },
  };
}

// --- Internal ---

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
