import { toIsoString } from "../../events/timestamps.ts";
import type { ApiCheckIn, ApiMonitor, ApiMonitorConfig, ApiMonitorEnvironment, ApiMonitorProcessingError } from "../../contract/monitors.ts";
import type { MonitorConfig } from "../../monitors/config.ts";
import { describeSchedule } from "../../monitors/schedule.ts";
import type { MonitorProcessingError, StoredCheckIn, StoredIncident, StoredMonitor, StoredMonitorEnvironment } from "../../store/model/monitors.ts";
import type { Project } from "../../store/types.ts";

/** A stored config in the web API's shape (Sentry's MonitorConfigSerializerResponse). */
export function serializeMonitorConfig(c: MonitorConfig): ApiMonitorConfig {
  return {
    schedule_type: c.schedule.type,
    schedule: c.schedule.type === "crontab" ? c.schedule.value : [c.schedule.value, c.schedule.unit],
    checkin_margin: c.checkinMarginMin,
    max_runtime: c.maxRuntimeMin,
    timezone: c.timezone,
    failure_issue_threshold: c.failureIssueThreshold,
    recovery_threshold: c.recoveryThreshold,
    alert_rule_id: null,
  };
}

export function serializeMonitor(m: StoredMonitor, project: Project, envs: StoredMonitorEnvironment[], openIncidents: StoredIncident[]): ApiMonitor {
  const owner = m.config.owner ? _owner(m.config.owner) : null;
  return {
    id: _uuid(m.guid),
    slug: m.slug,
    name: m.name,
    status: m.status,
    isMuted: m.isMuted,
    isUpserting: false,
    type: "cron_job",
    config: serializeMonitorConfig(m.config),
    dateCreated: toIsoString(m.createdAtSec),
    project: { id: String(project.id), slug: project.slug, name: project.name, platform: project.platform },
    owner,
    environments: envs.map((e) => _environment(e, openIncidents.find((i) => i.monitorEnvironmentId === e.id && i.resolvedAtSec === null))),
    alertRule: null,
    scheduleDescription: describeSchedule(m.config.schedule, m.config.timezone),
  };
}

export function serializeCheckIn(c: StoredCheckIn, config: MonitorConfig): ApiCheckIn {
  return {
    id: _uuid(c.guid),
    environment: c.environment,
    status: c.status,
    duration: c.durationMs,
    dateCreated: toIsoString(c.createdAtSec),
    dateAdded: toIsoString(c.createdAtSec),
    dateUpdated: toIsoString(c.updatedAtSec),
    expectedTime: c.expectedAtSec === null ? null : toIsoString(c.expectedAtSec),
    dateClockTimeout: c.timeoutAtSec === null ? null : toIsoString(c.timeoutAtSec),
    monitorConfig: serializeMonitorConfig(config),
  };
}

export function serializeProcessingError(e: MonitorProcessingError): ApiMonitorProcessingError {
  return { id: String(e.id), checkin: e.checkIn, errors: [{ type: e.type, detail: e.detail }], monitorSlug: e.monitorSlug, dateCreated: toIsoString(e.createdAtSec) };
}

// --- Internal ---

function _environment(e: StoredMonitorEnvironment, incident: StoredIncident | undefined): ApiMonitorEnvironment {
  const iso = (s: number | null) => (s === null ? null : toIsoString(s));
  return {
    name: e.environment,
    status: e.status,
    isMuted: e.isMuted,
    dateCreated: toIsoString(e.createdAtSec),
    lastCheckIn: iso(e.lastCheckInSec),
    nextCheckIn: iso(e.nextCheckInSec),
    nextCheckInLatest: iso(e.nextCheckInLatestSec),
    activeIncident: incident ? { startingTimestamp: toIsoString(incident.openedAtSec), resolvingTimestamp: null, issueId: incident.issueId === null ? null : String(incident.issueId) } : null,
  };
}

function _owner(actor: string): ApiMonitor["owner"] {
  const [type, ...rest] = actor.split(":");
  const id = rest.join(":");
  return { type: type === "team" ? "team" : "user", id, name: id };
}

/** 32 hex digits as 8-4-4-4-12. */
function _uuid(hex: string): string {
  return /^[0-9a-f]{32}$/.test(hex) ? `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}` : hex;
}
