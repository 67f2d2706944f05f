import type { MonitorSchedule } from "../../monitors/schedule.ts";
import type { CheckInStatus } from "../../monitors/check-in.ts";
import type { MonitorConfig } from "../../monitors/config.ts";
import type { MonitorProcessingError, PendingOccurrence, StoredCheckIn, StoredIncident, StoredMonitor, StoredMonitorEnvironment } from "./monitors.ts";

/** Row → record mappers shared by both backends (column names are the same; booleans come as 0/1 or true/false). */
type Row = Record<string, unknown>;

export function monitorFromRow(r: Row): StoredMonitor {
  const schedule: MonitorSchedule = r.schedule_type === "interval"
    ? { type: "interval", value: Number(r.schedule), unit: String(r.schedule_unit) as Extract<MonitorSchedule, { type: "interval" }>["unit"] }
    : { type: "crontab", value: String(r.schedule) };
  return {
    id: Number(r.id), guid: String(r.guid), projectId: Number(r.project_id), slug: String(r.slug), name: String(r.name),
    status: r.status === "disabled" ? "disabled" : "active", isMuted: Boolean(r.is_muted),
    config: {
      schedule, checkinMarginMin: Number(r.checkin_margin), maxRuntimeMin: Number(r.max_runtime), timezone: String(r.timezone),
      failureIssueThreshold: Number(r.failure_issue_threshold), recoveryThreshold: Number(r.recovery_threshold), owner: _str(r.owner),
    },
    createdAtSec: Number(r.created_at), updatedAtSec: Number(r.updated_at),
  };
}

/** A config as the monitors table's columns. */
export function configColumns(c: MonitorConfig): Record<string, string | number | null> {
  return {
    scheduleType: c.schedule.type, schedule: String(c.schedule.value), scheduleUnit: c.schedule.type === "interval" ? c.schedule.unit : null,
    checkinMargin: c.checkinMarginMin, maxRuntime: c.maxRuntimeMin, timezone: c.timezone,
    failureIssueThreshold: c.failureIssueThreshold, recoveryThreshold: c.recoveryThreshold, owner: c.owner,
  };
}

export function environmentFromRow(r: Row): StoredMonitorEnvironment {
  return {
    id: Number(r.id), monitorId: Number(r.monitor_id), environment: String(r.environment),
    status: String(r.status) as StoredMonitorEnvironment["status"], isMuted: Boolean(r.is_muted),
    lastCheckInSec: _num(r.last_checkin_at), nextCheckInSec: _num(r.next_checkin_at), nextCheckInLatestSec: _num(r.next_checkin_latest_at),
    lastOkSec: _num(r.last_ok_at), version: Number(r.version), createdAtSec: Number(r.created_at),
  };
}

export function checkInFromRow(r: Row): StoredCheckIn {
  return {
    id: Number(r.id), guid: String(r.guid), monitorId: Number(r.monitor_id), monitorEnvironmentId: Number(r.monitor_environment_id),
    environment: String(r.environment ?? ""), status: String(r.status) as CheckInStatus, durationMs: _num(r.duration_ms),
    createdAtSec: Number(r.created_at), updatedAtSec: Number(r.updated_at), expectedAtSec: _num(r.expected_at), timeoutAtSec: _num(r.timeout_at),
    traceId: _str(r.trace_id), release: _str(r.release),
  };
}

export function incidentFromRow(r: Row): StoredIncident {
  return {
    id: Number(r.id), guid: String(r.guid), monitorId: Number(r.monitor_id), monitorEnvironmentId: Number(r.monitor_environment_id),
    openedAtSec: Number(r.opened_at), resolvedAtSec: _num(r.resolved_at), issueId: _num(r.issue_id),
  };
}

export function occurrenceFromRow(r: Row): PendingOccurrence {
  return { id: Number(r.id), incidentId: Number(r.incident_id), projectId: Number(r.project_id), eventId: String(r.event_id), event: String(r.event), createdAtSec: Number(r.created_at) };
}

export function processingErrorFromRow(r: Row): MonitorProcessingError {
  let checkIn: Record<string, unknown> = {};
  try {
    checkIn = JSON.parse(String(r.checkin)) as Record<string, unknown>;
  } catch {
    // kept as text by an older version: shown without the payload
  }
  return { id: Number(r.id), projectId: Number(r.project_id), monitorSlug: String(r.monitor_slug), type: String(r.type), detail: String(r.detail), checkIn, createdAtSec: Number(r.created_at) };
}

/** Processing errors kept per project (the newest). */
export const KEPT_PROCESSING_ERRORS = 100;

// --- Internal ---

function _num(v: unknown): number | null {
  return v === null || v === undefined ? null : Number(v);
}

function _str(v: unknown): string | null {
  return v === null || v === undefined ? null : String(v);
}
