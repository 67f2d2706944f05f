import type { ApiHealthData, ApiHealthPoint } from "../contract/index.ts";
import { addTotals, computeHealth, EMPTY_TOTALS, type SessionTotals } from "./health.ts";
import type { SessionHealthRow, SessionReleaseBucket } from "../store/model/sessions.ts";

/**
 * Sentry's `healthData` of one project's release (built here, pure; the wire shape is in
 * src/contract/releases.ts): crash-free rates and counts over the summary window, adoption over
 * the last 24 h, and a sessions series over the stats window. Percentages are 0–100.
 */
export type HealthData = ApiHealthData;

/** One point of a release's health chart. */
export type HealthPoint = ApiHealthPoint;

export interface HealthWindow {
  /** how far back the summary and the chart reach, and the chart's bucket size */
  hours: number;
  bucketHours: number;
  statsKey: string;
}

/** 24h → hourly points; longer windows → daily points. */
export function healthWindow(period: string): HealthWindow {
  const m = /^(\d+)([hd])$/.exec(period);
  const hours = m ? Number(m[1]) * (m[2] === "d" ? 24 : 1) : 24;
  return { hours, bucketHours: hours <= 48 ? 1 : 24, statsKey: period };
}

/** Sums rows per release (optionally only the given environments). */
export function totalsByRelease(rows: readonly SessionHealthRow[], environments: readonly string[]): Map<string, SessionTotals> {
  const out = new Map<string, SessionTotals>();
  for (const r of rows) {
    if (environments.length && !environments.includes(r.environment)) continue;
    out.set(r.release, addTotals(out.get(r.release) ?? EMPTY_TOTALS, r));
  }
  return out;
}

/**
 * The chart of one release: every bucket of the window present (zeros included), oldest first.
 * @example healthSeries(buckets, "web@1.0.0", [], healthWindow("24h"), Date.now()) // 24 hourly points
 */
export function healthSeries(buckets: readonly SessionReleaseBucket[], release: string, environments: readonly string[], w: HealthWindow, nowMs: number): HealthPoint[] {
  const currentHour = Math.floor(nowMs / 3_600_000);
  const lastBucket = Math.floor(currentHour / w.bucketHours) * w.bucketHours;
  const count = Math.ceil(w.hours / w.bucketHours);
  const start = lastBucket - (count - 1) * w.bucketHours;
  const points: HealthPoint[] = [];
  for (let i = 0; i < count; i++) points.push({ time: (start + i * w.bucketHours) * 3600, sessions: 0, errored: 0, abnormal: 0, crashed: 0, crashFreeSessions: null });
  for (const b of buckets) {
    if (b.release !== release || b.hour < start || (environments.length && !environments.includes(b.environment))) continue;
    const p = points[Math.floor((b.hour - start) / w.bucketHours)];
    if (!p) continue;
    p.sessions += b.sessions;
    p.errored += b.errored;
    p.abnormal += b.abnormal;
    p.crashed += b.crashed;
  }
  for (const p of points) p.crashFreeSessions = computeHealth({ ...EMPTY_TOTALS, sessions: p.sessions, crashed: p.crashed }).crashFreeSessions;
  return points;
}

/** Builds `healthData` from the summary totals, the 24 h totals (release and whole project) and the chart. */
export function buildHealthData(input: {
  summary: SessionTotals | undefined;
  last24h: SessionTotals | undefined;
  project24h: SessionTotals;
  events24h: number;
  projectEvents24h: number;
  series: HealthPoint[];
  statsKey: string;
}): HealthData {
  const summary = computeHealth(input.summary ?? EMPTY_TOTALS);
  const day = input.last24h ?? EMPTY_TOTALS;
  const sessionsAdoption = input.project24h.sessions > 0 ? _pct(day.sessions / input.project24h.sessions) : null;
  const eventsAdoption = input.projectEvents24h > 0 ? _pct(input.events24h / input.projectEvents24h) : null;
  return {
    crashFreeSessions: summary.crashFreeSessions,
    crashFreeUsers: summary.crashFreeUsers,
    sessionsCrashed: summary.crashed,
    sessionsErrored: summary.errored,
    sessionsAbnormal: summary.abnormal,
    totalSessions: summary.sessions,
    totalUsers: summary.users,
    totalSessions24h: day.sessions,
    totalUsers24h: day.users,
    adoption: sessionsAdoption ?? eventsAdoption,
    sessionsAdoption,
    hasHealthData: summary.sessions > 0,
    durationP50: null,
    durationP90: null,
    stats: { [input.statsKey]: input.series.map((p) => [p.time, p.sessions] as [number, number]) },
  };
}

// --- Internal ---

function _pct(ratio: number): number {
  return Math.round(ratio * 1_000_000) / 10_000;
}
