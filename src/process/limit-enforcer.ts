import type { Config } from "../config.ts";
import type { Logger } from "../logger.ts";
import type { Store } from "../store/types.ts";
import { ProjectLimitsCache, type EffectiveLimits } from "./project-limits.ts";
import { ProjectQuota, usageMonth, type QuotaVerdict } from "./quota.ts";
import { RetentionRunner } from "./retention.ts";
import type { IngestJob } from "./types.ts";

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

  constructor(deps: { config: Config; store: Store; logger: Logger; now: () => number }) {
    this.store = deps.store;
    this.logger = deps.logger;
    this.limits = new ProjectLimitsCache(deps.store, deps.config, deps.now);
    this.retention = new RetentionRunner({ store: deps.store, limitsFor: (id) => this.limits.limitsFor(id), logger: deps.logger, now: deps.now });
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
    if (limits.monthlyQuota > 0 && !this.quota.knowsMonth(job.projectId, nowMs)) {
      this.quota.seedMonth(job.projectId, nowMs, await this.store.monthlyUsage(job.projectId, usageMonth(nowMs)));
    }
    const quotaLimits = { eventsPerMinute: limits.eventsPerMinute, monthlyQuota: limits.monthlyQuota };
    const known = new Set<string>();
    if (quotaLimits.eventsPerMinute > 0 || quotaLimits.monthlyQuota > 0) {
      // only over a limit does it matter whether an issue exists; one cheap probe per event then
      if (this.quota.wouldExceed(job.projectId, quotaLimits, hashes.length, nowMs)) {
        for (const hash of hashes) if (await this.store.isKnownGroup(job.projectId, hash)) known.add(hash);
      }
    }
    const verdict = this.quota.check(job.projectId, quotaLimits, hashes, (h) => known.has(h), nowMs);
    if (!verdict.admitted) this.countRefused(job.projectId, verdict.reason, hashes.length, nowMs);
    return verdict;
  }

  /** Gives back what `admit` counted for a job that was not stored after all. */
  refund(job: IngestJob): void {
    this.quota.refund(job.projectId, job.events.length, job.receivedAtMs);
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

  private countRefused(projectId: number, reason: string, quantity: number, nowMs: number): void {
    const day = Math.floor(nowMs / 86_400_000);
    const key = `${projectId}|${day}|${reason}`;
    const entry = this.refused.get(key);
    if (entry) entry.quantity += quantity;
    else this.refused.set(key, { projectId, day, reason, quantity });
  }
}
