import type { IssueFilter, IssueSort } from "./types.ts";
import { ISSUE_STATUSES, type IssueStatus } from "./issue-status.ts";
import { isHotIssue, REGRESSED_WINDOW_SECONDS } from "./triage.ts";

/**
 * How a page of issues is put together from index walks, the same on every backend (the SQL of
 * each step lives in src/store/sqlite/issue-list.ts and src/store/postgres/issue-list.ts).
 *
 * Every sort is a key read newest/largest first, ending with the issue id so that it is total
 * (`SORT_KEYS`). A list filters on project and status, so each (project, status) pair is one
 * "branch": a range of one index in exactly the list's order. A page walks each branch from the
 * cursor for at most the rows it needs and merges them (SQL engines sort an IN list over an index
 * instead of merging it). A filter that matches few issues (a rare word, a rare tag value) is a
 * single "driven" branch instead: those issues, then the sort.
 *
 * The triage order (`priority`) is the hot issues first (src/store/triage.ts), then the rest by
 * affected users. The write path keeps `hot_until` (until when an issue may be hot); the
 * candidates (`hot_until` after now) are indexed by (project, status, hot day = hot_until's day,
 * …the sort key), so each (branch, hot day) is walked in the list's order too. `hot_until` is at
 * most a write's time + the regression window, so the hot days from today on are few
 * (`HOT_DAYS`) and expired candidates sit in past days that no walk reads. A walk of the
 * candidates yields the hot part (checked against the exact rule in key order, a chunk at a time,
 * until the page is full); the rest is the walk of issues that are not candidates merged with the
 * candidates that are not hot after all (spike candidates that are not spiking). Neither grows
 * with the number of hot issues, only with the page.
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

/** the width of a hot-day bucket: `floor(hot_until / HOT_DAY_SEC)` */
export const HOT_DAY_SEC = 86_400;

/** hot days walked one by one from today's (hot_until ≤ a write's time + the regression window); later ones are one sorted read */
export const HOT_DAYS = Math.ceil(REGRESSED_WINDOW_SECONDS / HOT_DAY_SEC) + 1;

/** rows per walk of the first chunk of a hot/stale stream at least, and per walk at most (the chunk doubles) */
const CHUNK_MIN_ROWS = 8;
const CHUNK_MAX_ROWS = 2000;

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

/**
 * Which issues of a branch a walk reads: all; those that are not hot candidates at the filter's
 * time; or the candidates of one hot day (`day`), of every day after `afterDay`, or of any day
 * (a driven branch), optionally only those the exact rule cannot call hot from their columns
 * (`staleOnly`: not new, not a recent regression — the spike candidates).
 */
export type WalkPart =
  | { kind: "all" }
  | { kind: "cold" }
  | { kind: "hot"; day: number | "any" | { after: number }; staleOnly: boolean };

/** One walk: up to `limit` rows of a branch's part in the sort's order (reversed when `backwards`), strictly after `from` in that direction. */
export interface WalkSpec {
  branch: Branch;
  part: WalkPart;
  from: readonly number[] | null;
  backwards: boolean;
  limit: number;
}

/** The reads a backend gives the page assembly. */
export interface IssueListReads {
  /** project ids to list when the filter names none */
  allProjectIds(): Promise<number[]>;
  /** whether one of the filter's conditions matches at most DRIVEN_MAX_ROWS issues (then it drives) */
  hasSelectiveFilter(): Promise<boolean>;
  /** the rows of each walk (one round trip where the backend can); a `hot` part's rows are HotCandidates */
  walks(specs: readonly WalkSpec[]): Promise<KeyedRow[][]>;
  /** which of these issues are spiking at the filter's time */
  spiking(issueIds: number[]): Promise<Set<number>>;
  /** an issue's current sort key and triage fields (a cursor's anchor); undefined when it is gone */
  anchorOf(issueId: number): Promise<(HotCandidate & { hotUntilSec: number }) | undefined>;
}

/** The ids of one page, in display order (`filter.limit` of them at most). */
export async function listIssueIds(filter: IssueFilter, reads: IssueListReads): Promise<number[]> {
  const projectIds = filter.projectIds ?? await reads.allProjectIds();
  if (projectIds.length === 0 || filter.limit <= 0) return [];
  const statuses = filter.statuses?.length ? [...new Set(filter.statuses)] : ISSUE_STATUSES;
  const branches: Branch[] = await reads.hasSelectiveFilter()
    ? [{ kind: "driven" }]
    : projectIds.flatMap((projectId) => statuses.map((status) => ({ kind: "index" as const, projectId, status })));
  const anchor = filter.anchor;
  const need = filter.offset + filter.limit;
  const page = (rows: KeyedRow[]) => rows.slice(filter.offset, need).map((r) => r.id);

  if (filter.sort !== "priority") {
    const walk = (from: readonly number[] | null, backwards: boolean, n: number) =>
      _mergeWalks(reads, branches.map((branch) => ({ branch, part: { kind: "all" }, from, backwards, limit: n })), backwards, n);
    if (!anchor) return page(await walk(null, false, need));
    const at = await reads.anchorOf(anchor.issueId);
    if (!at) return [];
    if (anchor.before) return (await walk(at.key, true, filter.limit)).reverse().map((r) => r.id);
    return page(await walk(at.key, false, need));
  }

  // the triage order: the hot stream, then the rest (cold issues and stale candidates merged)
  const triage = new _TriageStreams(filter, reads, branches);
  if (!anchor) {
    const rows = await triage.hot(null, false, need);
    if (rows.length < need) rows.push(...await triage.rest(null, false, need - rows.length));
    return page(rows);
  }
  const at = await reads.anchorOf(anchor.issueId);
  if (!at) return [];
  const anchorIsHot = at.hotUntilSec > filter.nowMs / 1000 && (await triage.classify([at])).get(at.id) === true;
  if (anchor.before) {
    if (anchorIsHot) return (await triage.hot(at.key, true, filter.limit)).reverse().map((r) => r.id);
    const rows = (await triage.rest(at.key, true, filter.limit)).reverse();
    if (rows.length < filter.limit) rows.unshift(...(await triage.hot(null, true, filter.limit - rows.length)).reverse());
    return rows.map((r) => r.id);
  }
  if (anchorIsHot) {
    const rows = await triage.hot(at.key, false, need);
    if (rows.length < need) rows.push(...await triage.rest(null, false, need - rows.length));
    return page(rows);
  }
  return page(await triage.rest(at.key, false, need));
}

// --- Internal ---

/** The hot part and the rest of the triage order as streams read from a key on, in either direction. */
class _TriageStreams {
  private readonly hotById = new Map<number, boolean>();
  private readonly filter: IssueFilter;
  private readonly reads: IssueListReads;
  private readonly branches: Branch[];
  private readonly today: number;

  constructor(filter: IssueFilter, reads: IssueListReads, branches: Branch[]) {
    this.filter = filter;
    this.reads = reads;
    this.branches = branches;
    this.today = Math.floor(filter.nowMs / 1000 / HOT_DAY_SEC);
  }

  /** up to `n` hot issues after `from` (from the start when null) */
  hot(from: readonly number[] | null, backwards: boolean, n: number): Promise<KeyedRow[]> {
    return this.candidates(from, backwards, n, false, async (rows) => {
      const hot = await this.classify(rows);
      return rows.filter((r) => hot.get(r.id));
    });
  }

  /** up to `n` issues of the rest after `from`: the cold walks merged with the stale candidates */
  async rest(from: readonly number[] | null, backwards: boolean, n: number): Promise<KeyedRow[]> {
    const [cold, stale] = await Promise.all([
      _mergeWalks(this.reads, this.branches.map((branch) => ({ branch, part: { kind: "cold" }, from, backwards, limit: n })), backwards, n),
      this.candidates(from, backwards, n, true, async (rows) => {
        const hot = await this.classify(rows);
        return rows.filter((r) => !hot.get(r.id));
      }),
    ]);
    return [...cold, ...stale].sort(_order(backwards)).slice(0, n);
  }

  /** whether each candidate is hot now: from its columns, else whether it is spiking */
  async classify(rows: KeyedRow[]): Promise<Map<number, boolean>> {
    const unknown = (rows as HotCandidate[]).filter((r) => !this.hotById.has(r.id));
    const byColumns = unknown.filter((r) => isHotIssue(r, false, this.filter.nowMs));
    for (const r of byColumns) this.hotById.set(r.id, true);
    const rest = unknown.filter((r) => !this.hotById.has(r.id)).map((r) => r.id);
    const spiking = rest.length ? await this.reads.spiking(rest) : new Set<number>();
    for (const id of rest) this.hotById.set(id, spiking.has(id));
    return this.hotById;
  }

  /**
   * The candidates after `from` in order, a chunk at a time, kept by `keep`, until `n` are kept or
   * none are left. Each chunk walks every (branch, hot day) and keeps only the rows up to the
   * nearest last row of a walk that may have more (beyond it another walk's rows may be missing).
   */
  private async candidates(from: readonly number[] | null, backwards: boolean, n: number, staleOnly: boolean,
    keep: (rows: KeyedRow[]) => Promise<KeyedRow[]>): Promise<KeyedRow[]> {
    const out: KeyedRow[] = [];
    let limit = Math.min(CHUNK_MAX_ROWS, Math.max(CHUNK_MIN_ROWS, n));
    for (;;) {
      const specs = this.branches.flatMap((branch): WalkSpec[] => {
        const days: WalkPart[] = branch.kind === "driven"
          ? [{ kind: "hot", day: "any", staleOnly }]
          : [...Array.from({ length: HOT_DAYS }, (_, d): WalkPart => ({ kind: "hot", day: this.today + d, staleOnly })),
            { kind: "hot", day: { after: this.today + HOT_DAYS - 1 }, staleOnly }];
        return days.map((part) => ({ branch, part, from, backwards, limit }));
      });
      const walks = await this.reads.walks(specs);
      const order = _order(backwards);
      let boundary: KeyedRow | undefined;
      for (const w of walks) {
        const last = w.length === limit ? w[limit - 1] : undefined;
        if (last && (!boundary || order(last, boundary) < 0)) boundary = last;
      }
      const rows = walks.flat().sort(order);
      const safe = boundary ? rows.filter((r) => order(r, boundary) <= 0) : rows;
      out.push(...await keep(safe));
      if (out.length >= n || !boundary) return out.slice(0, n);
      from = boundary.key;
      limit = Math.min(CHUNK_MAX_ROWS, limit * 2);
    }
  }
}

/** Walks merged: the first `n` rows of all of them in order (each walk read `n` rows at most). */
async function _mergeWalks(reads: IssueListReads, specs: WalkSpec[], backwards: boolean, n: number): Promise<KeyedRow[]> {
  return (await reads.walks(specs)).flat().sort(_order(backwards)).slice(0, n);
}

/** Lexicographic comparison of two sort keys. */
function _compare(a: readonly number[], b: readonly number[]): number {
  for (let i = 0; i < a.length; i++) {
    const d = a[i]! - b[i]!;
    if (d !== 0) return d;
  }
  return 0;
}

/** The order of a walk: largest key first, or smallest first going backwards. */
function _order(backwards: boolean): (a: KeyedRow, b: KeyedRow) => number {
  return backwards ? (a, b) => _compare(a.key, b.key) : (a, b) => _compare(b.key, a.key);
}
