import { createHash } from "node:crypto";
import type { CheckInStatus, ParsedCheckIn } from "./check-in.ts";
import { nextScheduledMs, previousScheduledMs } from "./schedule.ts";
import type { MonitorChange, StoredCheckIn, StoredIncident, StoredMonitor, StoredMonitorEnvironment } from "../store/model/monitors.ts";

/**
 * The decisions of cron monitoring, pure: given a monitor environment's state as read (and the
 * check-ins that thresholds look at), what one check-in, missed run or timeout changes. Follows
 * Sentry's monitors logic (docs/sentry-crons.md §1.4): mark_ok / mark_failed move the expected
 * times, `failure_issue_threshold` consecutive failures open an incident (a new issue),
 * `recovery_threshold` consecutive ok check-ins resolve it. Time comes in as arguments.
 */

/** What a decision reads about one monitor environment (undefined env: it does not exist yet). */
export interface EnvironmentView {
  monitor: StoredMonitor;
  environment: string;
  env: StoredMonitorEnvironment | undefined;
  openIncident: StoredIncident | undefined;
  /** the newest finished check-ins (not in progress), newest first, at least max(threshold) of them */
  recentFinished: StoredCheckIn[];
}

/** Why a run failed, in Sentry's words (evidence "Failure reason"). */
export type FailureKind = "missed" | "timeout" | "error";
export const FAILURE_REASONS: Record<FailureKind, string> = {
  missed: "A missed check-in was detected",
  timeout: "A timeout check-in was detected",
  error: "The job reported an error",
};

/** A check-in that is dropped with a processing error instead of being applied. */
export interface CheckInRefusal { type: "checkin_finished" | "checkin_environment_mismatch" | "monitor_disabled"; detail: string }

/** Fresh identifiers a decision may need (random in production, fixed in tests). */
export interface Ids { newGuid(): string }

/** The largest threshold a decision may look back over (Sentry: 720). */
export const MAX_LOOKBACK = 720;

/**
 * A reported check-in: a new row, or the update of `existing` (the check-in with that id, or the
 * environment's latest open one for a nil id). Returns the change, a refusal, or null when there is
 * nothing to do (a late start of a finished run).
 */
export function planReportedCheckIn(view: EnvironmentView, p: ParsedCheckIn, existing: StoredCheckIn | undefined, receivedAtSec: number, ids: Ids): MonitorChange | CheckInRefusal | null {
  const { monitor } = view;
  if (monitor.status === "disabled") return { type: "monitor_disabled", detail: `the monitor "${monitor.slug}" is disabled` };
  if (existing && existing.environment !== view.environment) {
    return { type: "checkin_environment_mismatch", detail: `check-in ${existing.guid} belongs to environment "${existing.environment}", not "${view.environment}"` };
  }
  if (existing && existing.status !== "in_progress") {
    // the start of a run whose end was applied first (SDKs send both at once; requests may overtake
    // each other): nothing left to do. Only a second end is an error.
    if (p.status === "in_progress") return null;
    return { type: "checkin_finished", detail: `check-in ${existing.guid} is already finished (${existing.status})` };
  }
  const base = _base(view, receivedAtSec);
  const referenceSec = existing ? existing.createdAtSec : receivedAtSec;
  const status: CheckInStatus = p.status;
  const durationMs = status === "ok" || status === "error"
    ? Math.round(p.durationSec !== null ? p.durationSec * 1000 : existing ? (receivedAtSec - existing.createdAtSec) * 1000 : 0)
    : null;
  const change = _change(view, base);
  change.checkIn = existing
    ? { kind: "update", id: existing.id, expectedStatus: "in_progress", status, durationMs, updatedAtSec: receivedAtSec }
    : {
      kind: "insert", guid: p.checkInId ?? ids.newGuid(), status, durationMs, createdAtSec: receivedAtSec,
      expectedAtSec: view.env?.nextCheckInSec ?? null,
      timeoutAtSec: status === "in_progress" ? Math.floor(receivedAtSec / 60) * 60 + monitor.config.maxRuntimeMin * 60 : null,
      traceId: p.traceId, release: p.release,
    };
  // mark_ok / mark_failed: the next run is expected after this one (never moved backwards)
  _advance(change, monitor, referenceSec);
  const guid = existing?.guid ?? (change.checkIn.kind === "insert" ? change.checkIn.guid : "");
  const current: _Outcome = { guid, status, atSec: referenceSec, traceId: p.traceId ?? existing?.traceId ?? null, release: p.release ?? existing?.release ?? null };
  if (status === "ok") {
    change.state.lastOkSec = Math.max(change.state.lastOkSec ?? 0, referenceSec);
    _onOk(view, change, current, receivedAtSec);
  } else if (status === "error") {
    _onFailure(view, change, current, "error", ids);
  }
  return change;
}

/**
 * The clock found the environment's latest expected time (`nextCheckInLatestSec`) passed at
 * `tickSec`: a missed check-in at the expected time, the next run expected after the latest
 * scheduled time before the tick. `unknown` instead (LightTrace itself was not running when the
 * check-in was due, so it may have been sent and lost): recorded, no failure.
 */
export function planMissed(view: EnvironmentView, tickSec: number, asUnknown: boolean, ids: Ids): MonitorChange {
  const env = view.env!;
  const expectedSec = env.nextCheckInSec ?? env.nextCheckInLatestSec!;
  const change = _change(view, _base(view, tickSec));
  const guid = ids.newGuid();
  change.checkIn = { kind: "insert", guid, status: asUnknown ? "unknown" : "missed", durationMs: null, createdAtSec: expectedSec, expectedAtSec: expectedSec, timeoutAtSec: null, traceId: null, release: null };
  const { schedule, timezone } = view.monitor.config;
  const lastExpectedMs = previousScheduledMs(schedule, timezone, expectedSec * 1000, tickSec * 1000);
  _advance(change, view.monitor, lastExpectedMs / 1000, true);
  if (!asUnknown) _onFailure(view, change, { guid, status: "missed", atSec: expectedSec, traceId: null, release: null }, "missed", ids);
  return change;
}

/** An in-progress check-in ran past its `max_runtime`: it becomes `timeout`, a failure unless a newer run finished. */
export function planTimeout(view: EnvironmentView, checkIn: StoredCheckIn, tickSec: number, newerRunFinished: boolean, ids: Ids): MonitorChange {
  const change = _change(view, _base(view, tickSec));
  change.checkIn = { kind: "update", id: checkIn.id, expectedStatus: "in_progress", status: "timeout", durationMs: null, updatedAtSec: tickSec };
  if (!newerRunFinished) _onFailure(view, change, { guid: checkIn.guid, status: "timeout", atSec: checkIn.createdAtSec, traceId: checkIn.traceId, release: checkIn.release }, "timeout", ids);
  return change;
}

/** The occurrence event of a failure: what the incident's issue shows (title, reason, environment, last success). */
export function failureEvent(monitor: StoredMonitor, environment: string, incidentGuid: string, kind: FailureKind, failure: { guid: string; atSec: number; traceId: string | null; release: string | null }, lastOkSec: number | null): { eventId: string; event: string } {
  const eventId = createHash("sha256").update(`${incidentGuid}:${failure.guid}:${kind}`).digest("hex").slice(0, 32);
  const lastOk = lastOkSec === null ? "Never" : new Date(lastOkSec * 1000).toISOString();
  const event = {
    event_id: eventId,
    timestamp: failure.atSec,
    platform: "other",
    level: "error",
    logger: "monitors",
    message: `Monitor failure: ${monitor.name}`,
    transaction: FAILURE_REASONS[kind],
    environment,
    ...(failure.release ? { release: failure.release } : {}),
    fingerprint: [`monitor-incident:${incidentGuid}`],
    tags: { "monitor.id": monitor.guid, "monitor.slug": monitor.slug, "monitor.incident": incidentGuid, "monitor.failure": kind },
    contexts: {
      monitor: {
        id: monitor.guid, slug: monitor.slug, name: monitor.name, project_id: monitor.projectId,
        "Failure reason": FAILURE_REASONS[kind], Environment: environment, "Last successful check-in": lastOk,
        check_in_id: failure.guid,
      },
      ...(failure.traceId ? { trace: { trace_id: failure.traceId, span_id: failure.traceId.slice(0, 16) } } : {}),
    },
  };
  return { eventId, event: JSON.stringify(event) };
}

// --- Internal ---

interface _Outcome { guid: string; status: CheckInStatus; atSec: number; traceId: string | null; release: string | null }

function _base(view: EnvironmentView, nowSec: number): MonitorChange["state"] {
  const env = view.env;
  return {
    status: env?.status ?? "active",
    lastCheckInSec: env?.lastCheckInSec ?? null,
    nextCheckInSec: env?.nextCheckInSec ?? null,
    nextCheckInLatestSec: env?.nextCheckInLatestSec ?? null,
    lastOkSec: env?.lastOkSec ?? null,
    ...(env ? {} : { lastCheckInSec: nowSec }),
  };
}

function _change(view: EnvironmentView, state: MonitorChange["state"]): MonitorChange {
  return {
    monitorId: view.monitor.id,
    projectId: view.monitor.projectId,
    environment: view.env ? { kind: "existing", id: view.env.id, expectedVersion: view.env.version } : { kind: "new", name: view.environment, createdAtSec: state.lastCheckInSec ?? 0 },
    state,
    checkIn: null,
    incident: null,
    occurrences: [],
    resolveIssue: null,
    outbox: [],
  };
}

/** Expected times from a run at `referenceSec`; only forwards unless `force` (the clock moving past a missed run). */
function _advance(change: MonitorChange, monitor: StoredMonitor, referenceSec: number, force = false): void {
  const { schedule, timezone, checkinMarginMin } = monitor.config;
  const nextSec = nextScheduledMs(schedule, timezone, referenceSec * 1000) / 1000;
  const s = change.state;
  if (!force) s.lastCheckInSec = Math.max(s.lastCheckInSec ?? referenceSec, referenceSec);
  if (force || s.nextCheckInSec === null || nextSec > s.nextCheckInSec) {
    s.nextCheckInSec = nextSec;
    s.nextCheckInLatestSec = nextSec + checkinMarginMin * 60;
  }
}

/** Finished outcomes newest first: this one, then the stored ones; `unknown` ones say nothing about the job and are left out. */
function _window(view: EnvironmentView, current: _Outcome, n: number): CheckInStatus[] {
  return [current.status, ...view.recentFinished.filter((c) => c.guid !== current.guid).map((c) => c.status)]
    .filter((s) => s !== "unknown").slice(0, n);
}

const _FAILED = new Set<CheckInStatus>(["error", "missed", "timeout"]);

function _onFailure(view: EnvironmentView, change: MonitorChange, current: _Outcome, kind: FailureKind, ids: Ids): void {
  const { monitor } = view;
  const muted = monitor.isMuted || (view.env?.isMuted ?? false);
  const s = change.state;
  if (s.status === "error" && view.openIncident) {
    // the incident is open: each further failure adds to its issue
    if (!muted) change.occurrences.push({ incidentId: view.openIncident.id, ...failureEvent(monitor, view.environment, view.openIncident.guid, kind, current, s.lastOkSec) });
    return;
  }
  const threshold = monitor.config.failureIssueThreshold;
  const recent = _window(view, current, threshold);
  if (recent.length < threshold || !recent.every((st) => _FAILED.has(st))) return;
  s.status = "error";
  const guid = ids.newGuid();
  change.incident = { kind: "open", guid, openedAtSec: current.atSec };
  if (!muted) change.occurrences.push({ incidentId: null, ...failureEvent(monitor, view.environment, guid, kind, current, s.lastOkSec) });
}

function _onOk(view: EnvironmentView, change: MonitorChange, current: _Outcome, nowSec: number): void {
  const s = change.state;
  if (s.status !== "error") {
    s.status = "ok";
    return;
  }
  const threshold = view.monitor.config.recoveryThreshold;
  const recent = _window(view, current, threshold);
  if (recent.length < threshold || !recent.every((st) => st === "ok")) return;
  s.status = "ok";
  const incident = view.openIncident;
  if (!incident) return;
  change.incident = { kind: "resolve", id: incident.id, resolvedAtSec: nowSec };
  if (incident.issueId !== null) change.resolveIssue = { issueId: incident.issueId, atSec: nowSec };
}
