import type { IssueFilter, SpikeStats } from "../types.ts";
import type { IssueStatus } from "../issue-status.ts";
import { DRIVEN_MAX_ROWS, HOT_DAY_SEC, SORT_KEYS, type Branch, type HotCandidate, type IssueListReads, type KeyedRow, type WalkSpec } from "../issue-pages.ts";
import { NEW_ISSUE_WINDOW_SECONDS, REGRESSED_WINDOW_SECONDS } from "../triage.ts";
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
  const toCandidate = (r: Record<string, unknown>): HotCandidate => ({
    ...toRow(r), firstSeenSec: Number(r.t_first_seen), status: r.t_status as IssueStatus, substatus: String(r.t_substatus),
    regressedAtSec: r.t_regressed_at === null ? null : Number(r.t_regressed_at),
  });

  return {
    async allProjectIds() {
      return (await db.rows<{ id: number }>("SELECT id FROM projects ORDER BY id")).map((r) => Number(r.id));
    },
    async hasSelectiveFilter() {
      for (const d of _drivers(filter)) {
        // a common word would cost all its matches: the trigram bitmap is built whole before LIMIT applies
        if (d.estimate && await _estimatedRows(db, d.sql, d.params) > _ESTIMATE_MAX_ROWS) continue;
        const ids = (await db.rows<{ id: number }>(`${d.sql} LIMIT ${DRIVEN_MAX_ROWS + 1}`, d.params)).map((r) => Number(r.id));
        if (ids.length <= DRIVEN_MAX_ROWS && (!drivenIds || ids.length < drivenIds.length)) drivenIds = ids;
      }
      return drivenIds !== undefined;
    },
    async walks(specs) {
      // one statement: the index walks of one shape are a LATERAL over (project, status, day), the rest one subquery each
      const params: unknown[] = [];
      const p = (value: unknown) => `$${params.push(value)}`;
      const groups = new Map<string, { spec: WalkSpec; n: number[] }>();
      const parts: string[] = [];
      specs.forEach((spec, n) => {
        if (spec.branch.kind === "driven") {
          parts.push(_walkSql(spec, `${n}`, [`i.id = ANY(${p(drivenIds)}::bigint[])`, ..._scope(filter, p)], _hotDay(spec, null)));
          return;
        }
        const shape = JSON.stringify([spec.part.kind, spec.part.kind === "hot" ? [typeof spec.part.day, spec.part.staleOnly] : null, spec.from, spec.backwards, spec.limit]);
        const group = groups.get(shape) ?? groups.set(shape, { spec, n: [] }).get(shape)!;
        group.n.push(n);
      });
      for (const { spec, n } of groups.values()) {
        const branches = n.map((k) => specs[k]!.branch as Extract<Branch, { kind: "index" }>);
        const days = n.map((k) => { const part = specs[k]!.part; return part.kind === "hot" ? (typeof part.day === "number" ? part.day : typeof part.day === "object" ? part.day.after : 0) : 0; });
        const walk = _walkSql(spec, "w.n", ["i.project_id = w.project_id", "i.status = w.status"], _hotDay(spec, "w.day"));
        parts.push(`SELECT x.* FROM unnest(${p(n)}::int[], ${p(branches.map((b) => b.projectId))}::bigint[], ${p(branches.map((b) => b.status))}::text[], ${p(days)}::bigint[])
          AS w(n, project_id, status, day) CROSS JOIN LATERAL (${walk}) x`);
      }
      const out: KeyedRow[][] = specs.map(() => []);
      if (parts.length === 0) return out;
      for (const r of await db.rows(parts.map((sql) => `(${sql})`).join(" UNION ALL "), params)) {
        out[Number(r.w)]!.push(r.t_first_seen === null ? toRow(r) : toCandidate(r));
      }
      return out;

      function _walkSql(spec: WalkSpec, walkNumber: string, scope: string[], hotDay: string | null): string {
        const where = [...scope];
        const { part, from, backwards } = spec;
        if (part.kind === "cold") where.push(`i.hot_until <= ${p(nowSec)}`);
        if (part.kind === "hot") {
          if (hotDay) where.push(hotDay);
          where.push(`i.hot_until > ${p(nowSec)}`);
          // not hot by its columns (src/store/triage.ts isHotIssue): only a spike can make it hot
          if (part.staleOnly) where.push(`i.first_seen < ${p(nowSec - NEW_ISSUE_WINDOW_SECONDS)}
            AND (i.status <> 'unresolved' OR i.substatus <> 'regressed' OR i.regressed_at IS NULL OR i.regressed_at < ${p(nowSec - REGRESSED_WINDOW_SECONDS)})`);
        }
        if (from) where.push(`(${keyList}) ${backwards ? ">" : "<"} (${from.map((v) => p(v)).join(", ")})`);
        where.push(..._conditions(filter, p));
        const triage = part.kind === "hot" ? _TRIAGE_COLUMNS : "NULL::double precision AS t_first_seen, NULL::text AS t_status, NULL::text AS t_substatus, NULL::double precision AS t_regressed_at";
        return `SELECT ${walkNumber} AS w, i.id, ${keyList}, ${triage} FROM issues i WHERE ${where.join(" AND ")}
          ORDER BY ${backwards ? orderAsc : orderDesc} LIMIT ${p(spec.limit)}`;
      }
      function _hotDay(spec: WalkSpec, day: string | null): string | null {
        const part = spec.part;
        if (part.kind !== "hot" || part.day === "any") return null;
        const value = day ?? p(typeof part.day === "number" ? part.day : part.day.after);
        return `${_HOT_DAY} ${typeof part.day === "number" ? "=" : ">"} ${value}`;
      }
    },
    async spiking(issueIds) {
      return new Set((await spikeStats(issueIds, filter.nowMs)).filter((s) => s.isSpiking).map((s) => s.issueId));
    },
    async anchorOf(issueId) {
      const row = await db.first(`SELECT i.id, ${keyList}, ${_TRIAGE_COLUMNS}, i.hot_until FROM issues i WHERE i.id = $1`, [issueId]);
      return row ? { ...toCandidate(row), hotUntilSec: Number(row.hot_until) } : undefined;
    },
  };
}

/** The triage rule's columns of a candidate row. */
const _TRIAGE_COLUMNS = "i.first_seen AS t_first_seen, i.status AS t_status, i.substatus AS t_substatus, i.regressed_at AS t_regressed_at";

/** A candidate's hot day, as the index issues_hot_list has it (migration 011). */
const _HOT_DAY = `floor(i.hot_until / ${HOT_DAY_SEC})`;

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
  // every word in one lookup of the text row
  if (filter.text.length) {
    out.push(`EXISTS (SELECT 1 FROM issue_search_text s WHERE s.issue_id = i.id AND ${filter.text.map((word) => `${_TEXT} ILIKE ${p(_likeWord(word))} ESCAPE '\\'`).join(" AND ")})`);
  }
  return out;
}

/**
 * The planner's estimate above which a word is not tried as a driver. Its estimate for
 * `ILIKE '%word%'` comes from the statistics of the trigram index's expression (the share of the
 * sampled texts that contain the word), good enough to tell a common word from a rare one.
 */
const _ESTIMATE_MAX_ROWS = 4 * DRIVEN_MAX_ROWS;

/** The conditions that can name their issues from an index: free-text words (3+ characters: trigrams; `estimate`: ask the planner first) and exact tag values. */
function _drivers(filter: IssueFilter): { sql: string; params: unknown[]; estimate?: boolean }[] {
  const out: { sql: string; params: unknown[]; estimate?: boolean }[] = [];
  for (const word of filter.text) {
    if ([...word].length >= 3) out.push({ sql: `SELECT s.issue_id AS id FROM issue_search_text s WHERE ${_TEXT} ILIKE $1 ESCAPE '\\'`, params: [_likeWord(word)], estimate: true });
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

/** The planner's row estimate for a query (EXPLAIN plans it with these parameters; nothing runs). */
async function _estimatedRows(db: PgDb, sql: string, params: unknown[]): Promise<number> {
  const [row] = await db.rows<{ "QUERY PLAN": [{ Plan: { "Plan Rows": number } }] }>(`EXPLAIN (FORMAT JSON) ${sql}`, params);
  return Number(row?.["QUERY PLAN"]?.[0]?.Plan?.["Plan Rows"] ?? 0);
}

function _likeWord(word: string): string {
  return `%${word.replace(/[\\%_]/g, (c) => "\\" + c)}%`;
}

/** Sentry's tag wildcard (`*`) as a LIKE pattern; everything else matches literally. */
function _globToLike(value: string): string {
  return value.replace(/[\\%_]/g, (c) => "\\" + c).replace(/\*/g, "%");
}
