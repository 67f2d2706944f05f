import type { IssueFilter, IssueSort } from "./types.ts";
import { ISSUE_STATUSES, type IssueStatus } from "./issue-status.ts";
import { isHotIssue } from "./triage.ts";

/**
 * How a page of issues is put together from index walks, the same on every backend (the SQL of
 * each step lives in src/store/sqlite/issues.ts and src/store/postgres/issues.ts).
 *
 * Every sort is a key read newest/largest first, ending with the issue id so that it is total
 * (`SORT_KEYS`). A list filters on project and status, so each (project, status) pair is one
 * "branch": a range of one index in exactly the list's order. A page walks each branch from the
 * cursor for at most the rows it needs and merges them (SQL engines sort an IN list over an index
 * instead of merging it). A filter that matches few issues (a rare word, a rare tag value) is a
 * single "driven" branch instead: those issues, then the sort.
 *
 * The triage order (`priority`) is the hot issues first (src/store/triage.ts), then the rest by
 * affected users: the hot part comes from the write path's candidates (`hot_until` after now, an
 * index; few by construction) checked against the exact rule, the rest is a walk of the
 * users index over issues that are not candidates, merged with the candidates that turned out cold.
 *
 * Cursors are keyset: the id of the row a page ended (or, going back, started) with; its keys are
 * read again, so a cursor stays one number and pages never skip or repeat rows that did not move.
 */
export const SORT_KEYS: Record<IssueSort, readonly string[]> = {
  date: ["last_seen", "id"],
  new: ["first_seen", "id"],
  freq: ["event_count", "id"],
  user: ["user_count", "event_count", "last_seen", "id"],
  priority: ["user_count", "event_count", "last_seen", "id"],
};

/** issues; a filter that matches at most this many drives the list (one branch) instead of the index walks */
export const DRIVEN_MAX_ROWS = 2000;

/** A row as a page is merged: its id and its sort key (the last element is the id). */
export interface KeyedRow { id: number; key: number[] }

/** A hot-issue candidate with what the exact rule needs. */
export interface HotCandidate extends KeyedRow {
  firstSeenSec: number;
  status: IssueStatus;
  substatus: string;
  regressedAtSec: number | null;
}

/** One index range to walk: a (project, status) pair, or every issue a selective filter names. */
export type Branch = { kind: "index"; projectId: number; status: IssueStatus } | { kind: "driven" };

/** The reads a backend gives the page assembly. */
export interface IssueListReads {
  /** project ids to list when the filter names none */
  allProjectIds(): Promise<number[]>;
  /** whether one of the filter's conditions matches at most DRIVEN_MAX_ROWS issues (then it drives) */
  hasSelectiveFilter(): Promise<boolean>;
  /**
   * Up to `limit` rows of a branch in the sort's order (reversed when `backwards`), strictly after
   * `from` in that direction (from the start when null); `coldOnly`: only issues that are not hot
   * candidates at the filter's time.
   */
  walk(branch: Branch, from: readonly number[] | null, backwards: boolean, limit: number, coldOnly: boolean): Promise<KeyedRow[]>;
  /** issues matching the filter that may be hot now (hot_until after the filter's time) */
  hotCandidates(projectIds: readonly number[], statuses: readonly IssueStatus[]): Promise<HotCandidate[]>;
  /** which of these issues are spiking at the filter's time */
  spiking(issueIds: number[]): Promise<Set<number>>;
  /** the current sort key of an issue (a cursor's anchor); undefined when it is gone */
  keyOf(issueId: number): Promise<number[] | undefined>;
}

/** The ids of one page, in display order (`filter.limit` of them at most). */
export async function listIssueIds(filter: IssueFilter, reads: IssueListReads): Promise<number[]> {
  const projectIds = filter.projectIds ?? await reads.allProjectIds();
  if (projectIds.length === 0 || filter.limit <= 0) return [];
  const statuses = filter.statuses?.length ? [...new Set(filter.statuses)] : ISSUE_STATUSES;
  const branches: Branch[] = await reads.hasSelectiveFilter()
    ? [{ kind: "driven" }]
    : projectIds.flatMap((projectId) => statuses.map((status) => ({ kind: "index" as const, projectId, status })));
  const triage = filter.sort === "priority";

  // 1. the triage order's hot part, sorted, and the candidates that are not hot after all
  let hot: KeyedRow[] = [];
  let stale: KeyedRow[] = [];
  if (triage) {
    const candidates = await reads.hotCandidates(projectIds, statuses);
    const spiking = await reads.spiking(candidates.filter((c) => !isHotIssue(c, false, filter.nowMs)).map((c) => c.id));
    const isHot = (c: HotCandidate) => isHotIssue(c, spiking.has(c.id), filter.nowMs);
    hot = candidates.filter(isHot).sort(_descending);
    stale = candidates.filter((c) => !isHot(c)).sort(_descending);
  }
  // 2. the rest, merged from every branch (and the stale candidates) from `from` on
  const rest = async (from: readonly number[] | null, backwards: boolean, n: number): Promise<KeyedRow[]> => {
    const walks = await Promise.all(branches.map((b) => reads.walk(b, from, backwards, n, triage)));
    const after = (r: KeyedRow) => from === null || (backwards ? _compare(r.key, from) > 0 : _compare(r.key, from) < 0);
    const merged = [...walks.flat(), ...stale.filter(after)];
    return merged.sort(backwards ? (a, b) => -_descending(a, b) : _descending).slice(0, n);
  };

  // 3. the page: from the start (skipping `offset`), after the anchor, or before it
  const anchor = filter.anchor;
  const need = filter.offset + filter.limit;
  if (!anchor) {
    const rows = hot.slice(0, need);
    if (rows.length < need) rows.push(...await rest(null, false, need - rows.length));
    return rows.slice(filter.offset).map((r) => r.id);
  }
  const hotIndex = hot.findIndex((r) => r.id === anchor.issueId);
  if (anchor.before) {
    if (hotIndex >= 0) return hot.slice(Math.max(0, hotIndex - filter.limit), hotIndex).map((r) => r.id);
    const key = await reads.keyOf(anchor.issueId);
    if (!key) return [];
    const rows = (await rest(key, true, filter.limit)).reverse();
    if (rows.length < filter.limit && hot.length) rows.unshift(...hot.slice(Math.max(0, hot.length - (filter.limit - rows.length))));
    return rows.map((r) => r.id);
  }
  if (hotIndex >= 0) {
    const rows = hot.slice(hotIndex + 1, hotIndex + 1 + need);
    if (rows.length < need) rows.push(...await rest(null, false, need - rows.length));
    return rows.slice(filter.offset).map((r) => r.id);
  }
  const key = await reads.keyOf(anchor.issueId);
  if (!key) return [];
  return (await rest(key, false, need)).slice(filter.offset).map((r) => r.id);
}

// --- Internal ---

/** Lexicographic comparison of two sort keys. */
function _compare(a: readonly number[], b: readonly number[]): number {
  for (let i = 0; i < a.length; i++) {
    const d = a[i]! - b[i]!;
    if (d !== 0) return d;
  }
  return 0;
}

/** Largest key first. */
function _descending(a: KeyedRow, b: KeyedRow): number {
  return _compare(b.key, a.key);
}
