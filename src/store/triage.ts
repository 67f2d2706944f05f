/**
 * The triage rule, in one place for the write path (`issues.hot_until`) and the per-issue flag:
 *
 * - **last hour** = the current clock hour's count plus the previous hour's count weighted by the
 *   part of it that is still within the last 60 minutes (hourly buckets are all we keep);
 * - **baseline** = the mean hourly count over the 24 hours before that;
 * - **spiking** = last hour ≥ SPIKE_MIN_EVENTS and ≥ SPIKE_FACTOR × baseline, so a quiet issue
 *   waking up counts, a steadily noisy one does not, and three stray events are not a spike.
 *
 * An issue is **hot** (sorted first by `sort=priority`) when it is new (first seen in the last
 * 24 h), regressed in the last 7 days, or spiking.
 */
export const SPIKE_MIN_EVENTS = 10;
export const SPIKE_FACTOR = 5;
export const BASELINE_HOURS = 24;
export const NEW_ISSUE_WINDOW_SECONDS = 24 * 3600;
export const REGRESSED_WINDOW_SECONDS = 7 * 24 * 3600;

/** The hour numbers and the weight of the previous hour at `nowMs`. */
export function spikeWindow(nowMs: number): { currentHour: number; previousWeight: number; baselineFromHour: number } {
  const currentHour = Math.floor(nowMs / 3_600_000);
  const previousWeight = 1 - (nowMs - currentHour * 3_600_000) / 3_600_000;
  return { currentHour, previousWeight, baselineFromHour: currentHour - 1 - BASELINE_HOURS };
}

/**
 * Last-hour count, baseline and verdict from one issue's hourly buckets (epoch hours).
 * @example computeSpike([{ hour: h, count: 40 }, { hour: h - 5, count: 24 }], nowMs) // spiking: 40 vs 1/h
 */
export function computeSpike(buckets: { hour: number; count: number }[], nowMs: number): { lastHourCount: number; baselinePerHour: number; isSpiking: boolean } {
  const { currentHour, previousWeight, baselineFromHour } = spikeWindow(nowMs);
  let lastHour = 0;
  let baseline = 0;
  for (const b of buckets) {
    if (b.hour === currentHour) lastHour += b.count;
    else if (b.hour === currentHour - 1) lastHour += b.count * previousWeight;
    else if (b.hour >= baselineFromHour && b.hour < currentHour - 1) baseline += b.count;
  }
  const baselinePerHour = baseline / BASELINE_HOURS;
  const lastHourCount = Math.round(lastHour * 10) / 10;
  return { lastHourCount, baselinePerHour, isSpiking: isSpikingRate(lastHour, baselinePerHour) };
}

export function isSpikingRate(lastHour: number, baselinePerHour: number): boolean {
  return lastHour >= SPIKE_MIN_EVENTS && lastHour >= SPIKE_FACTOR * baselinePerHour;
}

/**
 * Until when (seconds) an issue may be hot, from what one write knows — the triage order's
 * candidates (`issues.hot_until`, an index), so a list reads those instead of every issue:
 * - a new issue: first seen + NEW_ISSUE_WINDOW_SECONDS;
 * - a regression: its time + REGRESSED_WINDOW_SECONDS;
 * - ≥ SPIKE_MIN_EVENTS in the current and previous clock hour: the end of the next hour. Without
 *   more events the last-hour count only falls, and after that nothing is left in the window, so
 *   an issue under the threshold now cannot be spiking later without another write.
 * It is an upper bound: lists check the exact rule (`isHotIssue`) on the candidates.
 */
export function hotUntilSec(input: { newIssueFirstSeenSec: number | null; regressedAtSec: number | null; recentHoursCount: number; nowMs: number }): number {
  let until = 0;
  if (input.newIssueFirstSeenSec !== null) until = input.newIssueFirstSeenSec + NEW_ISSUE_WINDOW_SECONDS;
  if (input.regressedAtSec !== null) until = Math.max(until, input.regressedAtSec + REGRESSED_WINDOW_SECONDS);
  if (input.recentHoursCount >= SPIKE_MIN_EVENTS) until = Math.max(until, (Math.floor(input.nowMs / 3_600_000) + 2) * 3600);
  return until;
}

/** The exact rule for one issue at `nowMs`: new, regressed (and still unresolved) or spiking. */
export function isHotIssue(issue: { firstSeenSec: number; status: string; substatus: string; regressedAtSec: number | null }, isSpiking: boolean, nowMs: number): boolean {
  const nowSec = nowMs / 1000;
  return issue.firstSeenSec >= nowSec - NEW_ISSUE_WINDOW_SECONDS
    || (issue.status === "unresolved" && issue.substatus === "regressed" && issue.regressedAtSec !== null && issue.regressedAtSec >= nowSec - REGRESSED_WINDOW_SECONDS)
    || isSpiking;
}
