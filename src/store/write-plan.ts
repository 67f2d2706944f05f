import type { AlertAction, TriggerKind } from "../alert-rules/rule-schema.ts";
import type { EventMetadata } from "../events/title.ts";
import type { SessionAggregate, SessionUpdate } from "../sessions/parse.ts";
import type { TraceSegment } from "../traces/parse-trace-items.ts";
import type { OutcomeKind } from "./model/project-limits.ts";
import type { IssueStatus } from "./issue-status.ts";

/**
 * Everything one ingest batch writes, decided by `src/process/` and persisted by a store in one
 * transaction (the contract is on `IngestStore` in types.ts). Plain data: no callbacks, nothing a
 * store must compute beyond ids, row counts and the SQL expressions named on each field.
 * Times carry their unit; hours, days and months are UTC epoch buckets.
 *
 * Issues are named by their position in `issues` ("issue index"): an existing issue's id is known,
 * a new one's is given by the store. Every per-key list is already aggregated: a key appears once.
 */
export interface WritePlan {
  /** every issue the batch touches, with the batch's aggregated delta for it */
  issues: PlannedIssue[];
  /** grouping hashes to attach to issues (new issues' hashes, and aliases of existing ones) */
  groupings: PlannedGrouping[];
  /** event rows, in order; each must be new for its (projectId, eventId) */
  events: PlannedEvent[];
  /** per (issue, key, value): upsert adding `count`, min of first seen, max of last seen */
  tagValues: { issue: number; key: string; value: string; count: number; firstSeenSec: number; lastSeenSec: number }[];
  /** per (issue, hour): upsert adding `count` */
  hourlyCounts: { issue: number; hour: number; count: number }[];
  /** per (projectId, version): upsert; first event = min, last event = max. A new row also makes the version an organization release of the project. */
  releases: { projectId: number; version: string; firstEventSec: number; lastEventSec: number }[];
  /** per (projectId, release, environment, hour): upsert adding `count` */
  releaseHourlyEvents: { projectId: number; release: string; environment: string; hour: number; count: number }[];
  /** per (projectId, release, issue): upsert, the latest regression time wins */
  releaseRegressions: { projectId: number; release: string; issue: number; regressedAtSec: number }[];
  /** per (projectId, month YYYYMM): upsert adding accepted error events (the monthly quota reads it) */
  usage: { projectId: number; month: number; acceptedEvents: number }[];
  /** per (projectId, itemType, day): upsert adding `count` (item types accepted but not processed) */
  itemCounts: { projectId: number; itemType: string; day: number; count: number }[];
  /** per (projectId, day, outcome, reason, category): upsert adding `quantity` (SDK-side drops) */
  outcomes: { projectId: number; day: number; outcome: OutcomeKind; reason: string; category: string; quantity: number }[];
  /** release-health updates, merged by the store as `src/sessions/merge.ts` says (state per sid) */
  sessions: { projectId: number; updates: SessionUpdate[]; aggregates: SessionAggregate[]; receivedAtMs: number }[];
  /** transactions and spans for the trace view; a resent transaction (same projectId + eventId) is skipped */
  traces: { projectId: number; segments: TraceSegment[]; receivedAtMs: number }[];
  /** alert decisions: each is a cooldown claim, and the outbox rows to insert if the claim is taken */
  alerts: PlannedAlert[];
}

/** The batch's delta for one issue (also the per-batch hook for issue-list state such as triage counts). */
export interface IssueDelta {
  projectId: number;
  /** events of the issue in this batch: added to `event_count` */
  eventCount: number;
  /** distinct affected users of the batch: inserted into the issue's users; `user_count` grows by the rows that were new */
  userKeys: string[];
  /** first_seen = min(first_seen, this); last_seen = max(last_seen, this) */
  firstSeenSec: number;
  lastSeenSec: number;
  /** the latest event's fields: they replace the issue's when `lastSeenSec` ≥ the stored last_seen (before this update) */
  latest: { title: string; culprit: string; level: string; metadata: EventMetadata };
  /** the release of the latest event that had one, and that event's time: replaces last_release when `atSec` ≥ the stored last_seen */
  lastRelease: { release: string; atSec: number } | null;
  /** first_release = coalesce(first_release, this) */
  firstRelease: string | null;
  /** is_unhandled = is_unhandled OR this */
  isUnhandled: boolean;
  /**
   * The triage state (src/process/triage-state.ts): until when (seconds) the issue may be hot in
   * the triage order. hot_until = max(hot_until, this); 0 changes nothing.
   */
  hotUntilSec: number;
}

/** An issue that exists: updated only if it is still in the state the plan was decided on. */
export interface ExistingIssueDelta extends IssueDelta {
  kind: "existing";
  issueId: number;
  /** the state the plan was read with; if the stored issue differs (or is gone) the plan conflicts */
  expected: { status: IssueStatus; statusChangedAtSec: number | null };
  /** the plan reopens the resolved issue: status 'unresolved', substatus 'regressed', regressed_at = status_changed_at = `atSec` */
  regression: { atSec: number } | null;
}

/** An issue to create: the store gives it an id and the project's next short id, then applies the delta. */
export interface NewIssueDelta extends IssueDelta {
  kind: "new";
  /** the row as first inserted (from the issue's first event): status 'unresolved', substatus 'new', counters 0 */
  initial: { type: string; platform: string; title: string; culprit: string; level: string; metadata: EventMetadata; isUnhandled: boolean; timestampSec: number; release: string | null };
}

export type PlannedIssue = ExistingIssueDelta | NewIssueDelta;

/**
 * A grouping hash → issue row. `required`: the hash a new issue is created for; if another writer
 * attached it first the claim is lost and the plan conflicts. Otherwise an alias that is simply
 * skipped when the hash is taken (INSERT … ON CONFLICT DO NOTHING).
 */
export interface PlannedGrouping { projectId: number; hash: string; key: string; mechanism: string; issue: number; createdAtSec: number; required: boolean }

/** One stored event. `pin`: retention must keep it (the issue's first event, a regression). */
export interface PlannedEvent {
  projectId: number;
  issue: number;
  eventId: string;
  timestampSec: number;
  receivedAtSec: number;
  level: string;
  release: string | null;
  environment: string;
  userKey: string | null;
  traceId: string | null;
  title: string;
  /** the event as the store keeps it (`Store.encodeEventPayload`) */
  payload: Buffer | string;
  pin: "first" | "regression" | null;
}

/**
 * One alert decision. The cooldown is an atomic claim on (issue, ruleId, trigger): taken when no
 * row exists or the stored `fired_at` ≤ `firedAtSec − cooldownSec`, which sets fired_at =
 * `firedAtSec`; otherwise lost, and then no outbox row is written. Outbox rows are inserted once
 * per idempotency key, `<issue id>:<idempotencySuffix>` (a repeat is skipped), status 'pending',
 * due and created at `createdAtSec`.
 */
export interface PlannedAlert {
  cooldown: { issue: number; ruleId: number; trigger: TriggerKind; firedAtSec: number; cooldownSec: number };
  outbox: PlannedOutboxRow[];
}

export interface PlannedOutboxRow {
  /** the idempotency key without its leading `<issue id>:` (a new issue has no id yet) */
  idempotencySuffix: string;
  projectId: number;
  ruleId: number;
  issue: number;
  eventId: string;
  trigger: TriggerKind;
  action: AlertAction;
  actionKey: string;
  payload: Record<string, number> | null;
  createdAtSec: number;
}

/** What persisting a plan did. */
export type WriteResult = CommittedWrite | ConflictedWrite;

/** Committed: every write of the plan is durable. */
export interface CommittedWrite {
  committed: true;
  /** the id of each planned issue, by issue index (new issues' fresh ids) */
  issueIds: number[];
  /** per planned alert (same order): whether its cooldown claim was taken */
  alertClaimsTaken: boolean[];
  /** outbox rows actually inserted (rows whose idempotency key existed are not counted) */
  outboxRowsInserted: number;
}

/**
 * Nothing was written (rolled back): the plan was decided on state that changed meanwhile (another
 * node or process wrote first). The caller reads again and plans again. Lists name what was found
 * changed; a store may stop at the first conflict, so they need not be complete.
 */
export interface ConflictedWrite {
  committed: false;
  /** required grouping claims another writer holds */
  lostGroupings: { projectId: number; hash: string }[];
  /** existing issues whose status changed (or that are gone) since they were read */
  changedIssueIds: number[];
  /** events another writer stored meanwhile */
  storedEvents: { projectId: number; eventId: string }[];
}
