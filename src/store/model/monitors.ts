import type { MonitorConfig } from "../../monitors/config.ts";
import type { CheckInStatus } from "../../monitors/check-in.ts";

/** A cron monitor of a project (Sentry's Monitor); the slug is unique per project. */
export interface StoredMonitor {
  id: number;
  /** Sentry's `id` on the wire: a UUID */
  guid: string;
  projectId: number;
  slug: string;
  name: string;
  /** active | disabled */
  status: "active" | "disabled";
  isMuted: boolean;
  config: MonitorConfig;
  createdAtSec: number;
  updatedAtSec: number;
}

/** One environment of a monitor: its state, which the clock and every check-in move on. */
export interface StoredMonitorEnvironment {
  id: number;
  monitorId: number;
  environment: string;
  /** active = waiting for its first check-in; ok; error = an incident is open */
  status: "active" | "ok" | "error";
  isMuted: boolean;
  lastCheckInSec: number | null;
  /** when the next check-in is expected, and the latest it may arrive (expected + margin) */
  nextCheckInSec: number | null;
  nextCheckInLatestSec: number | null;
  /** the last check-in with status ok */
  lastOkSec: number | null;
  /** optimistic guard: every change sets version + 1 where version is what the change was planned on */
  version: number;
  createdAtSec: number;
}

export interface StoredCheckIn {
  id: number;
  guid: string;
  monitorId: number;
  monitorEnvironmentId: number;
  environment: string;
  status: CheckInStatus;
  durationMs: number | null;
  /** when it started (received, or the expected time of a missed one) */
  createdAtSec: number;
  updatedAtSec: number;
  expectedAtSec: number | null;
  /** an in-progress check-in times out at this time */
  timeoutAtSec: number | null;
  traceId: string | null;
  release: string | null;
}

export interface StoredIncident {
  id: number;
  /** the fingerprint of the incident's issue (a new issue per incident, as Sentry's grouphash) */
  guid: string;
  monitorId: number;
  monitorEnvironmentId: number;
  openedAtSec: number;
  resolvedAtSec: number | null;
  issueId: number | null;
}

/** A monitor failure event to be stored as an event of the incident's issue (then `sentAtSec` is set). */
export interface PendingOccurrence {
  id: number;
  incidentId: number;
  projectId: number;
  eventId: string;
  /** the raw event JSON */
  event: string;
  createdAtSec: number;
}

/** A check-in LightTrace could not process (Sentry's processing errors), shown to the user. */
export interface MonitorProcessingError {
  id: number;
  projectId: number;
  monitorSlug: string;
  /** monitor_not_found | checkin_finished | checkin_environment_mismatch | monitor_disabled */
  type: string;
  detail: string;
  checkIn: Record<string, unknown>;
  createdAtSec: number;
}

/** One guarded change of a monitor environment, planned by src/monitors/ on the state it read. */
export interface MonitorChange {
  monitorId: number;
  projectId: number;
  environment:
    | { kind: "existing"; id: number; expectedVersion: number }
    | { kind: "new"; name: string; createdAtSec: number };
  /** the environment's state after the change */
  state: {
    status: StoredMonitorEnvironment["status"];
    lastCheckInSec: number | null;
    nextCheckInSec: number | null;
    nextCheckInLatestSec: number | null;
    lastOkSec: number | null;
  };
  checkIn:
    | { kind: "insert"; guid: string; status: CheckInStatus; durationMs: number | null; createdAtSec: number; expectedAtSec: number | null; timeoutAtSec: number | null; traceId: string | null; release: string | null }
    /** closes or times out a check-in; applied only while it still has `expectedStatus` */
    | { kind: "update"; id: number; expectedStatus: CheckInStatus; status: CheckInStatus; durationMs: number | null; updatedAtSec: number }
    | null;
  incident:
    | { kind: "open"; guid: string; openedAtSec: number }
    | { kind: "resolve"; id: number; resolvedAtSec: number }
    | null;
  /** failure events to store in the incident's issue (`incidentId` null: the incident this change opens) */
  occurrences: { incidentId: number | null; eventId: string; event: string }[];
  /** the incident's issue to resolve with it (status resolved, only if still unresolved) */
  resolveIssue: { issueId: number; atSec: number } | null;
  /** recovery alerts: outbox rows inserted once per idempotency key */
  outbox: { projectId: number; ruleId: number; issueId: number; idempotencyKey: string; trigger: string; action: string; actionKey: string; payload: string; createdAtSec: number }[];
}

export type MonitorChangeResult =
  | { committed: true; monitorEnvironmentId: number; checkInId: number | null; incidentId: number | null; outboxRowsInserted: number }
  /** the environment changed (or was created) since it was read, or the check-in was closed meanwhile: read and plan again */
  | { committed: false };

export interface MonitorWrite {
  projectId: number;
  slug: string;
  name: string;
  config: MonitorConfig;
}

/** Cron monitors: monitors, environments, check-ins, incidents (src/monitors/ decides; this persists). */
export interface MonitorStore {
  /** creates the monitor or replaces its config (by project and slug); name is kept on update */
  upsertMonitor(input: MonitorWrite, guid: string, nowSec: number): Promise<StoredMonitor>;
  getMonitor(projectId: number, slug: string): Promise<StoredMonitor | undefined>;
  getMonitorById(id: number): Promise<StoredMonitor | undefined>;
  /** every monitor of the projects (all when undefined), by slug */
  listMonitors(projectIds?: readonly number[]): Promise<StoredMonitor[]>;
  updateMonitor(id: number, changes: { name?: string; slug?: string; status?: "active" | "disabled"; isMuted?: boolean; config?: MonitorConfig }, nowSec: number): Promise<StoredMonitor | undefined>;
  /** deletes the monitor with its environments, check-ins and incidents */
  deleteMonitor(id: number): Promise<boolean>;
  deleteMonitorEnvironment(monitorId: number, environment: string): Promise<boolean>;

  listMonitorEnvironments(monitorIds: readonly number[]): Promise<StoredMonitorEnvironment[]>;
  getMonitorEnvironment(monitorId: number, environment: string): Promise<StoredMonitorEnvironment | undefined>;
  setMonitorEnvironmentMuted(monitorId: number, environment: string, isMuted: boolean): Promise<boolean>;

  findCheckIn(monitorId: number, guid: string): Promise<StoredCheckIn | undefined>;
  /** the newest in-progress check-in of the environment */
  latestOpenCheckIn(monitorEnvironmentId: number): Promise<StoredCheckIn | undefined>;
  /** the environment's newest finished check-ins (not in progress), newest first */
  recentFinishedCheckIns(monitorEnvironmentId: number, limit: number): Promise<StoredCheckIn[]>;
  /** a monitor's check-ins, newest first */
  listCheckIns(monitorId: number, opts: { environment?: string; sinceSec?: number; limit: number; offset: number }): Promise<StoredCheckIn[]>;
  /** whether a check-in with status ok or error started after `afterSec` */
  hasFinishedCheckInAfter(monitorEnvironmentId: number, afterSec: number): Promise<boolean>;

  /** persists one planned change atomically, or nothing when its guards fail */
  applyMonitorChange(change: MonitorChange): Promise<MonitorChangeResult>;

  /** environments of active monitors whose latest expected check-in time is ≤ `nowSec` */
  dueMissedEnvironments(nowSec: number, limit: number): Promise<StoredMonitorEnvironment[]>;
  /** in-progress check-ins whose timeout is ≤ `nowSec` */
  dueTimeouts(nowSec: number, limit: number): Promise<StoredCheckIn[]>;

  getOpenIncident(monitorEnvironmentId: number): Promise<StoredIncident | undefined>;
  listIncidents(monitorEnvironmentIds: readonly number[], limit: number): Promise<StoredIncident[]>;
  /** the incident whose issue this is */
  incidentByIssue(issueId: number): Promise<StoredIncident | undefined>;
  pendingOccurrences(limit: number): Promise<PendingOccurrence[]>;
  /** the occurrence's event is stored in `issueId`: sets the incident's issue if it has none */
  markOccurrenceSent(id: number, issueId: number, nowSec: number): Promise<void>;

  recordProcessingError(input: Omit<MonitorProcessingError, "id">): Promise<void>;
  listProcessingErrors(projectId: number, limit: number): Promise<MonitorProcessingError[]>;
}
