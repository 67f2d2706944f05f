import type { ActivityType, StoredActivity } from "../store/model/activity.ts";

/** Activity types that open a period (first seen, a regression, a reopen) and that resolve it. */
export const PERIOD_START_TYPES: readonly ActivityType[] = ["first_seen", "set_regression", "set_unresolved"];
export const RESOLVE_TYPES: readonly ActivityType[] = ["set_resolved", "set_resolved_in_release"];
/** Every type the computation reads. */
export const MTTR_ACTIVITY_TYPES: readonly ActivityType[] = [...PERIOD_START_TYPES, ...RESOLVE_TYPES, "alert_sent"];

/** One open period of one issue: when it started, when it was resolved, when its first alert mail went out (epoch seconds). */
export interface OpenPeriod { issueId: number; startSec: number; resolvedAtSec: number | null; firstAlertAtSec: number | null }

/** Mean, median and 90th percentile of durations in seconds (0s and count 0 when there are none). */
export interface DurationStats { mean: number; p50: number; p90: number; count: number }

/**
 * An issue's open periods from its activity (oldest first), as issue 18 defines them: a period
 * starts at first seen, or at the last regression or reopen before the resolution, and ends when
 * the issue is resolved; a regression counts again. Its time to detect runs from its start to the
 * first alert mail accepted within it.
 * @example openPeriods([first_seen@0, alert_sent@60, set_resolved@3600]) // [{ startSec: 0, firstAlertAtSec: 60, resolvedAtSec: 3600 }]
 */
export function openPeriods(activity: readonly StoredActivity[]): OpenPeriod[] {
  const byIssue = new Map<number, StoredActivity[]>();
  for (const a of activity) byIssue.set(a.issueId, [...(byIssue.get(a.issueId) ?? []), a]);
  const out: OpenPeriod[] = [];
  for (const [issueId, entries] of byIssue) {
    let open: OpenPeriod | undefined;
    for (const a of [...entries].sort((x, y) => x.createdAtSec - y.createdAtSec || x.id - y.id)) {
      if (PERIOD_START_TYPES.includes(a.type)) {
        // a later start (a reopen after an ignore, a regression) restarts the clock, as in Sentry's team insights
        if (open) open.startSec = a.createdAtSec;
        else open = { issueId, startSec: a.createdAtSec, resolvedAtSec: null, firstAlertAtSec: null };
      } else if (a.type === "alert_sent") {
        if (open && open.firstAlertAtSec === null) open.firstAlertAtSec = a.createdAtSec;
      } else if (RESOLVE_TYPES.includes(a.type) && open) {
        open.resolvedAtSec = a.createdAtSec;
        out.push(open);
        open = undefined;
      }
    }
    if (open) out.push(open);
  }
  return out;
}

/** Mean, p50 and p90 (nearest rank) of durations in seconds. */
export function durationStats(durationsSec: readonly number[]): DurationStats {
  if (durationsSec.length === 0) return { mean: 0, p50: 0, p90: 0, count: 0 };
  const sorted = [...durationsSec].sort((a, b) => a - b);
  const rank = (q: number) => sorted[Math.max(0, Math.ceil(q * sorted.length) - 1)]!;
  const mean = sorted.reduce((s, d) => s + d, 0) / sorted.length;
  return { mean: Math.round(mean), p50: Math.round(rank(0.5)), p90: Math.round(rank(0.9)), count: sorted.length };
}

/** Resolution times (seconds) of the periods resolved within [fromSec, toSec). */
export function resolveTimes(periods: readonly OpenPeriod[], fromSec: number, toSec: number): { resolvedAtSec: number; durationSec: number }[] {
  return periods.filter((p) => p.resolvedAtSec !== null && p.resolvedAtSec >= fromSec && p.resolvedAtSec < toSec)
    .map((p) => ({ resolvedAtSec: p.resolvedAtSec!, durationSec: Math.max(0, p.resolvedAtSec! - p.startSec) }));
}

/** Detection times (seconds) of the periods that started within [fromSec, toSec) and were alerted. */
export function detectTimes(periods: readonly OpenPeriod[], fromSec: number, toSec: number): number[] {
  return periods.filter((p) => p.firstAlertAtSec !== null && p.startSec >= fromSec && p.startSec < toSec).map((p) => Math.max(0, p.firstAlertAtSec! - p.startSec));
}

/** The UTC Monday (YYYY-MM-DD) of the week holding `sec`. */
export function weekOf(sec: number): string {
  const d = new Date(sec * 1000);
  const day = (d.getUTCDay() + 6) % 7;
  return new Date(Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), d.getUTCDate() - day)).toISOString().slice(0, 10);
}
