import type { Logger } from "../logger.ts";
import type { IssueStoredCount } from "../store/model/retention.ts";
import type { Store } from "../store/types.ts";
import type { EffectiveLimits } from "./project-limits.ts";

/** Over the cap, eviction goes down to this share of it (hysteresis: not a pass for every few events). */
const EVICT_TO_SHARE = 0.9;

/**
 * Events deleted per statement: short write transactions, so ingest commits interleave with
 * eviction (with the queries on another thread, the ingest thread waits at most for one chunk).
 */
const DELETE_CHUNK = 100;

/** The store queries retention runs: the store's own, or (SQLite) the same on a worker thread. */
export type RetentionQueries = Pick<Store, "storedEventCount" | "issueStoredCounts" | "deleteOldestEvents" | "deleteEventsOlderThan" | "releaseFreePages">;

/**
 * Which issues give up how many events so that a project stores at most `cap`: the most frequent
 * issues are thinned first (water-filling: every issue keeps min(stored, L) for the largest level
 * L that fits), and no issue goes below its pinned events (first event, regressions) plus its
 * latest event. Pure.
 * @example planEviction([{ issueId: 1, storedEvents: 900, pinnedEvents: 1 }, { issueId: 2, storedEvents: 50, pinnedEvents: 1 }], 500)
 * // [{ issueId: 1, evict: 450 }]
 */
export function planEviction(issues: readonly IssueStoredCount[], cap: number): { issueId: number; evict: number }[] {
  const total = issues.reduce((n, i) => n + i.storedEvents, 0);
  if (total <= cap) return [];
  const floor = (i: IssueStoredCount) => Math.min(i.storedEvents, i.pinnedEvents + 1);
  const keepAt = (level: number) => issues.reduce((n, i) => n + Math.max(floor(i), Math.min(i.storedEvents, level)), 0);
  // the largest level that fits; if even the floors do not fit, keep only the floors
  let lo = 0;
  let hi = Math.max(...issues.map((i) => i.storedEvents));
  while (lo < hi) {
    const mid = Math.ceil((lo + hi) / 2);
    if (keepAt(mid) <= cap) lo = mid;
    else hi = mid - 1;
  }
  const plan: { issueId: number; evict: number }[] = [];
  for (const i of issues) {
    const keep = Math.max(floor(i), Math.min(i.storedEvents, lo));
    if (keep < i.storedEvents) plan.push({ issueId: i.issueId, evict: i.storedEvents - keep });
  }
  // most frequent first, so an interrupted pass has thinned the right issues
  return plan.sort((a, b) => b.evict - a.evict);
}

export interface RetentionResult { evictedByCap: number; evictedByAge: number; freedPages: number }

/**
 * Keeps each project within its stored-event cap and maximum age: runs after enough events were
 * committed (so a flood is trimmed promptly) and on a timer (for the age limit). Eviction works
 * in chunks and yields between them, so ingest keeps committing while it runs.
 */
export class RetentionRunner {
  private sinceLastRun = 0;
  private running: Promise<RetentionResult> | undefined;
  private timer: NodeJS.Timeout | undefined;

  private readonly store: Store;
  private readonly queries: RetentionQueries;
  private readonly limitsFor: (projectId: number) => Promise<EffectiveLimits>;
  private readonly logger: Logger;
  private readonly now: () => number;

  constructor(deps: { store: Store; queries?: RetentionQueries; limitsFor: (projectId: number) => Promise<EffectiveLimits>; logger: Logger; now: () => number }) {
    this.store = deps.store;
    this.queries = deps.queries ?? deps.store;
    this.limitsFor = deps.limitsFor;
    this.logger = deps.logger;
    this.now = deps.now;
  }

  /** Starts the periodic pass, which also applies the age limit (unref'd: it never keeps the process alive). */
  start(intervalMs = 60_000): void {
    this.timer = setInterval(() => void this.run({ includeAge: true }), intervalMs);
    this.timer.unref();
  }

  /** Called after each commit; every `every` events a cap-only pass is started in the background. */
  noteCommitted(events: number, every = 1_000): void {
    this.sinceLastRun += events;
    if (this.sinceLastRun >= every && !this.running) void this.run({ includeAge: false });
  }

  /** One pass over every project; concurrent calls share the pass in progress. */
  run(opts: { includeAge: boolean } = { includeAge: true }): Promise<RetentionResult> {
    this.running ??= this.pass(opts.includeAge).catch((err: unknown) => {
      this.logger.error("retention pass failed", { error: err });
      return { evictedByCap: 0, evictedByAge: 0, freedPages: 0 };
    }).finally(() => {
      this.running = undefined;
    });
    return this.running;
  }

  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    await this.running;
  }

  // --- Internal ---

  private async pass(includeAge: boolean): Promise<RetentionResult> {
    this.sinceLastRun = 0;
    const result: RetentionResult = { evictedByCap: 0, evictedByAge: 0, freedPages: 0 };
    for (const project of await this.store.listProjects()) {
      const limits = await this.limitsFor(project.id);
      // 1. age (on the timer only: it scans the project's events): every unpinned event older than the limit
      if (includeAge && limits.maxEventAgeDays > 0) {
        const cutoff = this.now() / 1000 - limits.maxEventAgeDays * 86_400;
        result.evictedByAge += await this.deleteInChunks((n) => this.queries.deleteEventsOlderThan(project.id, cutoff, n), Infinity);
      }
      // 2. cap: thin the most frequent issues first, down to 90% of the cap so that the events of
      //    the next commits until the next pass still fit under it
      if (limits.maxStoredEvents > 0 && (await this.queries.storedEventCount(project.id)) > limits.maxStoredEvents) {
        const plan = planEviction(await this.queries.issueStoredCounts(project.id), Math.floor(limits.maxStoredEvents * EVICT_TO_SHARE));
        for (const { issueId, evict } of plan) {
          result.evictedByCap += await this.deleteInChunks((n) => this.queries.deleteOldestEvents(issueId, n), evict);
        }
      }
    }
    if (result.evictedByAge + result.evictedByCap > 0) {
      result.freedPages = (await this.queries.releaseFreePages()).freedPages;
      this.logger.debug("retention pass", { ...result });
    }
    return result;
  }

  private async deleteInChunks(remove: (limit: number) => Promise<number>, total: number): Promise<number> {
    let done = 0;
    while (done < total) {
      const n = await remove(Math.min(DELETE_CHUNK, total - done));
      done += n;
      if (n === 0) break;
      await new Promise((r) => setImmediate(r)); // let ingest commit between chunks
    }
    return done;
  }
}
