import type { HourlyCount } from "../store/types.ts";
import { parseStatsPeriod } from "./time-range.ts";

/** A `statsPeriod` as Sentry spells it: `24h`, `14d`, `30d`, or any other number and unit. */
export type StatsPeriod = string;

/** hours; periods up to this long get hourly buckets, longer ones daily (as Sentry's issue stats). */
const HOURLY_UP_TO_HOURS = 48;

/** How far back a period reaches, in whole hours (at least one), and its bucket size in hours. */
export function periodShape(period: StatsPeriod): { hours: number; bucketHours: number } {
  const hours = Math.max(1, Math.ceil(parseStatsPeriod(period) / 3600));
  const bucketHours = hours <= HOURLY_UP_TO_HOURS ? 1 : 24;
  return { hours: Math.ceil(hours / bucketHours) * bucketHours, bucketHours };
}

/** The first hour (epoch hours) a period covers, aligned to its buckets. */
export function periodStartHour(period: StatsPeriod, nowMs: number): number {
  const { hours, bucketHours } = periodShape(period);
  const currentBucket = Math.floor(Math.floor(nowMs / 3_600_000) / bucketHours) * bucketHours;
  return currentBucket - hours + bucketHours;
}

/**
 * Sentry's `stats` series: `[[bucket start in epoch seconds, count], …]`, oldest first, every
 * bucket present (zeros included) so sparklines need no gap handling.
 */
export function buildStatsSeries(counts: HourlyCount[], issueId: number, period: StatsPeriod, nowMs: number): [number, number][] {
  const { hours, bucketHours } = periodShape(period);
  const start = periodStartHour(period, nowMs);
  const buckets = hours / bucketHours;
  const series: [number, number][] = [];
  for (let i = 0; i < buckets; i++) series.push([(start + i * bucketHours) * 3600, 0]);
  for (const c of counts) {
    if (c.issueId !== issueId || c.hour < start) continue;
    const index = Math.floor((c.hour - start) / bucketHours);
    if (index < buckets) series[index]![1] += c.count;
  }
  return series;
}
