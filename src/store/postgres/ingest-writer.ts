import type { ConflictedWrite, PlannedAlert, PlannedEvent, WritePlan, WriteResult } from "../write-plan.ts";
import type { PgDb, PgExecutor } from "./pg-db.ts";
import { column, sortedByKey, upsertPlanCounters } from "./ingest-counters.ts";
import { shortIdSequence } from "./projects.ts";

/** Writes a plan's release-health or trace rows inside the plan's transaction (sessions.ts, traces.ts). */
export type PlanPartWriter<K extends "sessions" | "traces"> = (tx: PgExecutor, rows: WritePlan[K]) => Promise<void>;

/**
 * The PostgreSQL side of `IngestStore.executeWritePlan` (contract in src/store/types.ts): the whole
 * plan in one READ COMMITTED transaction of a handful of multi-row statements, resolved only after
 * COMMIT. Claims instead of locks held across reads:
 * - a required grouping claim is `INSERT … ON CONFLICT DO NOTHING RETURNING`: when another node
 *   inserted the hash first, PostgreSQL waits for its transaction and then returns no row;
 * - an existing issue is updated only `WHERE status = expected AND status_changed_at IS NOT
 *   DISTINCT FROM expected` (re-checked on the newest row version after a lock wait), and a
 *   regression is that same UPDATE, so two nodes cannot both reopen an issue;
 * - events are `ON CONFLICT (project_id, event_id) DO NOTHING RETURNING`.
 * A lost claim rolls everything back and comes out as a conflict; deadlocks and serialisation
 * failures are retried whole by `PgDb.transaction`.
 */
export function createPgIngestWriter(db: PgDb, parts: { sessions: PlanPartWriter<"sessions">; traces: PlanPartWriter<"traces"> }): (plan: WritePlan) => Promise<WriteResult> {
  return async (plan) => {
    try {
      return await db.transaction(async (tx): Promise<WriteResult> => {
        // 1. new issues get their ids and short ids; every issue index maps to an id from here on
        const ids = await _insertNewIssues(tx, plan);
        // 2. grouping claims: a required one another writer holds means it created this issue first
        await _claimGroupings(tx, plan, ids);
        // 3. events (each new for its project and event id), and their retention pins
        await _insertEvents(tx, plan.events, ids);
        // 4. per issue: its new users, then its counters (guarded by the state the plan was decided on)
        await _updateIssues(tx, plan, ids);
        // 5. aggregated counters, one upsert per table in key order
        await upsertPlanCounters(tx, plan, ids);
        // 6. release health and traces, as their writers merge them
        if (plan.sessions.length) await parts.sessions(tx, plan.sessions);
        if (plan.traces.length) await parts.traces(tx, plan.traces);
        // 7. alerts: the cooldown claim, then (only if taken) the outbox rows
        const { taken, inserted } = await _writeAlerts(tx, plan.alerts, ids);
        return { committed: true, issueIds: ids, alertClaimsTaken: taken, outboxRowsInserted: inserted };
      });
    } catch (err) {
      if (err instanceof _Conflict) return err.result;
      throw err;
    }
  };
}

// --- Internal ---

/**
 * An issue's metadata as JSON text. SQL reads it as jsonb (issue search), and jsonb refuses the
 * escape of U+0000, so that character becomes U+FFFD here, as in every text parameter (pg-db.ts).
 */
function _metadataJson(metadata: unknown): string {
  return JSON.stringify(metadata, (_key, value: unknown) => (typeof value === "string" && value.includes("\0") ? value.replaceAll("\0", "\uFFFD") : value));
}

/** Thrown inside the transaction to roll it back; carries what conflicted. */
class _Conflict {
  readonly result: ConflictedWrite;
  constructor(found: Partial<Omit<ConflictedWrite, "committed">>) {
    this.result = { committed: false, lostGroupings: [], changedIssueIds: [], storedEvents: [], ...found };
  }
}

/** Ids for every issue index: existing ones as planned, new ones inserted (short ids from the project's sequence). */
async function _insertNewIssues(tx: PgExecutor, plan: WritePlan): Promise<number[]> {
  const ids = plan.issues.map((issue) => (issue.kind === "existing" ? issue.issueId : 0));
  const fresh = plan.issues.flatMap((issue, index) => (issue.kind === "new" ? [{ issue, index }] : []));
  if (fresh.length === 0) return ids;
  const perProject = new Map<number, number>();
  for (const { issue } of fresh) perProject.set(issue.projectId, (perProject.get(issue.projectId) ?? 0) + 1);
  const shortIds = new Map<number, number[]>();
  for (const [projectId, n] of perProject) {
    // a sequence, not a counter row: concurrent batches of new issues never wait on each other
    const rows = await tx.rows<{ id: number }>(`SELECT nextval('${shortIdSequence(projectId)}') AS id FROM generate_series(1, $1)`, [n]);
    shortIds.set(projectId, rows.map((r) => r.id));
  }
  const rows = fresh.map(({ issue }) => ({ ...issue.initial, projectId: issue.projectId, shortId: shortIds.get(issue.projectId)!.shift()! }));
  const inserted = await tx.rows<{ id: number; project_id: number; short_id: number }>(`INSERT INTO issues (project_id, short_id, title, culprit, type, level,
      platform, metadata, is_unhandled, first_seen, last_seen, first_release, last_release, status, substatus, event_count, user_count)
    SELECT project_id, short_id, title, culprit, type, level, platform, metadata, is_unhandled, ts, ts, release, release, 'unresolved', 'new', 0, 0
    FROM unnest($1::bigint[], $2::bigint[], $3::text[], $4::text[], $5::text[], $6::text[], $7::text[], $8::text[], $9::boolean[], $10::float8[], $11::text[])
      AS n(project_id, short_id, title, culprit, type, level, platform, metadata, is_unhandled, ts, release)
    RETURNING id, project_id, short_id`,
  [column(rows, "projectId"), column(rows, "shortId"), column(rows, "title"), column(rows, "culprit"), column(rows, "type"), column(rows, "level"),
    column(rows, "platform"), rows.map((r) => _metadataJson(r.metadata)), column(rows, "isUnhandled"), column(rows, "timestampSec"), column(rows, "release")]);
  const idOf = new Map(inserted.map((r) => [`${r.project_id}:${r.short_id}`, r.id]));
  fresh.forEach(({ index }, n) => (ids[index] = idOf.get(`${rows[n]!.projectId}:${rows[n]!.shortId}`)!));
  return ids;
}

async function _claimGroupings(tx: PgExecutor, plan: WritePlan, ids: readonly number[]): Promise<void> {
  if (plan.groupings.length === 0) return;
  const rows = sortedByKey(plan.groupings.map((g) => ({ ...g, issueId: ids[g.issue]! })), (g) => [g.projectId, g.hash]);
  const claimed = await tx.rows<{ project_id: number; hash: string }>(`INSERT INTO groupings (project_id, hash, issue_id, grouping_key, mechanism, created_at)
    SELECT * FROM unnest($1::bigint[], $2::text[], $3::bigint[], $4::text[], $5::text[], $6::float8[])
    ON CONFLICT (project_id, hash) DO NOTHING RETURNING project_id, hash`,
  [column(rows, "projectId"), column(rows, "hash"), column(rows, "issueId"), column(rows, "key"), column(rows, "mechanism"), column(rows, "createdAtSec")]);
  const won = new Set(claimed.map((c) => `${c.project_id}:${c.hash}`));
  const lost = rows.filter((g) => g.required && !won.has(`${g.projectId}:${g.hash}`));
  if (lost.length) throw new _Conflict({ lostGroupings: lost.map((g) => ({ projectId: g.projectId, hash: g.hash })) });
}

/** Events in chunks of one multi-row VALUES statement each (payloads travel as binary parameters). */
async function _insertEvents(tx: PgExecutor, events: readonly PlannedEvent[], ids: readonly number[]): Promise<void> {
  const pins: { rowId: number; issueId: number; reason: string }[] = [];
  for (let start = 0; start < events.length; start += _EVENTS_PER_STATEMENT) {
    const chunk = events.slice(start, start + _EVENTS_PER_STATEMENT);
    const values: unknown[] = [];
    const tuples = chunk.map((e) => {
      const at = values.length;
      values.push(e.projectId, ids[e.issue], e.eventId, e.timestampSec, e.receivedAtSec, e.level, e.release, e.environment, e.userKey, e.traceId, e.title,
        typeof e.payload === "string" ? Buffer.from(e.payload) : e.payload);
      return `(${Array.from({ length: 12 }, (_, i) => `$${at + i + 1}`).join(", ")})`;
    });
    const inserted = await tx.rows<{ id: number; project_id: number; event_id: string }>(`INSERT INTO events (project_id, issue_id, event_id, timestamp,
        received_at, level, release, environment, user_key, trace_id, title, data) VALUES ${tuples.join(", ")}
      ON CONFLICT (project_id, event_id) DO NOTHING RETURNING id, project_id, event_id`, values);
    const rowIds = new Map(inserted.map((r) => [`${r.project_id}:${r.event_id}`, r.id]));
    const stored = chunk.filter((e) => !rowIds.has(`${e.projectId}:${e.eventId}`));
    if (stored.length) throw new _Conflict({ storedEvents: stored.map((e) => ({ projectId: e.projectId, eventId: e.eventId })) });
    for (const e of chunk) if (e.pin) pins.push({ rowId: rowIds.get(`${e.projectId}:${e.eventId}`)!, issueId: ids[e.issue]!, reason: e.pin });
  }
  if (pins.length) {
    await tx.run(`INSERT INTO event_pins (event_row_id, issue_id, reason) SELECT * FROM unnest($1::bigint[], $2::bigint[], $3::text[])
      ON CONFLICT (event_row_id) DO NOTHING`, [column(pins, "rowId"), column(pins, "issueId"), column(pins, "reason")]);
  }
}

/** New users per issue, then one UPDATE for every issue of the plan: counters, latest fields, regressions, guards. */
async function _updateIssues(tx: PgExecutor, plan: WritePlan, ids: readonly number[]): Promise<void> {
  if (plan.issues.length === 0) return;
  const users = sortedByKey(plan.issues.flatMap((issue, i) => issue.userKeys.map((userKey) => ({ issueId: ids[i]!, userKey }))), (u) => [u.issueId, u.userKey]);
  const newUsers = new Map<number, number>();
  if (users.length) {
    const added = await tx.rows<{ issue_id: number }>(`INSERT INTO issue_users (issue_id, user_key) SELECT * FROM unnest($1::bigint[], $2::text[])
      ON CONFLICT DO NOTHING RETURNING issue_id`, [column(users, "issueId"), column(users, "userKey")]);
    for (const { issue_id } of added) newUsers.set(issue_id, (newUsers.get(issue_id) ?? 0) + 1);
  }
  const rows = sortedByKey(plan.issues.map((issue, i) => {
    const existing = issue.kind === "existing" ? issue : undefined;
    return {
      id: ids[i]!, eventCount: issue.eventCount, newUsers: newUsers.get(ids[i]!) ?? 0, firstSeen: issue.firstSeenSec, lastSeen: issue.lastSeenSec,
      lastRelease: issue.lastRelease?.release ?? null, lastReleaseAt: issue.lastRelease?.atSec ?? null, firstRelease: issue.firstRelease,
      title: issue.latest.title, metadata: _metadataJson(issue.latest.metadata), culprit: issue.latest.culprit, level: issue.latest.level,
      isUnhandled: issue.isUnhandled, guarded: Boolean(existing), expectedStatus: existing?.expected.status ?? null,
      expectedChangedAt: existing?.expected.statusChangedAtSec ?? null, regressedAt: existing?.regression?.atSec ?? null, hotUntil: issue.hotUntilSec,
    };
  }), (r) => [r.id]);
  // The issue's title, culprit, metadata and level follow its latest event, as in Sentry.
  const updated = await tx.rows<{ id: number }>(`UPDATE issues AS i SET
      event_count = i.event_count + d.event_count,
      user_count = i.user_count + d.new_users,
      last_seen = GREATEST(i.last_seen, d.last_seen),
      first_seen = LEAST(i.first_seen, d.first_seen),
      last_release = CASE WHEN d.last_release_at >= i.last_seen THEN d.last_release ELSE i.last_release END,
      first_release = coalesce(i.first_release, d.first_release),
      title = CASE WHEN d.last_seen >= i.last_seen THEN d.title ELSE i.title END,
      metadata = CASE WHEN d.last_seen >= i.last_seen THEN d.metadata ELSE i.metadata END,
      culprit = CASE WHEN d.last_seen >= i.last_seen THEN d.culprit ELSE i.culprit END,
      level = CASE WHEN d.last_seen >= i.last_seen THEN d.level ELSE i.level END,
      is_unhandled = i.is_unhandled OR d.is_unhandled,
      status = CASE WHEN d.regressed_at IS NULL THEN i.status ELSE 'unresolved' END,
      substatus = CASE WHEN d.regressed_at IS NULL THEN i.substatus ELSE 'regressed' END,
      regressed_at = coalesce(d.regressed_at, i.regressed_at),
      status_changed_at = CASE WHEN d.regressed_at IS NULL THEN i.status_changed_at ELSE d.regressed_at END,
      hot_until = GREATEST(i.hot_until, d.hot_until)
    FROM unnest($1::bigint[], $2::bigint[], $3::bigint[], $4::float8[], $5::float8[], $6::text[], $7::float8[], $8::text[], $9::text[], $10::text[],
      $11::text[], $12::text[], $13::boolean[], $14::boolean[], $15::text[], $16::float8[], $17::float8[], $18::float8[])
      AS d(id, event_count, new_users, first_seen, last_seen, last_release, last_release_at, first_release, title, metadata, culprit, level,
        is_unhandled, guarded, expected_status, expected_changed_at, regressed_at, hot_until)
    WHERE i.id = d.id AND (NOT d.guarded OR (i.status = d.expected_status AND i.status_changed_at IS NOT DISTINCT FROM d.expected_changed_at))
    RETURNING i.id`,
  [column(rows, "id"), column(rows, "eventCount"), column(rows, "newUsers"), column(rows, "firstSeen"), column(rows, "lastSeen"), column(rows, "lastRelease"),
    column(rows, "lastReleaseAt"), column(rows, "firstRelease"), column(rows, "title"), column(rows, "metadata"), column(rows, "culprit"), column(rows, "level"),
    column(rows, "isUnhandled"), column(rows, "guarded"), column(rows, "expectedStatus"), column(rows, "expectedChangedAt"), column(rows, "regressedAt"),
    column(rows, "hotUntil")]);
  const done = new Set(updated.map((r) => r.id));
  const changed = rows.filter((r) => !done.has(r.id));
  if (changed.length) throw new _Conflict({ changedIssueIds: changed.map((r) => r.id) });
}

async function _writeAlerts(tx: PgExecutor, alerts: readonly PlannedAlert[], ids: readonly number[]): Promise<{ taken: boolean[]; inserted: number }> {
  const taken: boolean[] = [];
  const outbox: { key: string; projectId: number; ruleId: number; issueId: number; eventId: string; trigger: string; action: string; actionKey: string;
    payload: string | null; createdAt: number }[] = [];
  for (const a of alerts) {
    const c = a.cooldown;
    // the cooldown as one atomic claim: taken when absent or expired, and then moved to now
    const claimed = await tx.run(`INSERT INTO alert_cooldowns AS c (issue_id, rule_id, trigger, fired_at) VALUES ($1, $2, $3, $4)
      ON CONFLICT (issue_id, rule_id, trigger) DO UPDATE SET fired_at = excluded.fired_at WHERE c.fired_at <= excluded.fired_at - $5::float8`,
    [ids[c.issue], c.ruleId, c.trigger, c.firedAtSec, c.cooldownSec]);
    taken.push(claimed > 0);
    if (claimed === 0) continue;
    for (const row of a.outbox) {
      outbox.push({ key: `${ids[row.issue]}:${row.idempotencySuffix}`, projectId: row.projectId, ruleId: row.ruleId, issueId: ids[row.issue]!, eventId: row.eventId,
        trigger: row.trigger, action: JSON.stringify(row.action), actionKey: row.actionKey, payload: row.payload ? JSON.stringify(row.payload) : null, createdAt: row.createdAtSec });
    }
  }
  if (outbox.length === 0) return { taken, inserted: 0 };
  const inserted = await tx.run(`INSERT INTO alert_outbox (idempotency_key, project_id, rule_id, issue_id, event_id, trigger, action, action_key, payload,
      status, next_attempt_at, created_at)
    SELECT key, project_id, rule_id, issue_id, event_id, trigger, action, action_key, payload, 'pending', created_at, created_at
    FROM unnest($1::text[], $2::bigint[], $3::bigint[], $4::bigint[], $5::text[], $6::text[], $7::text[], $8::text[], $9::text[], $10::float8[])
      AS o(key, project_id, rule_id, issue_id, event_id, trigger, action, action_key, payload, created_at)
    ON CONFLICT (idempotency_key) DO NOTHING`,
  [column(outbox, "key"), column(outbox, "projectId"), column(outbox, "ruleId"), column(outbox, "issueId"), column(outbox, "eventId"), column(outbox, "trigger"),
    column(outbox, "action"), column(outbox, "actionKey"), column(outbox, "payload"), column(outbox, "createdAt")]);
  return { taken, inserted };
}

/** 12 parameters per event: well under PostgreSQL's 65,535 per statement. */
const _EVENTS_PER_STATEMENT = 1000;

