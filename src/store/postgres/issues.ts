import type { HourlyCount, Issue, IssueStatus, SpikeStats, Store, TagValueCount } from "../types.ts";
import { computeSpike, spikeWindow } from "../triage.ts";
import { listIssueIds } from "../issue-pages.ts";
import { createPgIssueListReads } from "./issue-list.ts";
import { pgStatement, type PgDb } from "./pg-db.ts";

const ISSUE_COLUMNS = `i.*, (SELECT g.grouping_key FROM groupings g WHERE g.issue_id = i.id ORDER BY g.id LIMIT 1) AS grouping_key,
  (SELECT g.mechanism FROM groupings g WHERE g.issue_id = i.id ORDER BY g.id LIMIT 1) AS grouping_mechanism`;

/**
 * Issue reads and status changes on PostgreSQL: the same lists as the SQLite store
 * (src/store/issue-pages.ts, the reads in issue-list.ts) and the same triage rule (src/store/triage.ts).
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

  const spikeStats = async (issueIds: number[], nowMs: number): Promise<SpikeStats[]> => {
    if (issueIds.length === 0) return [];
    const byIssue = new Map<number, HourlyCount[]>();
    for (const r of await hourlyCounts(issueIds, spikeWindow(nowMs).baselineFromHour)) (byIssue.get(r.issueId) ?? byIssue.set(r.issueId, []).get(r.issueId)!).push(r);
    return issueIds.map((issueId) => ({ issueId, ...computeSpike(byIssue.get(issueId) ?? [], nowMs) }));
  };

  const methods = {
    async listIssues(filter) {
      const ids = await listIssueIds(filter, createPgIssueListReads(db, filter, spikeStats));
      if (ids.length === 0) return [];
      const byId = new Map((await db.rows(stmt.byIds, [ids])).map((r) => [Number(r.id), _issue(r)]));
      return ids.map((id) => byId.get(id)).filter((issue) => issue !== undefined);
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
    spikeStats,
    async issueTagSummary(issueId, topN) {
      const keys = await db.rows(stmt.tagKeys, [issueId]);
      return Promise.all(keys.map(async (k) => ({
        key: String(k.key), totalValues: Number(k.total), uniqueValues: Number(k.uniq),
        topValues: topN > 0 ? (await db.rows(stmt.tagValues, [issueId, k.key, topN])).map(_tagValue) : [],
      })));
    },
    issueTagValues: async (issueId, key, limit) => (await db.rows(stmt.tagValues, [issueId, key, limit])).map(_tagValue),
  } satisfies Partial<Store>;
  return methods as Pick<Store, keyof typeof methods>;
}

// --- Internal ---

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
