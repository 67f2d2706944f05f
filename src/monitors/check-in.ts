import { InvalidInputError } from "../errors.ts";
import { InvalidMonitorConfigError, parseMonitorConfig, type MonitorConfig } from "./config.ts";

/** Statuses a client may send; `missed` arrives as `unknown` (Relay: "computed on the server"). */
export type ReportedCheckInStatus = "in_progress" | "ok" | "error" | "unknown";

/** Every status a stored check-in can have (Sentry's CheckInStatus, lowercase as in its API). */
export type CheckInStatus = ReportedCheckInStatus | "missed" | "timeout";

/** A `check_in` as Relay accepts it, validated and normalised; nothing about stored state yet. */
export interface ParsedCheckIn {
  /** 32 lowercase hex digits; null for the nil UUID (or none): "the latest open check-in" */
  checkInId: string | null;
  monitorSlug: string;
  status: ReportedCheckInStatus;
  /** seconds, for ok / error */
  durationSec: number | null;
  environment: string;
  release: string | null;
  traceId: string | null;
  /** present when the item carries `monitor_config` (an upsert) */
  config: MonitorConfig | null;
}

/** A check-in that Relay would reject; the message names the field. */
export class InvalidCheckInError extends InvalidInputError {
  override name = "InvalidCheckInError";
}

export const MAX_SLUG_CHARS = 50;
export const MAX_ENVIRONMENT_CHARS = 64;
const STATUSES = new Set(["in_progress", "ok", "error", "missed", "unknown"]);

/**
 * Validates one check-in payload (relay-monitors/src/lib.rs): status required and known, a
 * missed status rewritten to unknown, the slug slugified and cut to 50 characters (empty is
 * refused), the environment at most 64 characters (absent or empty → production), the id a UUID
 * with or without dashes, and the whole `monitor_config` checked before anything is stored.
 * `slugFromPath` (the HTTP endpoint) replaces the body's slug.
 */
export function parseCheckIn(raw: unknown, slugFromPath?: string): ParsedCheckIn {
  if (!raw || typeof raw !== "object" || Array.isArray(raw)) throw new InvalidCheckInError("a check-in is a JSON object");
  const o = raw as Record<string, unknown>;
  const status = o.status;
  if (typeof status !== "string" || !STATUSES.has(status)) {
    throw new InvalidCheckInError(`status: ${status === undefined ? "is required" : `${JSON.stringify(status).slice(0, 40)} is not one of in_progress, ok, error`}`);
  }
  const slugRaw = slugFromPath ?? o.monitor_slug;
  if (typeof slugRaw !== "string") throw new InvalidCheckInError("monitor_slug: is required (a string)");
  const monitorSlug = slugifyMonitorSlug(slugRaw);
  if (!monitorSlug) throw new InvalidCheckInError(`monitor_slug: ${JSON.stringify(slugRaw.slice(0, 60))} has no letters or digits to make a slug of`);
  const checkInId = _checkInId(o.check_in_id);
  const environment = o.environment === undefined || o.environment === null || o.environment === "" ? "production" : o.environment;
  if (typeof environment !== "string") throw new InvalidCheckInError("environment: must be a string");
  if ([...environment].length > MAX_ENVIRONMENT_CHARS) throw new InvalidCheckInError(`environment: longer than ${MAX_ENVIRONMENT_CHARS} characters`);
  let durationSec: number | null = null;
  if (o.duration !== undefined && o.duration !== null) {
    if (typeof o.duration !== "number" || !Number.isFinite(o.duration) || o.duration < 0) throw new InvalidCheckInError("duration: must be a number of seconds ≥ 0");
    durationSec = o.duration;
  }
  const release = typeof o.release === "string" && o.release ? o.release.slice(0, 250) : null;
  const trace = (o.contexts as { trace?: { trace_id?: unknown } } | undefined)?.trace?.trace_id;
  const traceId = typeof trace === "string" && /^[0-9a-f]{32}$/i.test(trace.replace(/-/g, "")) ? trace.replace(/-/g, "").toLowerCase() : null;
  let config: MonitorConfig | null = null;
  if (o.monitor_config !== undefined && o.monitor_config !== null) {
    try {
      config = parseMonitorConfig(o.monitor_config);
    } catch (err) {
      if (err instanceof InvalidMonitorConfigError) throw new InvalidCheckInError(err.message);
      throw err;
    }
  }
  return { checkInId, monitorSlug, status: status === "missed" ? "unknown" : (status as ReportedCheckInStatus), durationSec, environment, release, traceId, config };
}

/** Sentry's slugify as its consumer applies it: lowercase, runs of other characters → "-", trimmed, at most 50 characters. */
export function slugifyMonitorSlug(raw: string): string {
  const slug = raw.normalize("NFKD").replace(/[\u0300-\u036f]/g, "").toLowerCase().replace(/[^a-z0-9_-]+/g, "-").replace(/-{2,}/g, "-").replace(/^-+|-+$/g, "");
  return [...slug].slice(0, MAX_SLUG_CHARS).join("").replace(/-+$/, "");
}

// --- Internal ---

function _checkInId(value: unknown): string | null {
  if (value === undefined || value === null || value === "") return null;
  if (typeof value !== "string") throw new InvalidCheckInError("check_in_id: must be a UUID string");
  const hex = value.replace(/-/g, "").toLowerCase();
  if (!/^[0-9a-f]{32}$/.test(hex)) throw new InvalidCheckInError(`check_in_id: ${JSON.stringify(value.slice(0, 60))} is not a UUID`);
  return /^0+$/.test(hex) ? null : hex;
}
