import { Cron } from "croner";

/**
 * A monitor's schedule as Sentry defines it (docs/sentry-crons.md §1.1): a 5-field crontab, read
 * in the monitor's timezone, or "every N units" counted from the last check-in.
 */
export type MonitorSchedule =
  | { type: "crontab"; value: string }
  | { type: "interval"; value: number; unit: IntervalUnit };

export const INTERVAL_UNITS = ["year", "month", "week", "day", "hour", "minute"] as const;
export type IntervalUnit = (typeof INTERVAL_UNITS)[number];

/** Sentry's nonstandard crontab names, rewritten to their 5-field form (getsentry/sentry monitors/validators.py). */
const NONSTANDARD_CRONTABS: Record<string, string> = {
  "@yearly": "0 0 1 1 *", "@annually": "0 0 1 1 *", "@monthly": "0 0 1 * *",
  "@weekly": "0 0 * * 0", "@daily": "0 0 * * *", "@midnight": "0 0 * * *", "@hourly": "0 * * * *",
};

/** A schedule or timezone that cannot be used; the message names what is wrong. */
export class InvalidScheduleError extends Error {
  override name = "InvalidScheduleError";
}

/**
 * The crontab as stored: trimmed, single-spaced, `@daily`-style names expanded. Only 5 fields are
 * accepted, as in Sentry ("Only 5 field crontab syntax is supported").
 */
export function normalizeCrontab(raw: string): string {
  const trimmed = raw.trim().replace(/\s+/g, " ");
  const expanded = NONSTANDARD_CRONTABS[trimmed.toLowerCase()] ?? trimmed;
  if (expanded.split(" ").length !== 5) throw new InvalidScheduleError(`"${raw.slice(0, 100)}" is not a 5-field crontab (minute hour day-of-month month day-of-week)`);
  try {
    new Cron(expanded, { paused: true });
  } catch (err) {
    throw new InvalidScheduleError(`"${raw.slice(0, 100)}" is not a valid crontab: ${(err as Error).message.replace(/^CronPattern: /, "")}`);
  }
  return expanded;
}

/** True when `tz` is a time zone the runtime knows (IANA name such as "Europe/Berlin", or "UTC"). */
export function isKnownTimezone(tz: string): boolean {
  try {
    new Intl.DateTimeFormat("en-US", { timeZone: tz });
    return true;
  } catch {
    return false;
  }
}

/**
 * When the next run is expected after `referenceMs`, as Sentry's get_next_schedule does: the
 * reference is truncated to the minute; a crontab gives its next match after that minute in the
 * monitor's timezone (a local time skipped by a DST change runs at the first valid minute after
 * it, a repeated one once); an interval adds N units, days and longer in wall-clock time.
 */
export function nextScheduledMs(schedule: MonitorSchedule, timezone: string, referenceMs: number): number {
  const minuteMs = Math.floor(referenceMs / 60_000) * 60_000;
  if (schedule.type === "crontab") {
    const next = new Cron(schedule.value, { paused: true, timezone }).nextRun(new Date(minuteMs));
    if (!next) throw new InvalidScheduleError(`"${schedule.value}" never runs`);
    return next.getTime();
  }
  return _addInterval(minuteMs, schedule.value, schedule.unit, timezone);
}

/**
 * The latest expected run at or before `referenceMs` (Sentry's get_prev_schedule): the time the
 * clock names a missed check-in by when several runs fell in one gap.
 */
export function previousScheduledMs(schedule: MonitorSchedule, timezone: string, startMs: number, referenceMs: number): number {
  if (referenceMs <= startMs) return startMs;
  if (schedule.type === "crontab") {
    // croner's previousRuns are strictly before a minute: ask from the minute after and keep the first ≤ reference
    const runs = new Cron(schedule.value, { paused: true, timezone }).previousRuns(2, new Date(referenceMs + 60_000));
    const latest = runs.find((d) => d.getTime() <= referenceMs)?.getTime();
    return latest === undefined ? startMs : Math.max(latest, startMs);
  }
  const fixed = FIXED_UNIT_MS[schedule.unit];
  if (fixed) {
    const stepMs = schedule.value * fixed;
    return startMs + Math.floor((referenceMs - startMs) / stepMs) * stepMs;
  }
  let current = startMs;
  // days and longer, counted in wall-clock time: a bounded walk (a year of daily runs is 365 steps)
  for (let i = 0; i < 100_000; i++) {
    const next = nextScheduledMs(schedule, timezone, current);
    if (next > referenceMs) return current;
    current = next;
  }
  return current;
}

/** The schedule in words for the UI and the MCP tool: "every 5 minutes", "crontab 0 3 * * * (Europe/Berlin)". */
export function describeSchedule(schedule: MonitorSchedule, timezone: string): string {
  if (schedule.type === "interval") return `every ${schedule.value === 1 ? "" : `${schedule.value} `}${schedule.unit}${schedule.value === 1 ? "" : "s"}`;
  return `${_describeCrontab(schedule.value)} (${timezone})`;
}

// --- Internal ---

const FIXED_UNIT_MS: Partial<Record<IntervalUnit, number>> = { minute: 60_000, hour: 3_600_000 };

function _addInterval(fromMs: number, value: number, unit: IntervalUnit, timezone: string): number {
  const fixed = FIXED_UNIT_MS[unit];
  if (fixed) return fromMs + value * fixed;
  // days and longer keep the local wall-clock time across DST changes (a daily job at 03:00 stays at 03:00)
  const p = _zonedParts(fromMs, timezone);
  const days = unit === "week" ? value * 7 : unit === "day" ? value : 0;
  const months = unit === "month" ? value : unit === "year" ? value * 12 : 0;
  const monthIndex = p.month - 1 + months;
  const year = p.year + Math.floor(monthIndex / 12);
  const month = ((monthIndex % 12) + 12) % 12;
  // the day clamps to the month's length (Jan 31 + 1 month = Feb 28/29), as rrule's BYMONTHDAY does not but users expect
  const day = Math.min(p.day, new Date(Date.UTC(year, month + 1, 0)).getUTCDate()) + days;
  return _zonedToUtcMs(year, month, day, p.hour, p.minute, timezone);
}

interface _Parts { year: number; month: number; day: number; hour: number; minute: number }

function _zonedParts(ms: number, timezone: string): _Parts {
  const parts = new Intl.DateTimeFormat("en-US", {
    timeZone: timezone, hourCycle: "h23", year: "numeric", month: "numeric", day: "numeric", hour: "numeric", minute: "numeric",
  }).formatToParts(new Date(ms));
  const get = (t: string) => Number(parts.find((p) => p.type === t)!.value);
  return { year: get("year"), month: get("month"), day: get("day"), hour: get("hour"), minute: get("minute") };
}

/** The UTC instant of a local wall-clock time (a skipped local time moves forward by the gap). */
function _zonedToUtcMs(year: number, month0: number, day: number, hour: number, minute: number, timezone: string): number {
  const asUtc = Date.UTC(year, month0, day, hour, minute);
  let guess = asUtc;
  for (let i = 0; i < 3; i++) {
    const p = _zonedParts(guess, timezone);
    const offset = Date.UTC(p.year, p.month - 1, p.day, p.hour, p.minute) - guess;
    const next = asUtc - offset;
    if (next === guess) break;
    guess = next;
  }
  return guess;
}

const _DAYS = ["Sunday", "Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday"];

function _describeCrontab(expr: string): string {
  const [min, hour, dom, mon, dow] = expr.split(" ");
  const isNum = (s: string | undefined) => s !== undefined && /^\d+$/.test(s);
  const at = isNum(min) && isNum(hour) ? `at ${hour!.padStart(2, "0")}:${min!.padStart(2, "0")}` : undefined;
  if (expr === "* * * * *") return "every minute";
  if (/^\*\/\d+$/.test(min!) && hour === "*" && dom === "*" && mon === "*" && dow === "*") return `every ${min!.slice(2)} minutes`;
  if (isNum(min) && hour === "*" && dom === "*" && mon === "*" && dow === "*") return `every hour at minute ${min}`;
  if (at && dom === "*" && mon === "*" && dow === "*") return `every day ${at}`;
  if (at && dom === "*" && mon === "*" && isNum(dow)) return `every ${_DAYS[Number(dow) % 7]} ${at}`;
  if (at && isNum(dom) && mon === "*" && dow === "*") return `on day ${dom} of every month ${at}`;
  return `crontab ${expr}`;
}
