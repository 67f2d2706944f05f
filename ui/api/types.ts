/**
 * The API shapes the UI reads: Sentry's field names, as src/api/serialize.ts produces them.
 * Only the fields the UI uses are listed.
 */

export type IssueStatus = "unresolved" | "resolved" | "ignored";
export type StatsSeries = [number, number][];

export interface Organization { id: string; slug: string; name: string }

export interface Project { id: string; slug: string; name: string; platform: string | null; dateCreated: string }

export interface ProjectKey { id: string; public: string; projectId: number; isActive: boolean; dsn: { public: string } }

export interface Issue {
  id: string;
  shortId: string;
  title: string;
  culprit: string;
  level: string;
  status: IssueStatus;
  substatus: string | null;
  isUnhandled: boolean;
  project: { id: string; slug: string; name: string; platform: string | null };
  metadata: { type?: string; value?: string; filename?: string; function?: string };
  count: string;
  userCount: number;
  firstSeen: string;
  lastSeen: string;
  firstRelease: { version: string } | null;
  lastRelease: { version: string } | null;
  regressedAt: string | null;
  stats?: Partial<Record<"24h" | "14d" | "30d", StatsSeries>>;
  /** LightTrace: last hour well above the issue's own hourly baseline */
  isSpiking: boolean;
  lastHourCount: number;
  baselinePerHour: number;
}

export interface IssueDetail extends Issue, IssueReleaseFacts {
  stats: { "24h": StatsSeries; "30d": StatsSeries };
  tags: { key: string; name: string; totalValues: number }[];
  grouping: { mechanism: string; key: string };
}

export interface TagValue { key: string; value: string; name: string; count: number; firstSeen: string; lastSeen: string }
export interface TagSummary { key: string; name: string; totalValues: number; uniqueValues: number; topValues: TagValue[] }

export interface Frame {
  filename: string | null;
  absPath: string | null;
  module: string | null;
  package: string | null;
  function: string | null;
  lineNo: number | null;
  colNo: number | null;
  context: [number, string][];
  inApp: boolean;
  vars: Record<string, unknown> | null;
  instructionAddr: string | null;
  /** source maps: how the frame was resolved (`resolved_with`, `sourcemap`) */
  data?: Record<string, unknown> | null;
  /** why a JavaScript frame kept its minified location */
  errors?: { type: string; message: string }[] | null;
  /** …/blob/<commit>/<path>#L<line>, from the project's source-link settings */
  sourceLink?: string | null;
}

export interface Stacktrace { frames: Frame[]; hasSystemFrames: boolean }

export interface ExceptionValue {
  type: string | null;
  value: string | null;
  module: string | null;
  mechanism: { type?: string; handled?: boolean; synthetic?: boolean; [k: string]: unknown } | null;
  stacktrace: Stacktrace | null;
  /** the minified frames when source maps resolved `stacktrace` */
  rawStacktrace?: Stacktrace | null;
}

export interface Breadcrumb {
  type: string;
  category: string | null;
  level: string;
  message: string | null;
  data: Record<string, unknown> | null;
  timestamp: string | null;
}

export interface RequestData {
  url: string | null;
  method: string | null;
  query: [string, string][] | string;
  fragment: string | null;
  data: unknown;
  headers: [string, string][];
  cookies: [string, string][] | string;
  env: Record<string, string> | null;
}

export type Entry =
  | { type: "exception"; data: { values: ExceptionValue[]; hasSystemFrames: boolean } }
  | { type: "message"; data: { formatted: string; message: string | null } }
  | { type: "stacktrace"; data: Stacktrace }
  | { type: "breadcrumbs"; data: { values: Breadcrumb[] } }
  | { type: "request"; data: RequestData }
  | { type: "threads"; data: unknown };

export interface EventUser { id?: string; email?: string; username?: string; ip_address?: string | null; [k: string]: unknown }

export interface SentryEvent {
  id: string;
  eventID: string;
  groupID: string;
  projectID: string;
  dateCreated: string;
  dateReceived: string;
  title: string;
  culprit: string;
  message: string;
  platform: string;
  level: string;
  environment: string | null;
  release: { version: string } | null;
  tags: { key: string; value: string }[];
  entries: Entry[];
  user: EventUser | null;
  contexts: Record<string, Record<string, unknown>>;
  context: Record<string, unknown>;
  sdk: { name: string | null; version: string | null } | null;
  previousEventID: string | null;
  nextEventID: string | null;
}

/** The signed-in browser user (GET /api/0/auth/login/). */
export interface LoginInfo { user: { id: string; email: string; isLocalAdmin: boolean }; autoSignedIn: boolean }

/** A project's limits (src/api/guardrails.ts); in `overrides`, null = the installation default. */
export interface LimitValues {
  eventsPerMinute: number | null;
  monthlyQuota: number | null;
  maxStoredEvents: number | null;
  maxEventAgeDays: number | null;
  scrubData: boolean | null;
  sensitiveFields: string[];
}
export interface EffectiveLimitValues { eventsPerMinute: number; monthlyQuota: number; maxStoredEvents: number; maxEventAgeDays: number; scrubData: boolean; sensitiveFields: string[] }
export interface ProjectLimits { overrides: LimitValues; defaults: EffectiveLimitValues; effective: EffectiveLimitValues }

export interface OutcomeRow { reason: string; category: string; quantity: number }
export interface ProjectOutcomes {
  days: number;
  month: string;
  acceptedThisMonth: number;
  monthlyQuota: number;
  eventsPerMinute: number;
  storedEvents: number;
  maxStoredEvents: number;
  rateLimitedTotal: number;
  rateLimited: OutcomeRow[];
  clientDiscardedTotal: number;
  clientDiscarded: OutcomeRow[];
}

/** Sentry's `projects[].healthData` of a release (percentages 0–100, null without sessions). */
export interface HealthData {
  crashFreeSessions: number | null;
  crashFreeUsers: number | null;
  sessionsCrashed: number;
  sessionsErrored: number;
  sessionsAbnormal: number;
  totalSessions: number;
  totalUsers: number;
  totalSessions24h: number;
  adoption: number | null;
  sessionsAdoption: number | null;
  hasHealthData: boolean;
}

/** One bucket of a release's health chart (LightTrace). */
export interface HealthPoint { time: number; sessions: number; errored: number; abnormal: number; crashed: number; crashFreeSessions: number | null }

export interface Release {
  version: string;
  shortVersion: string;
  dateCreated: string;
  dateReleased: string | null;
  firstSeen: string;
  lastEvent: string | null;
  newGroups: number;
  regressedGroups: number;
  eventCount: number;
  eventCount24h: number;
  adoption: number | null;
  deploysByEnvironment: { environment: string; deployCount: number; lastDeployed: string }[];
  projects: { id: number; slug: string; name: string; newGroups: number; healthData?: HealthData; healthSeries?: HealthPoint[] }[];
}

export interface ReleaseDetail extends Release {
  newIssues: Issue[];
  regressedIssues: Issue[];
  deploys: { id: string; environment: string; name: string | null; dateFinished: string }[];
}

/** LightTrace's release facts on issue detail: events per release, and how a resolution in a release holds up. */
export interface IssueReleaseFacts {
  statusDetails: { inRelease?: string; inNextRelease?: boolean };
  releaseCounts: { version: string; count: number; firstSeen: string; lastSeen: string }[];
  resolution: {
    type: "inRelease" | "inNextRelease";
    release: string;
    resolvedAt: string;
    fixedReleaseEventCount: number;
    lastFixedReleaseEvent: { release: string; at: string } | null;
    lastOlderReleaseEvent: { release: string; at: string } | null;
    quietSince: string;
  } | null;
}

/** A project's source-link settings (LightTrace; GET/PUT /api/0/projects/{org}/{project}/source-links/). */
export interface SourceLinkSettings {
  configured: boolean;
  repository: string | null;
  repositoryUrl: string | null;
  urlTemplate: string | null;
  effectiveUrlTemplate: string | null;
  stackRoot: string;
  sourceRoot: string;
}
