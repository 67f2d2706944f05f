import type { HourlyCount } from "../store/types.ts";

export type StatsPeriod = "24h" | "14d" | "30d";

/** How far back a period reaches, in hours, and its bucket size in hours (hourly for 24 h, daily beyond). */
export const PERIODS: Record<StatsPeriod, { hours: number; bucketHours: number }> = {
  "24h": { hours: 24, bucketHours: 1 },
  "14d": { hours: 14 * 24, bucketHours: 24 },
  "30d": { hours: 30 * 24, bucketHours: 24 },
};

/** The first hour (epoch hours) a period covers, aligned to its buckets. */
export function periodStartHour(period: StatsPeriod, nowMs: number): number {
  const { hours, bucketHours } = PERIODS[period];
  const currentBucket = Math.floor(Math.floor(nowMs / 3_600_000) / bucketHours) * bucketHours;
  return currentBucket - hours + bucketHours;
}

/**
 * Sentry's `stats` series: `[[bucket start in epoch seconds, count], …]`, oldest first, every
 * bucket present (zeros included) so sparklines need no gap handling.
 */
export function buildStatsSeries(counts: HourlyCount[], issueId: number, period: StatsPeriod, nowMs: number): [number, number][] {
  const { hours, bucketHours } = PERIODS[period];
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
