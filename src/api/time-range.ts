import { z } from "zod";
import { parseTimestamp } from "../events/timestamps.ts";
import { badRequest } from "../http/errors.ts";

/** Seconds per unit of a Sentry `statsPeriod` (`30s`, `15m`, `1h`, `7d`, `2w`). */
const UNIT_SECONDS: Record<string, number> = { s: 1, m: 60, h: 3600, d: 86_400, w: 7 * 86_400 };

/** seconds; the longest period accepted (Sentry's retention is 90 days; a year is generous). */
const MAX_PERIOD_SEC = 366 * 86_400;

/** The query parameters of a time range, as every Sentry endpoint spells them. */
export const TIME_RANGE_PARAMS = {
  statsPeriod: z.string().max(20).optional(),
  start: z.string().max(64).optional(),
  end: z.string().max(64).optional(),
};

/** A window of time, seconds since the epoch. */
export interface TimeRange {
  startSec: number;
  endSec: number;
}

/**
 * `statsPeriod` in any Sentry form (`1h`, `24h`, `7d`, `90d`, `2w`, `30m`; a bare number is
 * hours) to seconds. 400 names a value that is not one.
 */
export function parseStatsPeriod(period: string): number {
  const m = /^(\d{1,6})([smhdw]?)$/.exec(period.trim());
  const seconds = m ? Number(m[1]) * UNIT_SECONDS[m[2] || "h"]! : NaN;
  if (!Number.isFinite(seconds) || seconds <= 0) throw badRequest(`invalid statsPeriod "${period.slice(0, 20)}" (use a number and a unit: 1h, 24h, 7d, 2w)`);
  if (seconds > MAX_PERIOD_SEC) throw badRequest(`statsPeriod "${period.slice(0, 20)}" is longer than 366 days`);
  return seconds;
}

/**
 * The window a request asks for: `statsPeriod` (ending now), or `start` and `end` (ISO 8601 or
 * epoch seconds; either alone is open-ended), else `fallbackPeriod` when given, else undefined.
 */
export function resolveTimeRange(q: { statsPeriod?: string | undefined; start?: string | undefined; end?: string | undefined }, nowMs: number, fallbackPeriod?: string): TimeRange | undefined {
  const nowSec = nowMs / 1000;
  if (q.start || q.end) {
    if (q.statsPeriod) throw badRequest("give statsPeriod or start/end, not both");
    const startSec = q.start ? _instant(q.start, "start") : 0;
    const endSec = q.end ? _instant(q.end, "end") : nowSec;
    if (startSec > endSec) throw badRequest("start must be before end");
    return { startSec, endSec };
  }
  const period = q.statsPeriod || fallbackPeriod;
  if (!period) return undefined;
  return { startSec: nowSec - parseStatsPeriod(period), endSec: nowSec };
}

// --- Internal ---

function _instant(value: string, name: string): number {
  const seconds = parseTimestamp(value);
  if (seconds === undefined) throw badRequest(`invalid ${name} "${value.slice(0, 40)}" (use an ISO 8601 date-time)`);
  return seconds;
}
