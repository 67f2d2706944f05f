import type { IssueFilter, SpikeStats } from "../types.ts";
import type { IssueStatus } from "../issue-status.ts";
import { DRIVEN_MAX_ROWS, SORT_KEYS, type Branch, type HotCandidate, type IssueListReads, type KeyedRow } from "../issue-pages.ts";
import type { PgDb } from "./pg-db.ts";
import { pgAssigneeConditionSql } from "./activity.ts";
import { pgOwnerConditionSql } from "./ownership.ts";

/**
 * The reads of one issue list on PostgreSQL (the page assembly is src/store/issue-pages.ts): the
 * same branches as on SQLite, each an index range of issues_list_by_* read backwards from a row
 * comparison. Free text is `ILIKE '%word%'` on the issue's text (`issue_search_text`) row by row;
 * a rare word drives the list through the trigram GIN index on that text instead.
 */
export function createPgIssueListReads(db: PgDb, filter: IssueFilter, spikeStats: (issueIds: number[], nowMs: number) => Promise<SpikeStats[]>): IssueListReads {
  const keys = SORT_KEYS[filter.sort];
  const keyList = keys.map((k) => `i.${k}`).join(", ");
  const orderDesc = keys.map((k) => `i.${k} DESC`).join(", ");
  const orderAsc = keys.map((k) => `i.${k} ASC`).join(", ");
  const nowSec = filter.nowMs / 1000;
  let drivenIds: number[] | undefined;
  const toRow = (r: Record<string, unknown>): KeyedRow => ({ id: Number(r.id), key: keys.map((k) => Number(r[k])) });

  return {
    async allProjectIds() {
      return (await db.rows<{ id: number }>("SELECT id FROM projects ORDER BY id")).map((r) => Number(r.id));
    },
    async hasSelectiveFilter() {
      for (const d of _drivers(filter)) {
        const ids = (await db.rows<{ id: number }>(`${d.sql} LIMIT ${DRIVEN_MAX_ROWS + 1}`, d.params)).map((r) => Number(r.id));
        if (ids.length <= DRIVEN_MAX_ROWS && (!drivenIds || ids.length < drivenIds.length)) drivenIds = ids;
      }
      return drivenIds !== undefined;
    },
    async walk(branch: Branch, from, backwards, limit, coldOnly) {
      const params: unknown[] = [];
      const p = (value: unknown) => `$${params.push(value)}`;
      const where: string[] = [];
      if (branch.kind === "index") {
        where.push(`i.project_id = ${p(branch.projectId)}`, `i.status = ${p(branch.status)}`);
      } else {
        where.push(`i.id = ANY(${p(drivenIds)}::bigint[])`, ..._scope(filter, p));
      }
      if (coldOnly) where.push(`i.hot_until <= ${p(nowSec)}`);
      if (from) where.push(`(${keyList}) ${backwards ? ">" : "<"} (${from.map((v) => p(v)).join(", ")})`);
      where.push(..._conditions(filter, p));
      const sql = `SELECT ${keyList} FROM issues i WHERE ${where.join(" AND ")} ORDER BY ${backwards ? orderAsc : orderDesc} LIMIT ${p(limit)}`;
      return (await db.rows(sql, params)).map(toRow);
    },
    async hotCandidates(projectIds, statuses) {
      const params: unknown[] = [];
      const p = (value: unknown) => `$${params.push(value)}`;
      const where = [`i.hot_until > ${p(nowSec)}`, `i.project_id = ANY(${p(projectIds)}::bigint[])`, `i.status = ANY(${p(statuses)}::text[])`, ..._conditions(filter, p)];
      const rows = await db.rows(`SELECT ${keyList}, i.first_seen, i.status, i.substatus, i.regressed_at FROM issues i WHERE ${where.join(" AND ")}`, params);
      return rows.map((r): HotCandidate => ({
        ...toRow(r), firstSeenSec: Number(r.first_seen), status: r.status as IssueStatus, substatus: String(r.substatus),
        regressedAtSec: r.regressed_at === null ? null : Number(r.regressed_at),
      }));
    },
    async spiking(issueIds) {
      return new Set((await spikeStats(issueIds, filter.nowMs)).filter((s) => s.isSpiking).map((s) => s.issueId));
    },
    async keyOf(issueId) {
      const row = await db.first(`SELECT ${keyList} FROM issues i WHERE i.id = $1`, [issueId]);
      return row ? keys.map((k) => Number(row[k])) : undefined;
    },
  };
}

// --- Internal ---

const _TEXT = "(s.title || ' ' || s.culprit || ' ' || s.message || ' ' || s.tags)";

/** The filter's conditions on `issues i` other than project and status. */
function _conditions(filter: IssueFilter, p: (value: unknown) => string): string[] {
  const out: string[] = [];
  if (filter.levels?.length) out.push(`i.level = ANY(${p(filter.levels)}::text[])`);
  for (const tag of filter.tags) {
    const glob = tag.value.includes("*");
    const match = glob ? `LIKE ${p(_globToLike(tag.value))} ESCAPE '\\'` : `= ${p(tag.value)}`;
    out.push(`${tag.negate ? "NOT " : ""}EXISTS (SELECT 1 FROM issue_tag_values t WHERE t.issue_id = i.id AND t.key = ${p(tag.key)} AND t.value ${match})`);
  }
  if (filter.seenWithin) out.push(`i.last_seen >= ${p(filter.seenWithin.startSec)} AND i.first_seen <= ${p(filter.seenWithin.endSec)}`);
  for (const condition of filter.assignees ?? []) out.push(pgAssigneeConditionSql(condition, p));
  for (const condition of filter.owners ?? []) out.push(pgOwnerConditionSql(condition, p));
  for (const word of filter.text) {
    out.push(`EXISTS (SELECT 1 FROM issue_search_text s WHERE s.issue_id = i.id AND ${_TEXT} ILIKE ${p(_likeWord(word))} ESCAPE '\\')`);
  }
  return out;
}

/** The conditions that can name their issues from an index: free-text words (3+ characters: trigrams) and exact tag values. */
function _drivers(filter: IssueFilter): { sql: string; params: unknown[] }[] {
  const out: { sql: string; params: unknown[] }[] = [];
  for (const word of filter.text) {
    if ([...word].length >= 3) out.push({ sql: `SELECT s.issue_id AS id FROM issue_search_text s WHERE ${_TEXT} ILIKE $1 ESCAPE '\\'`, params: [_likeWord(word)] });
  }
  for (const tag of filter.tags) {
    if (!tag.negate && !tag.value.includes("*")) out.push({ sql: "SELECT issue_id AS id FROM issue_tag_values WHERE key = $1 AND value = $2", params: [tag.key, tag.value] });
  }
  return out;
}

/** Project and status of a driven branch (an index branch names one of each). */
function _scope(filter: IssueFilter, p: (value: unknown) => string): string[] {
  const out: string[] = [];
  if (filter.projectIds) out.push(`i.project_id = ANY(${p(filter.projectIds)}::bigint[])`);
  if (filter.statuses?.length) out.push(`i.status = ANY(${p(filter.statuses)}::text[])`);
  return out;
}

function _likeWord(word: string): string {
  return `%${word.replace(/[\\%_]/g, (c) => "\\" + c)}%`;
}

/** Sentry's tag wildcard (`*`) as a LIKE pattern; everything else matches literally. */
function _globToLike(value: string): string {
  return value.replace(/[\\%_]/g, (c) => "\\" + c).replace(/\*/g, "%");
}
