import type { Config } from "../config.ts";
import type { Logger } from "../logger.ts";
import type { Store } from "../store/types.ts";
import { ProjectLimitsCache, type EffectiveLimits } from "./project-limits.ts";
import { ProjectQuota, usageMonth, type QuotaVerdict } from "./quota.ts";
import { RetentionRunner, type RetentionQueries } from "./retention.ts";
import type { IngestJob } from "./types.ts";
import type { SharedMinuteCounts } from "../cluster/cluster.ts";

/**
 * With several nodes, how long a node trusts the month's usage it read: the other nodes' accepted
 * events reach it through the stored usage, so the monthly quota can overshoot by what the other
 * nodes accept in this time (plus what is still in their queues).
 */
const SHARED_MONTH_TTL_MS = 5_000;

/** How often refused-event counts are written (they are statistics: a crash loses at most this much). */
const OUTCOME_FLUSH_MS = 2_000;

/**
 * Enforces each project's limits on ingest, built once in the composition root: the limits (cached),
 * the quota decision for each request, counts of refused events, and the retention runner.
 */
export class LimitEnforcer {
  readonly limits: ProjectLimitsCache;
  readonly retention: RetentionRunner;

  private readonly quota = new ProjectQuota();
  private refused = new Map<string, { projectId: number; day: number; reason: string; quantity: number }>();
  private flushTimer: NodeJS.Timeout | undefined;
  private readonly store: Store;
  private readonly logger: Logger;
  private readonly shared: SharedMinuteCounts | undefined;
  /** jobs whose events were added to the shared minute counter (a refund gives them back there too) */
  private readonly countedShared = new WeakSet<IngestJob>();
  private readonly monthReadAt = new Map<number, number>();

  /** `minuteCounts`: the per-minute counter all nodes share (several nodes on PostgreSQL); absent = this process counts alone. */
  constructor(deps: { config: Config; store: Store; logger: Logger; now: () => number; retentionQueries?: RetentionQueries; minuteCounts?: SharedMinuteCounts }) {
    this.store = deps.store;
    this.logger = deps.logger;
    this.shared = deps.minuteCounts;
    this.limits = new ProjectLimitsCache(deps.store, deps.config, deps.now);
    this.retention = new RetentionRunner({ store: deps.store, ...(deps.retentionQueries ? { queries: deps.retentionQueries } : {}), limitsFor: (id) => this.limits.limitsFor(id), logger: deps.logger, now: deps.now });
  }

  /** Starts the outcome flush and, unless another node runs it (`retention: false`), the retention loop. */
  start(opts: { retention?: boolean } = {}): void {
    if (opts.retention ?? true) this.retention.start();
    this.flushTimer = setInterval(() => void this.flushOutcomes(), OUTCOME_FLUSH_MS);
    this.flushTimer.unref();
  }

  /**
   * The quota verdict for a request's error events; counts them when admitted and records the
   * refusal otherwise. Reads the database only when the project is over a limit (is this a new
   * issue?) or at its first request of a month (the month's usage so far).
   */
  async admit(job: IngestJob, limits: EffectiveLimits): Promise<QuotaVerdict> {
    const nowMs = job.receivedAtMs;
    const hashes = job.events.map((e) => e.grouping.hash);
    if (hashes.length === 0) return { admitted: true, via: "within_limits" };
    const monthStale = this.shared !== undefined && nowMs - (this.monthReadAt.get(job.projectId) ?? 0) > SHARED_MONTH_TTL_MS;
    if (limits.monthlyQuota > 0 && (monthStale || !this.quota.knowsMonth(job.projectId, nowMs))) {
      this.quota.seedMonth(job.projectId, nowMs, await this.store.monthlyUsage(job.projectId, usageMonth(nowMs)));
      if (this.monthReadAt.size > 10_000) this.monthReadAt.clear();
      this.monthReadAt.set(job.projectId, nowMs);
    }
    const quotaLimits = { eventsPerMinute: limits.eventsPerMinute, monthlyQuota: limits.monthlyQuota };
    // several nodes: the minute's count is what all of them admitted (this request's events included
    // now, given back below when it is refused), so together they allow the limit, not N times it
    const minute = Math.floor(nowMs / 60_000);
    if (this.shared && quotaLimits.eventsPerMinute > 0) {
      const total = await this.shared.add(job.projectId, minute, hashes.length);
      this.quota.syncMinute(job.projectId, nowMs, total - hashes.length);
      this.countedShared.add(job);
    }
    const known = new Set<string>();
    if (quotaLimits.eventsPerMinute > 0 || quotaLimits.monthlyQuota > 0) {
      // only over a limit does it matter whether an issue exists; one cheap probe per event then
      if (this.quota.wouldExceed(job.projectId, quotaLimits, hashes.length, nowMs)) {
        for (const hash of hashes) if (await this.store.isKnownGroup(job.projectId, hash)) known.add(hash);
      }
    }
    const verdict = this.quota.check(job.projectId, quotaLimits, hashes, (h) => known.has(h), nowMs);
    if (!verdict.admitted) {
      this.countRefused(job.projectId, verdict.reason, hashes.length, nowMs);
      this.giveBackShared(job);
    }
    return verdict;
  }

  /** Gives back what `admit` counted for a job that was not stored after all. */
  refund(job: IngestJob): void {
    this.quota.refund(job.projectId, job.events.length, job.receivedAtMs);
    this.giveBackShared(job);
  }

  async stop(): Promise<void> {
    if (this.flushTimer) clearInterval(this.flushTimer);
    await this.retention.stop();
    await this.flushOutcomes();
  }

  /** Writes the refused counts gathered since the last flush. */
  async flushOutcomes(): Promise<void> {
    if (this.refused.size === 0) return;
    const rows = [...this.refused.values()];
    this.refused = new Map();
    try {
      await this.store.recordOutcomes(rows.map((r) => ({ ...r, outcome: "rate_limited" as const, category: "error" })));
    } catch (err) {
      this.logger.warn("could not record refused-event counts", { error: err });
    }
  }

  // --- Internal ---

  private giveBackShared(job: IngestJob): void {
    if (!this.shared || !this.countedShared.has(job)) return;
    this.countedShared.delete(job);
    this.shared.add(job.projectId, Math.floor(job.receivedAtMs / 60_000), -job.events.length)
      .catch((err: unknown) => this.logger.warn("could not give refused events back to the shared minute count", { error: err }));
  }

  private countRefused(projectId: number, reason: string, quantity: number, nowMs: number): void {
    const day = Math.floor(nowMs / 86_400_000);
    const key = `${projectId}|${day}|${reason}`;
    const entry = this.refused.get(key);
    if (entry) entry.quantity += quantity;
    else this.refused.set(key, { projectId, day, reason, quantity });
  }
}
