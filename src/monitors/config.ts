import { z } from "zod";
import { InvalidInputError } from "../errors.ts";
import { INTERVAL_UNITS, InvalidScheduleError, isKnownTimezone, normalizeCrontab, type MonitorSchedule } from "./schedule.ts";

/** Limits from getsentry/sentry monitors/constants.py (docs/sentry-crons.md §1.1). */
export const DEFAULT_CHECKIN_MARGIN_MIN = 1;
export const DEFAULT_MAX_RUNTIME_MIN = 30;
export const MAX_MARGIN_MIN = 40_320;
export const MAX_TIMEOUT_MIN = 40_320;
export const MAX_THRESHOLD = 720;

/** A monitor's configuration as stored: every field resolved (defaults applied). */
export interface MonitorConfig {
  schedule: MonitorSchedule;
  /** minutes a check-in may be late before it counts as missed */
  checkinMarginMin: number;
  /** minutes an in-progress check-in may run before it times out */
  maxRuntimeMin: number;
  timezone: string;
  /** consecutive failures that open an incident */
  failureIssueThreshold: number;
  /** consecutive ok check-ins that resolve it */
  recoveryThreshold: number;
  /** "user:…" or "team:…", as Sentry's actor strings */
  owner: string | null;
}

/** A `monitor_config` (SDK, HTTP endpoint) or a web API config that breaks the rules; the message names the field. */
export class InvalidMonitorConfigError extends InvalidInputError {
  override name = "InvalidMonitorConfigError";
}

const THRESHOLD = z.number().int().min(1).max(MAX_THRESHOLD).nullish();

/** The SDK's snake_case `monitor_config` (Relay's MonitorConfig; unknown fields are dropped as Relay does). */
const SDK_MONITOR_CONFIG = z.object({
  schedule: z.discriminatedUnion("type", [
    z.object({ type: z.literal("crontab"), value: z.string().min(1).max(200) }),
    z.object({ type: z.literal("interval"), value: z.number().int().min(1).max(1_000_000), unit: z.enum(INTERVAL_UNITS) }),
  ], { error: "a schedule is {\"type\":\"crontab\",\"value\":\"0 * * * *\"} or {\"type\":\"interval\",\"value\":5,\"unit\":\"minute\"}" }),
  checkin_margin: z.number().int().min(1).max(MAX_MARGIN_MIN).nullish(),
  max_runtime: z.number().int().min(1).max(MAX_TIMEOUT_MIN).nullish(),
  timezone: z.string().max(100).nullish(),
  failure_issue_threshold: THRESHOLD,
  recovery_threshold: THRESHOLD,
  owner: z.string().max(200).regex(/^(user|team):\S+$/, "an owner is \"user:<id or email>\" or \"team:<slug>\"").nullish(),
});

/**
 * Validates a `monitor_config` in full before anything is stored: the shape, the crontab (5
 * fields) and the timezone. Throws InvalidMonitorConfigError naming the field.
 */
export function parseMonitorConfig(raw: unknown, fieldPrefix = "monitor_config"): MonitorConfig {
  const parsed = SDK_MONITOR_CONFIG.safeParse(raw);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    const path = [fieldPrefix, ...issue.path.map(String)].join(".");
    throw new InvalidMonitorConfigError(`${path}: ${issue.message}`);
  }
  const c = parsed.data;
  let schedule: MonitorSchedule;
  try {
    schedule = c.schedule.type === "crontab" ? { type: "crontab", value: normalizeCrontab(c.schedule.value) } : c.schedule;
  } catch (err) {
    if (err instanceof InvalidScheduleError) throw new InvalidMonitorConfigError(`${fieldPrefix}.schedule: ${err.message}`);
    throw err;
  }
  const timezone = c.timezone?.trim() || "UTC";
  if (!isKnownTimezone(timezone)) throw new InvalidMonitorConfigError(`${fieldPrefix}.timezone: "${timezone}" is not a known time zone (use an IANA name such as "Europe/Berlin")`);
  return {
    schedule,
    checkinMarginMin: c.checkin_margin ?? DEFAULT_CHECKIN_MARGIN_MIN,
    maxRuntimeMin: c.max_runtime ?? DEFAULT_MAX_RUNTIME_MIN,
    timezone,
    failureIssueThreshold: c.failure_issue_threshold ?? 1,
    recoveryThreshold: c.recovery_threshold ?? 1,
    owner: c.owner ?? null,
  };
}

/**
 * The web API's config (Sentry's MonitorConfigSerializer: `schedule_type` + `schedule` as a
 * crontab string or `[n, "unit"]`) in the SDK's shape, for `parseMonitorConfig`.
 */
export function webConfigToSdk(raw: unknown): unknown {
  if (!raw || typeof raw !== "object" || Array.isArray(raw)) return raw;
  const { schedule_type: type, schedule, ...rest } = raw as Record<string, unknown>;
  if (Array.isArray(schedule)) return { ...rest, schedule: { type: type ?? "interval", value: schedule[0], unit: schedule[1] } };
  if (typeof schedule === "string") return { ...rest, schedule: { type: type ?? "crontab", value: schedule } };
  return { ...rest, schedule };
}
