/** Cron monitors in Sentry's web API shapes (src/api/monitors.ts), plus the few fields LightTrace adds (marked). */

export type ApiCheckInStatus = "in_progress" | "ok" | "error" | "missed" | "timeout" | "unknown";

/** Sentry's MonitorConfigSerializerResponse: a crontab string, or `[n, "unit"]` for intervals. */
export interface ApiMonitorConfig {
  schedule_type: "crontab" | "interval";
  schedule: string | [number, string];
  checkin_margin: number;
  max_runtime: number;
  timezone: string;
  failure_issue_threshold: number;
  recovery_threshold: number;
  alert_rule_id: null;
}

export interface ApiMonitorIncident {
  startingTimestamp: string;
  resolvingTimestamp: string | null;
  /** LightTrace: the incident's issue ("Monitor failure: …"), once stored */
  issueId: string | null;
}

export interface ApiMonitorEnvironment {
  name: string;
  /** active (waiting for the first check-in) | ok | error (an incident is open) */
  status: "active" | "ok" | "error";
  isMuted: boolean;
  dateCreated: string;
  lastCheckIn: string | null;
  nextCheckIn: string | null;
  nextCheckInLatest: string | null;
  activeIncident: ApiMonitorIncident | null;
}

export interface ApiMonitor {
  /** a UUID */
  id: string;
  slug: string;
  name: string;
  status: "active" | "disabled";
  isMuted: boolean;
  isUpserting: boolean;
  type: "cron_job";
  config: ApiMonitorConfig;
  dateCreated: string;
  project: { id: string; slug: string; name: string; platform: string | null };
  owner: { type: "user" | "team"; id: string; name: string } | null;
  environments: ApiMonitorEnvironment[];
  alertRule: null;
  /** LightTrace: the schedule in words, e.g. "every day at 03:00 (Europe/Berlin)" */
  scheduleDescription: string;
}

export interface ApiCheckIn {
  /** the check-in id as a UUID */
  id: string;
  environment: string;
  status: ApiCheckInStatus;
  /** milliseconds (null while in progress) */
  duration: number | null;
  dateCreated: string;
  dateAdded: string;
  dateUpdated: string;
  expectedTime: string | null;
  dateClockTimeout: string | null;
  monitorConfig: ApiMonitorConfig;
}

/** A check-in that could not be processed (Sentry's processing errors). */
export interface ApiMonitorProcessingError {
  id: string;
  checkin: Record<string, unknown>;
  errors: { type: string; detail: string }[];
  monitorSlug: string;
  dateCreated: string;
}
