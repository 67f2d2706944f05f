import type { EventMetadata } from "../events/title.ts";
import type { NormalizedEvent } from "../events/types.ts";
import type { AlertRule } from "../alert-rules/rule-schema.ts";
import type { WritePlan, WriteResult } from "./write-plan.ts";
import type { StoredTrace } from "./model/traces.ts";
import type { StoredExplanation } from "./model/explanations.ts";
import type { SessionBucket, SessionHealthRow, SessionReleaseBucket } from "./model/sessions.ts";
import type { ReleaseEventCount, ReleaseHead, ReleaseIssueCount } from "./model/release-stats.ts";
import type { ReleaseStore } from "./model/releases.ts";
import type { SourceLinkStore } from "./model/source-links.ts";
import type { AlertStore, RuleWrite } from "./model/alerts.ts";
import type { OutcomeCount, OutcomeKind, ProjectLimitOverrides } from "./model/project-limits.ts";
import type { IssueStoredCount } from "./model/retention.ts";
import type { IssueReleaseCount, StoredResolution } from "./model/resolutions.ts";
import type { ReleaseRef } from "../releases/order.ts";
import type { ArtifactStore } from "./model/artifacts.ts";
import type { EventAggregateQuery, EventPageOptions, EventSearchFilter, EventSummary } from "./model/event-search.ts";
import type { IssueStatus } from "./issue-status.ts";
import type { StoredEvent } from "./stored-event.ts";
import type { GroupingStore } from "./model/groupings.ts";
import type { MonitorStore } from "./model/monitors.ts";
import type { ActivityStore, AssigneeCondition, TeamStore } from "./model/activity.ts";
import type { OwnerCondition, OwnershipStore } from "./model/ownership.ts";
import type { FeedbackStore } from "./model/feedback.ts";

export interface Organization { id: number; slug: string; name: string; createdAtSec: number }

export interface Project {
  id: number;
  organizationId: number;
  slug: string;
  name: string;
  platform: string | null;
  createdAtSec: number;
}

export interface ProjectKey {
  id: number;
  projectId: number;
  publicKey: string;
  label: string;
  isActive: boolean;
  createdAtSec: number;
}

export interface ApiToken {
  id: number;
  name: string;
  tokenHint: string;
  scopes: string[];
  createdAtSec: number;
  lastUsedAtSec: number | null;
}

export { ISSUE_STATUSES, type IssueStatus } from "./issue-status.ts";

export interface Issue {
  id: number;
  projectId: number;
  shortId: number;
  title: string;
  culprit: string;
  type: string;
  level: string;
  platform: string;
  metadata: EventMetadata;
  status: IssueStatus;
  /** new | regressed | ongoing — why an unresolved issue is unresolved */
  substatus: string;
  isUnhandled: boolean;
  /** seconds since epoch */
  firstSeenSec: number;
  lastSeenSec: number;
  firstRelease: string | null;
  lastRelease: string | null;
  eventCount: number;
  userCount: number;
  statusChangedAtSec: number | null;
  regressedAtSec: number | null;
  groupingKey: string;
  groupingMechanism: string;
}

/** `priority`: the triage order (new in 24 h, regressed or spiking first, then affected users). */
export type IssueSort = "date" | "new" | "freq" | "user" | "priority";

export interface TagCondition { key: string; value: string; negate: boolean }

export interface IssueFilter {
  /** undefined = every project */
  projectIds?: number[];
  statuses?: IssueStatus[];
  levels?: string[];
  tags: TagCondition[];
  /** words that must all appear (any case) in the title, culprit, message or tag values */
  text: string[];
  sort: IssueSort;
  /** rows to skip (after the anchor, if any; not with `anchor.before`) */
  offset: number;
  limit: number;
  /** keyset paging: the page after (or, `before`, the page that ends before) this issue in the list's order */
  anchor?: { issueId: number; before: boolean };
  /** ms since epoch; the `priority` sort needs it ("new in the last 24 h", "spiking now") */
  nowMs: number;
  /** only issues with events in this window (seconds since epoch): last seen after its start, first seen before its end */
  seenWithin?: { startSec: number; endSec: number };
  /** assignee conditions (`assigned:`, `is:assigned`, `is:unassigned`), all of which must hold */
  assignees?: AssigneeCondition[];
  /** owner conditions (`owner:`), all of which must hold */
  owners?: OwnerCondition[];
}

/** An issue's recent rate: the last hour against its own hourly baseline over the 24 h before. */
export interface SpikeStats { issueId: number; lastHourCount: number; baselinePerHour: number; isSpiking: boolean }

export interface User {
  id: number;
  email: string;
  /** the passwordless user the UI signs in automatically when the server listens on loopback */
  isLocalAdmin: boolean;
  createdAtSec: number;
  lastLoginAtSec: number | null;
}

/** A browser sign-in to store: the SHA-256 of its cookie value and when it expires (epoch seconds). */
export interface NewLogin {
  userId: number;
  tokenHash: string;
  nowSec: number;
  expiresAtSec: number;
}

export type { StoredEvent } from "./stored-event.ts";

export interface TagValueCount { value: string; count: number; firstSeenSec: number; lastSeenSec: number }
export interface TagKeySummary { key: string; totalValues: number; uniqueValues: number; topValues: TagValueCount[] }

export interface HourlyCount { issueId: number; hour: number; count: number }

export interface ItemCount { projectId: number; itemType: string; day: number; count: number }

/** The state of an issue that ingest decides on (regressions) and guards its writes with. */
export interface GroupedIssue { issueId: number; status: IssueStatus; statusChangedAtSec: number | null }

/** What ingest asks about one project before it plans a batch. */
export interface IngestStateQuery { projectId: number; eventIds: string[]; hashes: string[] }

/** The answer for one project: which of the event ids are stored, which hashes name an issue. */
export interface ProjectIngestState {
  storedEventIds: Set<string>;
  groupings: Map<string, GroupedIssue>;
}

/** What a regression decision reads for resolved issues: how each was resolved, and release ages. */
export interface RegressionState {
  /** the stored resolution of each issue that has one (whether it still holds is the caller's call: see `resolvedAtSec`) */
  resolutions: Map<number, { type: "in_release" | "in_next_release"; release: string; resolvedAtSec: number }>;
  /** when the project first saw each release asked about and each resolution's release (absent: never seen) */
  releaseFirstSeenSec: Map<string, number>;
}

/**
 * The ingest side of a store: the reads `src/process/` plans a batch with, and the one write that
 * persists the plan. Everything a batch decides (which issue, new or regressed, counters, alerts)
 * is decided in `src/process/` from these reads; the store only executes.
 *
 * Contract of `executeWritePlan` (every backend; test/store/ checks it):
 * 1. Atomic and durable: all of the plan is committed, or nothing is (then it throws or returns a
 *    conflict). It resolves only after the commit is durable: ingest acknowledges on that.
 * 2. Claims and guards instead of locks held across reads. The plan was decided on reads made
 *    before the transaction; another node (or process) may have written since. The store detects
 *    it at write time and rolls back with `{ committed: false, … }`:
 *    - a required grouping claim another writer holds (SQLite: INSERT OR IGNORE changed nothing;
 *      PostgreSQL: INSERT … ON CONFLICT DO NOTHING RETURNING gave no row, after waiting for the
 *      other transaction),
 *    - an existing issue no longer in `expected` (UPDATE … WHERE id AND status AND
 *      status_changed_at IS NOT DISTINCT FROM … matched no row; a regression is this same
 *      UPDATE, so two writers cannot both reopen an issue),
 *    - an event id stored meanwhile (INSERT … ON CONFLICT (project_id, event_id) DO NOTHING).
 *    The caller reads again, plans again and retries (src/process/commit-batch.ts). Cooldown
 *    claims are not conflicts: a lost one just writes no outbox rows (`alertClaimsTaken`).
 * 3. Serialisation failures and deadlocks (PostgreSQL 40001 / 40P01) are retried inside the store
 *    with the same plan: it is plain data, and its guards make a retry safe.
 * 4. Order, for short lock holds: new issues (ids, short ids) → grouping claims → events (+ pins)
 *    → issue users and issue counters → per-key counter upserts in key order → sessions, traces →
 *    alert claims and outbox rows. Each list is aggregated already: one statement (or one
 *    multi-row statement) per distinct key, never the same key twice in one upsert.
 * 5. Errors: a full disk throws `StorageFullError` (src/store/errors.ts) and nothing is kept; any
 *    other failure throws as is, and the caller isolates the bad job by splitting the batch.
 * 6. No clock: every time it writes comes from the plan.
 */
export interface IngestStore {
  /** Per project: which of `eventIds` are stored, and the issue (with its state) each known hash names. */
  readIngestState(queries: IngestStateQuery[]): Promise<Map<number, ProjectIngestState>>;
  /** Resolutions of the given issues and first-seen times of the releases named (or named by the resolutions). */
  readRegressionState(projectId: number, issueIds: number[], releases: string[]): Promise<RegressionState>;
  /** Changes whenever any process edits alert rules (the decider reloads rules when it does). */
  alertRulesVersion(): Promise<string>;
  /** The project's active rules, by id. */
  activeAlertRules(projectId: number): Promise<AlertRule[]>;
  /** Per issue, its events over hours [fromHour, toHour) from the hourly counts (issues with none are absent). */
  issueEventTotals(issueIds: number[], fromHour: number, toHour: number): Promise<Map<number, number>>;
  /** Persists a batch's plan atomically (see the contract above). */
  executeWritePlan(plan: WritePlan): Promise<WriteResult>;
  /** Turns an event's JSON into the form this store keeps (outside any transaction, may use other threads). */
  encodeEventPayload(json: string): Promise<Buffer | string>;
}

/**
 * Everything LightTrace persists. The SQLite implementation answers synchronously inside; the
 * boundary is async so that a PostgreSQL implementation can be added without touching callers.
 */
export interface Store extends IngestStore, ReleaseStore, SourceLinkStore, ArtifactStore, GroupingStore, ActivityStore, TeamStore, OwnershipStore, FeedbackStore {
  // --- organization, projects, keys ---
  ensureOrganization(slug: string, name: string): Promise<Organization>;
  getOrganization(): Promise<Organization | undefined>;
  listProjects(): Promise<Project[]>;
  getProject(idOrSlug: number | string): Promise<Project | undefined>;
  /** Creates the project, its first DSN key and its default alert rules (as given), in one transaction. */
  createProject(input: { slug: string; name: string; platform: string | null; organizationId: number; defaultAlertRules: RuleWrite[] }): Promise<{ project: Project; key: ProjectKey }>;
  listProjectKeys(projectId: number): Promise<ProjectKey[]>;
  /** Renames a project or changes its platform (`null` clears it); undefined when it does not exist. */
  updateProject(id: number, changes: { name?: string; slug?: string; platform?: string | null }): Promise<Project | undefined>;
  /** A new DSN key for the project (a fresh random public key). */
  createProjectKey(projectId: number, label: string): Promise<ProjectKey>;
  /** Renames, enables or disables a DSN key; undefined when it does not exist. */
  updateProjectKey(id: number, changes: { label?: string; isActive?: boolean }): Promise<ProjectKey | undefined>;
  /** The active key with this public key, if any (ingest auth). */
  findProjectKey(publicKey: string): Promise<ProjectKey | undefined>;

  // --- API tokens ---
  createApiToken(input: { name: string; tokenHash: string; tokenHint: string; scopes: string[] }): Promise<ApiToken>;
  findApiTokenByHash(tokenHash: string): Promise<ApiToken | undefined>;
  listApiTokens(): Promise<ApiToken[]>;
  /** Revokes a token (its row is deleted: the next request with it is a 401); false when there was none. */
  deleteApiToken(id: number): Promise<boolean>;

  // --- issues ---
  listIssues(filter: IssueFilter): Promise<Issue[]>;
  getIssue(id: number): Promise<Issue | undefined>;
  /** The issue with this per-project counter (the number in a short id like `WEB-1A`). */
  getIssueByShortId(projectId: number, shortId: number): Promise<Issue | undefined>;
  setIssueStatus(id: number, status: IssueStatus, now: number): Promise<Issue | undefined>;
  hourlyCounts(issueIds: number[], sinceHour: number): Promise<HourlyCount[]>;
  /** last-hour count vs. the issue's own baseline, for the issues given (ms since epoch for now) */
  spikeStats(issueIds: number[], nowMs: number): Promise<SpikeStats[]>;
  issueTagSummary(issueId: number, topN: number): Promise<TagKeySummary[]>;
  issueTagValues(issueId: number, key: string, limit: number): Promise<TagValueCount[]>;

  // --- events ---
  listIssueEvents(issueId: number, opts: { offset: number; limit: number; newestFirst: boolean }): Promise<StoredEvent[]>;
  getEvent(projectId: number, eventId: string): Promise<StoredEvent | undefined>;
  /** Events by their indexed columns (no payloads), newest or oldest arrival first. */
  /** Events matching a filter in the given order (payloads decoded when asked for). */
  searchEvents(filter: EventSearchFilter, opts: EventPageOptions): Promise<EventSummary[]>;
  /** GROUP BY aggregates over the events matching a filter. */
  aggregateEvents(filter: EventSearchFilter, query: EventAggregateQuery): Promise<Record<string, string | number | null>[]>;
  /** Whether any issue has seen a tag with this key. */
  hasTagKey(key: string): Promise<boolean>;
  /** the event before/after `eventRowId` within its issue, for navigation */
  adjacentEventIds(issueId: number, event: StoredEvent): Promise<{ previous: string | null; next: string | null }>;

  // --- users and their logins (signed-in browsers) ---
  createUser(input: { email: string; passwordHash: string }): Promise<User>;
  /** the user and its scrypt hash (null for the local admin, who cannot log in with a password) */
  findUserByEmail(email: string): Promise<{ user: User; passwordHash: string | null } | undefined>;
  listUsers(): Promise<User[]>;
  /** the passwordless local admin, created on first use */
  ensureLocalAdmin(): Promise<User>;
  /** stores a login by the hash of its cookie value; drops expired logins on the way */
  createLogin(input: NewLogin): Promise<void>;
  /** the signed-in user of an unexpired login */
  findLoginUser(tokenHash: string, nowSec: number): Promise<User | undefined>;
  deleteLogin(tokenHash: string): Promise<void>;
  getUser(id: number): Promise<User | undefined>;
  /** Deletes a user with every login of theirs; false when there was none. */
  deleteUser(id: number): Promise<boolean>;
  /** Ends every login (signed-in browser) of a user, expired ones included; how many rows went. */
  deleteUserLogins(userId: number): Promise<number>;

  // --- release health (sessions) ---
  /** Session and user totals per (release, environment) for sessions started since `sinceHour`. */
  sessionHealth(projectIds: readonly number[], sinceHour: number): Promise<SessionHealthRow[]>;
  /** Hourly session counts of one release (every release when undefined) since `sinceHour`. */
  sessionSeries(projectId: number, release: string | undefined, sinceHour: number): Promise<SessionBucket[]>;
  // --- alerts: rules and the outbox (src/store/model/alerts.ts) ---
  alerts: AlertStore;
  // --- cron monitors (src/store/model/monitors.ts) ---
  monitors: MonitorStore;
  // --- project limits: overrides, quota usage, outcomes, retention (src/store/sqlite/project-limits.ts, retention.ts) ---
  getProjectLimits(projectId: number): Promise<ProjectLimitOverrides>;
  setProjectLimits(projectId: number, limits: ProjectLimitOverrides): Promise<void>;
  /** accepted error events of a calendar month (YYYYMM, UTC) */
  monthlyUsage(projectId: number, month: number): Promise<number>;
  recordOutcomes(rows: { projectId: number; day: number; outcome: OutcomeKind; reason: string; category: string; quantity: number }[]): Promise<void>;
  /** refused and SDK-dropped counts since an epoch day, summed by reason and category */
  projectOutcomes(projectId: number, sinceDay: number): Promise<OutcomeCount[]>;
  /** whether an issue exists for this grouping hash (the quota lets a new issue's first event through) */
  isKnownGroup(projectId: number, hash: string): Promise<boolean>;
  storedEventCount(projectId: number): Promise<number>;
  issueStoredCounts(projectId: number): Promise<IssueStoredCount[]>;
  deleteOldestEvents(issueId: number, limit: number): Promise<number>;
  deleteEventsOlderThan(projectId: number, cutoffSeconds: number, limit: number): Promise<number>;
  releaseFreePages(): Promise<{ freedPages: number }>;

  /** Every (release, environment, hour) session bucket of the project since `sinceHour`. */
  sessionBuckets(projectId: number, sinceHour: number): Promise<SessionReleaseBucket[]>;
  /** Events per (project, release, environment) since `sinceHour` (0: all time). */
  releaseEventCounts(projectIds: readonly number[], sinceHour: number): Promise<ReleaseEventCount[]>;
  /** The organization releases of the given projects (id, version, creation, status; unordered). */
  releaseHeads(organizationId: number, projectIds: readonly number[]): Promise<ReleaseHead[]>;
  /** New and regressed issue counts per (project, release). */
  releaseIssueCounts(projectIds: readonly number[]): Promise<ReleaseIssueCount[]>;
  /** The issues first seen in a release and those it regressed (ids, at most `limit` each). */
  releaseIssueIds(projectId: number, release: string, limit: number): Promise<{ newIssueIds: number[]; regressedIssueIds: number[] }>;

  // --- resolve in release ---
  /** Records (or with null clears) how the issue was resolved; call right after setIssueStatus. */
  setIssueResolution(issueId: number, resolution: { type: StoredResolution["type"]; release: string } | null, now: number): Promise<void>;
  /** The resolution of a still-resolved issue, if it was resolved in a release. */
  getIssueResolution(issueId: number): Promise<StoredResolution | undefined>;
  /** The project's releases with first-seen times (for ordering; unordered). */
  projectReleases(projectId: number): Promise<ReleaseRef[]>;
  /** The issue's event counts per release. */
  issueReleaseCounts(issueId: number): Promise<IssueReleaseCount[]>;

  // --- bookkeeping ---
  getSetting(key: string): Promise<string | undefined>;
  setSetting(key: string, value: string): Promise<void>;
  itemCounts(projectId: number): Promise<ItemCount[]>;

  // --- traces and explanations (issue 9) ---
  /** every span and error event of a trace, across projects (bounded) */
  getTrace(traceId: string): Promise<StoredTrace>;
  getExplanation(issueId: number, eventId: string): Promise<StoredExplanation | undefined>;
  /** stores (or replaces) the cached explanation of an issue's event */
  saveExplanation(input: StoredExplanation): Promise<void>;
  /** Moves WAL content into the main database file (called off the hot path; nothing to do on PostgreSQL). */
  checkpoint(): void;
  /** Closes the database (SQLite) or every connection to the server (PostgreSQL). */
  close(): Promise<void>;
}
