import type { SqliteDatabase } from "./sqlite-binding.ts";

type SqliteStatement = ReturnType<SqliteDatabase["prepare"]>;
import type { IssueFilter, SpikeStats } from "../types.ts";
import type { IssueStatus } from "../issue-status.ts";
import { assigneeConditionSql } from "./activity.ts";
import { ownerConditionSql } from "./ownership.ts";
import { DRIVEN_MAX_ROWS, HOT_DAY_SEC, SORT_KEYS, type HotCandidate, type IssueListReads, type KeyedRow, type WalkSpec } from "../issue-pages.ts";
import { NEW_ISSUE_WINDOW_SECONDS, REGRESSED_WINDOW_SECONDS } from "../triage.ts";

/** The index each sort walks (migration 016): (project_id, status, …the sort key). */
const SORT_INDEX: Record<IssueFilter["sort"], string> = {
  date: "issues_list_by_last_seen",
  new: "issues_list_by_first_seen",
  freq: "issues_list_by_events",
  user: "issues_list_by_users",
  priority: "issues_list_by_users",
};

/**
 * The reads of one issue list on SQLite (the page assembly is src/store/issue-pages.ts). Branch
 * walks name their index (INDEXED BY): the planner would otherwise often prefer a free-text or
 * tag subquery and sort every match, which is what the driven branch is for when it is small.
 * Free text: every word is tested on the issue's text row by row (LIKE, any case); a rare word
 * of 3+ characters drives the list through the FTS5 trigram index (`issue_search`) instead.
 */
export function createSqliteIssueListReads(filter: IssueFilter, prepare: (sql: string) => SqliteStatement,
  spikeStats: (issueIds: number[], nowMs: number) => SpikeStats[]): IssueListReads {
  const keys = SORT_KEYS[filter.sort];
  const keyList = keys.map((k) => `i.${k}`).join(", ");
  const orderDesc = keys.map((k) => `i.${k} DESC`).join(", ");
  const orderAsc = keys.map((k) => `i.${k} ASC`).join(", ");
  const nowSec = filter.nowMs / 1000;
  const conditions = _conditions(filter);
  const drivers = _drivers(filter);
  let driver: { sql: string; params: unknown[]; count: number } | undefined;
  const toRow = (r: unknown[]): KeyedRow => ({ id: Number(r[0]), key: keys.map((_, i) => Number(r[i + 1])) });
  const toCandidate = (r: unknown[]): HotCandidate => {
    const n = keys.length + 1;
    return { ...toRow(r), firstSeenSec: Number(r[n]), status: r[n + 1] as IssueStatus, substatus: String(r[n + 2]), regressedAtSec: r[n + 3] === null ? null : Number(r[n + 3]) };
  };

  return {
    async allProjectIds() {
      return prepare("SELECT id FROM projects ORDER BY id").pluck().all() as number[];
    },
    async hasSelectiveFilter() {
      // the driver that matches fewest issues, if one matches at most DRIVEN_MAX_ROWS: its ids
      for (const d of drivers) {
        const ids = prepare(`${d.sql} LIMIT ${DRIVEN_MAX_ROWS + 1}`).pluck().all(...d.params) as number[];
        if (ids.length <= DRIVEN_MAX_ROWS && (!driver || ids.length < driver.count)) driver = { sql: "SELECT value FROM json_each(?)", params: [JSON.stringify(ids)], count: ids.length };
      }
      return driver !== undefined;
    },
    async walks(specs) {
      return specs.map((spec) => _walk(spec));
    },
    async spiking(issueIds) {
      return new Set(spikeStats(issueIds, filter.nowMs).filter((s) => s.isSpiking).map((s) => s.issueId));
    },
    async anchorOf(issueId) {
      const row = prepare(`SELECT i.id, ${keyList}, ${_TRIAGE_COLUMNS}, i.hot_until FROM issues i WHERE i.id = ?`).raw().get(issueId) as unknown[] | undefined;
      return row ? { ...toCandidate(row), hotUntilSec: Number(row[keys.length + 5]) } : undefined;
    },
  };

  function _walk(spec: WalkSpec): KeyedRow[] {
    const { branch, part, from, backwards } = spec;
    const where: string[] = [];
    const params: unknown[] = [];
    let indexed = "";
    if (branch.kind === "index") {
      indexed = `INDEXED BY ${part.kind === "hot" ? "issues_hot_list" : SORT_INDEX[filter.sort]}`;
      where.push("i.project_id = ?", "i.status = ?");
      params.push(branch.projectId, branch.status);
    } else {
      where.push(`i.id IN (${driver!.sql})`);
      params.push(...driver!.params);
      where.push(..._scope(filter, params));
    }
    if (part.kind === "cold") {
      where.push("i.hot_until <= ?");
      params.push(nowSec);
    } else if (part.kind === "hot") {
      if (typeof part.day === "number") {
        where.push(`${HOT_DAY} = ?`);
        params.push(part.day);
      } else if (part.day !== "any") {
        where.push(`${HOT_DAY} > ?`);
        params.push(part.day.after);
      }
      where.push("i.hot_until > ?");
      params.push(nowSec);
      if (part.staleOnly) {
        // not hot by its columns (src/store/triage.ts isHotIssue): only a spike can make it hot
        where.push("i.first_seen < ? AND (i.status <> 'unresolved' OR i.substatus <> 'regressed' OR i.regressed_at IS NULL OR i.regressed_at < ?)");
        params.push(nowSec - NEW_ISSUE_WINDOW_SECONDS, nowSec - REGRESSED_WINDOW_SECONDS);
      }
    }
    if (from) {
      where.push(`(${keyList}) ${backwards ? ">" : "<"} (${keys.map(() => "?").join(", ")})`);
      params.push(...from);
    }
    where.push(...conditions.sql);
    params.push(...conditions.params);
    const columns = part.kind === "hot" ? `i.id, ${keyList}, ${_TRIAGE_COLUMNS}` : `i.id, ${keyList}`;
    const sql = `SELECT ${columns} FROM issues i ${indexed} WHERE ${where.join(" AND ")}
      ORDER BY ${backwards ? orderAsc : orderDesc} LIMIT ?`;
    const rows = prepare(sql).raw().all(...params, spec.limit) as unknown[][];
    return rows.map(part.kind === "hot" ? toCandidate : toRow);
  }
}

/** The triage rule's columns of a candidate row, after its id and keys. */
const _TRIAGE_COLUMNS = "i.first_seen, i.status, i.substatus, i.regressed_at";

/** A candidate's hot day, as the index issues_hot_list has it (migration 021). */
const HOT_DAY = `CAST(i.hot_until / ${HOT_DAY_SEC} AS INTEGER)`;

// --- Internal ---

/** The filter's conditions on `issues i` other than project and status. */
function _conditions(filter: IssueFilter): { sql: string[]; params: unknown[] } {
  const sql: string[] = [];
  const params: unknown[] = [];
  if (filter.levels?.length) {
    sql.push(`i.level IN (${filter.levels.map(() => "?").join(", ")})`);
    params.push(...filter.levels);
  }
  for (const tag of filter.tags) {
    const glob = tag.value.includes("*");
    sql.push(`${tag.negate ? "NOT " : ""}EXISTS (SELECT 1 FROM issue_tag_values t WHERE t.issue_id = i.id AND t.key = ? AND t.value ${glob ? "GLOB" : "="} ?)`);
    params.push(tag.key, glob ? _tagGlob(tag.value) : tag.value);
  }
  if (filter.seenWithin) {
    sql.push("i.last_seen >= ? AND i.first_seen <= ?");
    params.push(filter.seenWithin.startSec, filter.seenWithin.endSec);
  }
  for (const c of [...(filter.assignees ?? []).map(assigneeConditionSql), ...(filter.owners ?? []).map(ownerConditionSql)]) {
    sql.push(c.sql);
    params.push(...c.params);
  }
  // the words on the issue's own text, row by row, all in one lookup of its text row (an index walk
  // reads few rows; a rare word drives instead)
  if (filter.text.length) {
    sql.push(`EXISTS (SELECT 1 FROM issue_search_text s WHERE s.issue_id = i.id
      AND ${filter.text.map(() => "(s.title || ' ' || s.culprit || ' ' || s.message || ' ' || s.tags) LIKE ? ESCAPE '\\'").join(" AND ")})`);
    for (const word of filter.text) params.push(`%${word.replace(/[\\%_]/g, (c) => "\\" + c)}%`);
  }
  return { sql, params };
}

/** The conditions that can name their issues from an index: free-text words and exact tag values. */
function _drivers(filter: IssueFilter): { sql: string; params: unknown[] }[] {
  const out: { sql: string; params: unknown[] }[] = [];
  for (const word of filter.text) {
    if ([...word].length >= 3) out.push({ sql: "SELECT rowid FROM issue_search WHERE issue_search MATCH ?", params: [_phrase(word)] });
  }
  for (const tag of filter.tags) {
    if (!tag.negate && !tag.value.includes("*")) out.push({ sql: "SELECT issue_id FROM issue_tag_values WHERE key = ? AND value = ?", params: [tag.key, tag.value] });
  }
  return out;
}

/** Project and status of a driven branch (an index branch names one of each). */
function _scope(filter: IssueFilter, params: unknown[]): string[] {
  const out: string[] = [];
  if (filter.projectIds) {
    out.push(`i.project_id IN (${filter.projectIds.map(() => "?").join(", ")})`);
    params.push(...filter.projectIds);
  }
  if (filter.statuses?.length) {
    out.push(`i.status IN (${filter.statuses.map(() => "?").join(", ")})`);
    params.push(...filter.statuses);
  }
  return out;
}

/**
 * Sentry's tag wildcard (`*`) as a GLOB pattern in which everything else is literal: GLOB also
 * treats `?` and `[…]` as wildcards and has no ESCAPE clause, so those become one-character
 * classes (`[?]`, `[[]`). Case-sensitive, like PostgreSQL's LIKE in src/store/postgres/issue-list.ts.
 */
function _tagGlob(value: string): string {
  return value.replace(/[?[]/g, (c) => `[${c}]`);
}

/** A word as an FTS5 phrase: quoted, so operators and punctuation in it are plain text. */
function _phrase(word: string): string {
  return `"${word.replace(/"/g, '""')}"`;
}
