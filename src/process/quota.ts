/**
 * Per-project event quotas: a limit per minute (fixed one-minute windows) and a monthly quota
 * (calendar month, UTC). Pure apart from its counters; the caller passes the time, the limits and
 * a lookup that says whether a grouping hash already has an issue.
 *
 * Over a limit, an event is still admitted when it is the first of a new issue, or the first of
 * its issue in the current minute (the trickle): counts, "new issue" and regression alerts keep
 * working while the quota holds the volume down. Only error events count (the `error` and
 * `default` data categories); sessions, transactions and check-ins are never limited here.
 */
export interface QuotaLimits {
  /** 0 = unlimited */
  eventsPerMinute: number;
  /** 0 = unlimited */
  monthlyQuota: number;
}

export type QuotaReason = "events_per_minute" | "monthly_quota";

export type QuotaVerdict =
  | { admitted: true; via: "within_limits" | "new_issue" | "trickle" }
  | { admitted: false; reason: QuotaReason; retryAfter: number };

/**
 * Seconds SDKs are told to wait after the monthly quota is reached. Not "until next month": an SDK
 * in back-off drops everything, so a short back-off lets new issues and the trickle through.
 */
export const MONTHLY_QUOTA_RETRY_AFTER = 60;

export class ProjectQuota {
  private minutes = new Map<number, { start: number; count: number }>();
  private months = new Map<number, { month: number; count: number; seeded: boolean }>();
  /** projectId → grouping hash → start of the minute its last over-limit event was admitted */
  private trickle = new Map<number, Map<string, number>>();

  /** Whether the monthly count of a project is known for this month (else seed it from the store). */
  knowsMonth(projectId: number, nowMs: number): boolean {
    const m = this.months.get(projectId);
    return m !== undefined && m.month === usageMonth(nowMs) && m.seeded;
  }

  /** Seeds the monthly count (accepted events so far this month, from the store). */
  seedMonth(projectId: number, nowMs: number, acceptedEvents: number): void {
    const month = usageMonth(nowMs);
    const current = this.months.get(projectId);
    // counted in memory since start (committed or not yet) vs. committed this month: the larger
    if (current?.month === month) {
      current.count = Math.max(current.count, acceptedEvents);
      current.seeded = true;
    } else this.months.set(projectId, { month, count: acceptedEvents, seeded: true });
  }

  /**
   * Decides on the events of one request (their grouping hashes) and, when admitted, counts them.
   * `isKnownGroup` is only called when the project is over a limit.
   */
  check(projectId: number, limits: QuotaLimits, groupingHashes: readonly string[], isKnownGroup: (hash: string) => boolean, nowMs: number): QuotaVerdict {
    const n = groupingHashes.length;
    if (n === 0 || (limits.eventsPerMinute <= 0 && limits.monthlyQuota <= 0)) {
      if (n > 0) this.count(projectId, n, nowMs);
      return { admitted: true, via: "within_limits" };
    }
    const minute = this.minuteOf(projectId, nowMs);
    const month = this.monthOf(projectId, nowMs);
    const overMinute = limits.eventsPerMinute > 0 && minute.count + n > limits.eventsPerMinute;
    const overMonth = limits.monthlyQuota > 0 && month.count + n > limits.monthlyQuota;
    if (!overMinute && !overMonth) {
      minute.count += n;
      month.count += n;
      return { admitted: true, via: "within_limits" };
    }
    // Over a limit: each issue gets one event per minute; a new issue's first event always passes.
    const slots = this.trickleOf(projectId, minute.start);
    let allNew = true;
    for (const hash of groupingHashes) {
      if (slots.get(hash) === minute.start) return this.refuse(overMinute, overMonth, minute.start, nowMs);
      if (isKnownGroup(hash)) allNew = false;
    }
    for (const hash of groupingHashes) slots.set(hash, minute.start);
    minute.count += n;
    month.count += n;
    return { admitted: true, via: allNew ? "new_issue" : "trickle" };
  }

  /**
   * Sets the current minute's count to what every node counted before this request (several
   * nodes on one database: the shared counter is the truth, this process's own count is not).
   */
  syncMinute(projectId: number, nowMs: number, countedBefore: number): void {
    this.minuteOf(projectId, nowMs).count = countedBefore;
  }

  /** Whether `n` more events would pass a limit now (nothing is counted). */
  wouldExceed(projectId: number, limits: QuotaLimits, n: number, nowMs: number): boolean {
    const minute = this.minutes.get(projectId);
    const minuteCount = minute && minute.start === _minuteStart(nowMs) ? minute.count : 0;
    return (limits.eventsPerMinute > 0 && minuteCount + n > limits.eventsPerMinute)
      || (limits.monthlyQuota > 0 && this.monthlyCount(projectId, nowMs) + n > limits.monthlyQuota);
  }

  /** Gives back events counted by `check` that were not stored after all (e.g. the queue was full). */
  refund(projectId: number, events: number, nowMs: number): void {
    const minute = this.minutes.get(projectId);
    if (minute && minute.start === _minuteStart(nowMs)) minute.count = Math.max(0, minute.count - events);
    const month = this.months.get(projectId);
    if (month && month.month === usageMonth(nowMs)) month.count = Math.max(0, month.count - events);
  }

  /** Accepted events this month as far as this process knows (seeded from the store). */
  monthlyCount(projectId: number, nowMs: number): number {
    const month = this.months.get(projectId);
    return month && month.month === usageMonth(nowMs) ? month.count : 0;
  }

  // --- Internal ---

  private count(projectId: number, n: number, nowMs: number): void {
    this.minuteOf(projectId, nowMs).count += n;
    this.monthOf(projectId, nowMs).count += n;
  }

  private refuse(overMinute: boolean, overMonth: boolean, minuteStart: number, nowMs: number): QuotaVerdict {
    const untilNextMinute = Math.max(1, Math.ceil((minuteStart + 60_000 - nowMs) / 1000));
    if (overMonth) return { admitted: false, reason: "monthly_quota", retryAfter: Math.max(MONTHLY_QUOTA_RETRY_AFTER, overMinute ? untilNextMinute : 0) };
    return { admitted: false, reason: "events_per_minute", retryAfter: untilNextMinute };
  }

  private minuteOf(projectId: number, nowMs: number): { start: number; count: number } {
    const start = _minuteStart(nowMs);
    let w = this.minutes.get(projectId);
    if (!w || w.start !== start) {
      w = { start, count: 0 };
      this.minutes.set(projectId, w);
    }
    return w;
  }

  private monthOf(projectId: number, nowMs: number): { month: number; count: number; seeded: boolean } {
    const month = usageMonth(nowMs);
    let m = this.months.get(projectId);
    if (!m || m.month !== month) {
      // a new month starts at 0 for real only if the previous one was seeded; else ask the store
      m = { month, count: 0, seeded: m?.seeded ?? false };
      this.months.set(projectId, m);
    }
    return m;
  }

  private trickleOf(projectId: number, minuteStart: number): Map<string, number> {
    let slots = this.trickle.get(projectId);
    if (!slots) {
      slots = new Map();
      this.trickle.set(projectId, slots);
    }
    // bounded memory: forget slots of past minutes once the map grows
    if (slots.size > 10_000) for (const [hash, start] of slots) if (start !== minuteStart) slots.delete(hash);
    if (slots.size > 10_000) slots.clear();
    return slots;
  }
}

/**
 * The `X-Sentry-Rate-Limits` value for a refused error event: `retry_after:categories:scope:reason`.
 * Names the error categories only, so SDKs keep sending sessions, transactions and client reports.
 */
export function rateLimitHeader(verdict: { reason: QuotaReason; retryAfter: number }): string {
  return `${verdict.retryAfter}:error;default:project:${verdict.reason}`;
}

/** The calendar month (UTC) of a time as YYYYMM, the key monthly usage is stored under. */
export function usageMonth(nowMs: number): number {
  const d = new Date(nowMs);
  return d.getUTCFullYear() * 100 + d.getUTCMonth() + 1;
}

// --- Internal ---

function _minuteStart(nowMs: number): number {
  return Math.floor(nowMs / 60_000) * 60_000;
}
