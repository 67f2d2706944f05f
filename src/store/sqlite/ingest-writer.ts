import type { SqliteDatabase } from "./sqlite-binding.ts";
import type { ConflictedWrite, NewIssueDelta, PlannedIssue, WritePlan, WriteResult } from "../write-plan.ts";
import { createTraceWriter } from "./traces.ts";
import { createSessionWriter } from "./sessions.ts";
import { translateSqliteError } from "./sqlite-errors.ts";

/**
 * The SQLite side of `IngestStore.executeWritePlan`: one IMMEDIATE transaction per plan, statements
 * prepared once, one statement per planned row (the plan is aggregated per key already). A lost
 * required claim or a failed issue guard throws inside the transaction, which rolls it back, and
 * comes out as a conflict result. In one process SQLite never conflicts (ingest is one writer);
 * another process (the CLI) or an API status change between the reads and the write can.
 */
export function createIngestWriter(db: SqliteDatabase, opts: { maxStoredTraceSpans: number; maxTraceAgeDays?: number }): (plan: WritePlan) => WriteResult {
  const writeTraceSegments = createTraceWriter(db, { maxStoredSpans: opts.maxStoredTraceSpans, maxAgeDays: opts.maxTraceAgeDays ?? 0 });
  const writeSessions = createSessionWriter(db);
  const stmt = {
    nextShortId: db.prepare("UPDATE projects SET next_short_id = next_short_id + 1 WHERE id = ? RETURNING next_short_id - 1").pluck(),
    insertIssue: db.prepare(`INSERT INTO issues (project_id, short_id, title, culprit, type, level, platform, metadata, status, substatus,
        is_unhandled, first_seen, last_seen, first_release, last_release, event_count, user_count)
      VALUES (?, ?, ?, ?, ?, ?, ?, ?, 'unresolved', 'new', ?, ?, ?, ?, ?, 0, 0)`),
    claimGrouping: db.prepare(`INSERT INTO groupings (project_id, hash, issue_id, grouping_key, mechanism, created_at) VALUES (?, ?, ?, ?, ?, ?)
      ON CONFLICT (project_id, hash) DO NOTHING`),
    insertEvent: db.prepare(`INSERT INTO events (project_id, issue_id, event_id, timestamp, received_at, level, release, environment,
        user_key, trace_id, title, data) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (project_id, event_id) DO NOTHING`),
    pinEvent: db.prepare("INSERT OR IGNORE INTO event_pins (event_row_id, issue_id, reason) VALUES (?, ?, ?)"),
    addUser: db.prepare("INSERT OR IGNORE INTO issue_users (issue_id, user_key) VALUES (?, ?)"),
    // The issue's title, culprit, metadata and level follow its latest event, as in Sentry.
    updateIssue: db.prepare(`UPDATE issues SET ${_ISSUE_DELTA_SQL} WHERE id = @issueId`),
    updateGuarded: db.prepare(`UPDATE issues SET ${_ISSUE_DELTA_SQL}
      WHERE id = @issueId AND status = @expectedStatus AND status_changed_at IS @expectedChangedAt`),
    regressGuarded: db.prepare(`UPDATE issues SET ${_ISSUE_DELTA_SQL}, status = 'unresolved', substatus = 'regressed',
        regressed_at = @regressedAt, status_changed_at = @regressedAt
      WHERE id = @issueId AND status = @expectedStatus AND status_changed_at IS @expectedChangedAt`),
    upsertTag: db.prepare(`INSERT INTO issue_tag_values (issue_id, key, value, times_seen, first_seen, last_seen) VALUES (?, ?, ?, ?, ?, ?)
      ON CONFLICT (issue_id, key, value) DO UPDATE SET times_seen = times_seen + excluded.times_seen,
        first_seen = min(first_seen, excluded.first_seen), last_seen = max(last_seen, excluded.last_seen)`),
    upsertHourly: db.prepare(`INSERT INTO issue_hourly_counts (issue_id, hour, event_count) VALUES (?, ?, ?)
      ON CONFLICT (issue_id, hour) DO UPDATE SET event_count = event_count + excluded.event_count`),
    upsertRelease: db.prepare(`INSERT INTO releases (project_id, version, first_event, last_event) VALUES (?, ?, ?, ?)
      ON CONFLICT (project_id, version) DO UPDATE SET first_event = min(first_event, excluded.first_event),
        last_event = max(last_event, excluded.last_event)`),
    upsertReleaseHourly: db.prepare(`INSERT INTO release_hourly_events (project_id, release, environment, hour, event_count) VALUES (?, ?, ?, ?, ?)
      ON CONFLICT (project_id, release, environment, hour) DO UPDATE SET event_count = event_count + excluded.event_count`),
    upsertRegression: db.prepare(`INSERT INTO release_regressions (project_id, release, issue_id, regressed_at) VALUES (?, ?, ?, ?)
      ON CONFLICT (project_id, release, issue_id) DO UPDATE SET regressed_at = excluded.regressed_at`),
    addUsage: db.prepare(`INSERT INTO project_usage (project_id, month, accepted_events) VALUES (?, ?, ?)
      ON CONFLICT (project_id, month) DO UPDATE SET accepted_events = accepted_events + excluded.accepted_events`),
    addItemCount: db.prepare(`INSERT INTO item_counts (project_id, item_type, day, item_count) VALUES (?, ?, ?, ?)
      ON CONFLICT (project_id, item_type, day) DO UPDATE SET item_count = item_count + excluded.item_count`),
    addOutcome: db.prepare(`INSERT INTO project_outcomes (project_id, day, outcome, reason, category, quantity) VALUES (?, ?, ?, ?, ?, ?)
      ON CONFLICT (project_id, day, outcome, reason, category) DO UPDATE SET quantity = quantity + excluded.quantity`),
    // the cooldown as one atomic claim: taken when absent or expired, and then moved to now
    claimCooldown: db.prepare(`INSERT INTO alert_cooldowns (issue_id, rule_id, trigger, fired_at) VALUES (?, ?, ?, ?)
      ON CONFLICT (issue_id, rule_id, trigger) DO UPDATE SET fired_at = excluded.fired_at
      WHERE alert_cooldowns.fired_at <= excluded.fired_at - ?`),
    enqueue: db.prepare(`INSERT INTO alert_outbox (idempotency_key, project_id, rule_id, issue_id, event_id, trigger, action,
        action_key, payload, status, next_attempt_at, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, 'pending', ?, ?)
      ON CONFLICT (idempotency_key) DO NOTHING`),
  };

  const insertIssue = (issue: NewIssueDelta): number => {
    const shortId = stmt.nextShortId.get(issue.projectId) as number;
    const f = issue.initial;
    return Number(stmt.insertIssue.run(issue.projectId, shortId, f.title, f.culprit, f.type, f.level, f.platform, JSON.stringify(f.metadata),
      f.isUnhandled ? 1 : 0, f.timestampSec, f.timestampSec, f.release, f.release).lastInsertRowid);
  };

  const write = db.transaction((plan: WritePlan): WriteResult => {
    // 1. new issues get their ids; every issue index maps to an id from here on
    const ids = plan.issues.map((issue) => (issue.kind === "existing" ? issue.issueId : insertIssue(issue)));
    // 2. grouping claims: a required one that is taken means another writer created this issue first
    for (const g of plan.groupings) {
      const claimed = stmt.claimGrouping.run(g.projectId, g.hash, ids[g.issue], g.key, g.mechanism, g.createdAtSec).changes > 0;
      if (!claimed && g.required) throw new _Conflict({ lostGroupings: [{ projectId: g.projectId, hash: g.hash }] });
    }
    // 3. events, each new for its (project, event_id)
    for (const e of plan.events) {
      const issueId = ids[e.issue]!;
      const inserted = stmt.insertEvent.run(e.projectId, issueId, e.eventId, e.timestampSec, e.receivedAtSec, e.level, e.release, e.environment,
        e.userKey, e.traceId, e.title, e.payload);
      if (inserted.changes === 0) throw new _Conflict({ storedEvents: [{ projectId: e.projectId, eventId: e.eventId }] });
      if (e.pin) stmt.pinEvent.run(inserted.lastInsertRowid, issueId, e.pin);
    }
    // 4. per issue: its new users, then its counters (guarded by the state the plan was decided on)
    plan.issues.forEach((issue, i) => {
      const issueId = ids[i]!;
      let newUsers = 0;
      for (const userKey of issue.userKeys) newUsers += stmt.addUser.run(issueId, userKey).changes;
      const params = _deltaParams(issue, issueId, newUsers);
      if (issue.kind === "new") return void stmt.updateIssue.run(params);
      const guarded = { ...params, expectedStatus: issue.expected.status, expectedChangedAt: issue.expected.statusChangedAtSec };
      const updated = issue.regression ? stmt.regressGuarded.run({ ...guarded, regressedAt: issue.regression.atSec }) : stmt.updateGuarded.run(guarded);
      if (updated.changes === 0) throw new _Conflict({ changedIssueIds: [issue.issueId] });
    });
    // 5. aggregated counters, one upsert per key
    for (const t of plan.tagValues) stmt.upsertTag.run(ids[t.issue], t.key, t.value, t.count, t.firstSeenSec, t.lastSeenSec);
    for (const h of plan.hourlyCounts) stmt.upsertHourly.run(ids[h.issue], h.hour, h.count);
    for (const r of plan.releases) stmt.upsertRelease.run(r.projectId, r.version, r.firstEventSec, r.lastEventSec);
    for (const r of plan.releaseHourlyEvents) stmt.upsertReleaseHourly.run(r.projectId, r.release, r.environment, r.hour, r.count);
    for (const r of plan.releaseRegressions) stmt.upsertRegression.run(r.projectId, r.release, ids[r.issue], r.regressedAtSec);
    for (const u of plan.usage) stmt.addUsage.run(u.projectId, u.month, u.acceptedEvents);
    for (const c of plan.itemCounts) stmt.addItemCount.run(c.projectId, c.itemType, c.day, c.count);
    for (const o of plan.outcomes) stmt.addOutcome.run(o.projectId, o.day, o.outcome, o.reason, o.category, o.quantity);
    // 6. release health and traces, as their writers merge them
    for (const s of plan.sessions) writeSessions(s.projectId, s.updates, s.aggregates, s.receivedAtMs);
    for (const t of plan.traces) writeTraceSegments(t.projectId, t.segments, t.receivedAtMs);
    // 7. alerts: the cooldown claim, then (only if taken) the outbox rows
    let outboxRowsInserted = 0;
    const alertClaimsTaken = plan.alerts.map((a) => {
      const c = a.cooldown;
      if (stmt.claimCooldown.run(ids[c.issue], c.ruleId, c.trigger, c.firedAtSec, c.cooldownSec).changes === 0) return false;
      for (const row of a.outbox) {
        outboxRowsInserted += stmt.enqueue.run(`${ids[row.issue]}:${row.idempotencySuffix}`, row.projectId, row.ruleId, ids[row.issue], row.eventId, row.trigger,
          JSON.stringify(row.action), row.actionKey, row.payload ? JSON.stringify(row.payload) : null, row.createdAtSec, row.createdAtSec).changes;
      }
      return true;
    });
    return { committed: true, issueIds: ids as number[], alertClaimsTaken, outboxRowsInserted };
  });

  return (plan) => {
    try {
      return write.immediate(plan);
    } catch (err) {
      if (err instanceof _Conflict) return err.result;
      throw translateSqliteError(err);
    }
  };
}

// --- Internal ---

const _ISSUE_DELTA_SQL = `event_count = event_count + @eventCount,
  user_count = user_count + @newUsers,
  last_seen = max(last_seen, @lastSeen),
  first_seen = min(first_seen, @firstSeen),
  last_release = CASE WHEN @lastReleaseAt >= last_seen THEN @lastRelease ELSE last_release END,
  first_release = coalesce(first_release, @firstRelease),
  title = CASE WHEN @lastSeen >= last_seen THEN @title ELSE title END,
  metadata = CASE WHEN @lastSeen >= last_seen THEN @metadata ELSE metadata END,
  culprit = CASE WHEN @lastSeen >= last_seen THEN @culprit ELSE culprit END,
  level = CASE WHEN @lastSeen >= last_seen THEN @level ELSE level END,
  is_unhandled = max(is_unhandled, @isUnhandled),
  hot_until = max(hot_until, @hotUntil)`;

/** Thrown inside the transaction to roll it back; carries what conflicted. */
class _Conflict {
  readonly result: ConflictedWrite;
  constructor(found: Partial<Omit<ConflictedWrite, "committed">>) {
    this.result = { committed: false, lostGroupings: [], changedIssueIds: [], storedEvents: [], ...found };
  }
}

function _deltaParams(issue: PlannedIssue, issueId: number, newUsers: number) {
  return {
    issueId, eventCount: issue.eventCount, newUsers, lastSeen: issue.lastSeenSec, firstSeen: issue.firstSeenSec,
    lastRelease: issue.lastRelease?.release ?? null, lastReleaseAt: issue.lastRelease?.atSec ?? null, firstRelease: issue.firstRelease,
    title: issue.latest.title, metadata: JSON.stringify(issue.latest.metadata), culprit: issue.latest.culprit, level: issue.latest.level,
    isUnhandled: issue.isUnhandled ? 1 : 0, hotUntil: issue.hotUntilSec,
  };
}
