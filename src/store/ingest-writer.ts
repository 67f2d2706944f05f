import type { EventOutcome, IngestJob, PreparedEvent } from "../process/types.ts";
import type { SqliteDatabase } from "./sqlite-binding.ts";
import { createTraceWriter } from "./traces.ts";
import { createSessionWriter } from "./sessions.ts";
import { usageMonth } from "../process/quota.ts";
import { createRegressionGate } from "./resolutions.ts";
import { createReleaseEventCounter } from "./release-stats.ts";

/** Called inside the ingest transaction (alerts decide their outbox rows here, src/alerts/decider.ts). */
export interface IngestWriterHooks {
  beforeBatch(): void;
  afterEvent(projectId: number, ev: PreparedEvent, outcome: EventOutcome): void;
}

/**
 * The write side of ingest: for each event, find or create its issue through the grouping hash,
 * store the event once per (project, event_id), and update the issue's counters (events, users,
 * tags, hourly counts, releases, regression). Statements are prepared once. All jobs of a batch
 * share one IMMEDIATE transaction (group commit); each job runs in its own savepoint so one bad
 * job cannot take the batch down.
 */
export function createIngestWriter(db: SqliteDatabase, opts: { maxStoredTraceSpans: number; maxTraceAgeDays?: number }, hooks?: IngestWriterHooks): (jobs: IngestJob[]) => (EventOutcome[] | Error)[] {
  const writeTraceSegments = createTraceWriter(db, { maxStoredSpans: opts.maxStoredTraceSpans, maxAgeDays: opts.maxTraceAgeDays ?? 0 });
  const stmt = {
    eventExists: db.prepare("SELECT 1 FROM events WHERE project_id = ? AND event_id = ?").pluck(),
    findIssue: db.prepare(`SELECT g.issue_id AS id, i.status FROM groupings g JOIN issues i ON i.id = g.issue_id
      WHERE g.project_id = ? AND g.hash = ?`),
    nextShortId: db.prepare("UPDATE projects SET next_short_id = next_short_id + 1 WHERE id = ? RETURNING next_short_id - 1").pluck(),
    insertIssue: db.prepare(`INSERT INTO issues (project_id, short_id, title, culprit, type, level, platform, metadata, status, substatus,
        is_unhandled, first_seen, last_seen, first_release, last_release, event_count, user_count)
      VALUES (@projectId, @shortId, @title, @culprit, @type, @level, @platform, @metadata, 'unresolved', 'new',
        @isUnhandled, @timestamp, @timestamp, @release, @release, 0, 0)`),
    insertGrouping: db.prepare(`INSERT INTO groupings (project_id, hash, issue_id, grouping_key, mechanism, created_at)
      VALUES (?, ?, ?, ?, ?, ?)`),
    claimGrouping: db.prepare(`INSERT OR IGNORE INTO groupings (project_id, hash, issue_id, grouping_key, mechanism, created_at)
      VALUES (?, ?, ?, ?, ?, ?)`),
    insertEvent: db.prepare(`INSERT INTO events (project_id, issue_id, event_id, timestamp, received_at, level, release, environment,
        user_key, trace_id, title, data)
      VALUES (@projectId, @issueId, @eventId, @timestamp, @receivedAt, @level, @release, @environment, @userKey, @traceId, @title, @json)`),
    addUser: db.prepare("INSERT OR IGNORE INTO issue_users (issue_id, user_key) VALUES (?, ?)"),
    // The issue's title, culprit, metadata and level follow its latest event, as in Sentry.
    updateIssue: db.prepare(`UPDATE issues SET
        event_count = event_count + 1,
        user_count = user_count + @newUser,
        last_seen = max(last_seen, @timestamp),
        first_seen = min(first_seen, @timestamp),
        last_release = CASE WHEN @timestamp >= last_seen AND @release IS NOT NULL THEN @release ELSE last_release END,
        first_release = coalesce(first_release, @release),
        title = CASE WHEN @timestamp >= last_seen THEN @title ELSE title END,
        metadata = CASE WHEN @timestamp >= last_seen THEN @metadata ELSE metadata END,
        culprit = CASE WHEN @timestamp >= last_seen THEN @culprit ELSE culprit END,
        level = CASE WHEN @timestamp >= last_seen THEN @level ELSE level END,
        is_unhandled = max(is_unhandled, @isUnhandled)
      WHERE id = @issueId`),
    regress: db.prepare(`UPDATE issues SET status = 'unresolved', substatus = 'regressed', regressed_at = ?, status_changed_at = ?
      WHERE id = ? AND status = 'resolved'`),
    upsertTag: db.prepare(`INSERT INTO issue_tag_values (issue_id, key, value, times_seen, first_seen, last_seen) VALUES (?, ?, ?, 1, ?, ?)
      ON CONFLICT (issue_id, key, value) DO UPDATE SET times_seen = times_seen + 1,
        first_seen = min(first_seen, excluded.first_seen), last_seen = max(last_seen, excluded.last_seen)`),
    upsertHourly: db.prepare(`INSERT INTO issue_hourly_counts (issue_id, hour, event_count) VALUES (?, ?, 1)
      ON CONFLICT (issue_id, hour) DO UPDATE SET event_count = event_count + 1`),
    upsertRelease: db.prepare(`INSERT INTO releases (project_id, version, first_event, last_event) VALUES (?, ?, ?, ?)
      ON CONFLICT (project_id, version) DO UPDATE SET first_event = min(first_event, excluded.first_event),
        last_event = max(last_event, excluded.last_event)`),
    // guardrails: the events retention keeps, the monthly quota's count, SDK-side drops
    pinEvent: db.prepare("INSERT OR IGNORE INTO event_pins (event_row_id, issue_id, reason) VALUES (?, ?, ?)"),
    addUsage: db.prepare(`INSERT INTO project_usage (project_id, month, accepted_events) VALUES (?, ?, ?)
      ON CONFLICT (project_id, month) DO UPDATE SET accepted_events = accepted_events + excluded.accepted_events`),
    addOutcome: db.prepare(`INSERT INTO project_outcomes (project_id, day, outcome, reason, category, quantity) VALUES (?, ?, ?, ?, ?, ?)
      ON CONFLICT (project_id, day, outcome, reason, category) DO UPDATE SET quantity = quantity + excluded.quantity`),
    upsertItemCount: db.prepare(`INSERT INTO item_counts (project_id, item_type, day, item_count) VALUES (?, ?, ?, ?)
      ON CONFLICT (project_id, item_type, day) DO UPDATE SET item_count = item_count + excluded.item_count`),
  };

  const regressions = createRegressionGate(db);
  const countReleaseEvent = createReleaseEventCounter(db);

  const writeEvent = (projectId: number, ev: PreparedEvent): EventOutcome => {
    // 1. dedupe: SDK retries and offline caches resend the same event_id
    if (stmt.eventExists.get(projectId, ev.eventId)) {
      return { eventId: ev.eventId, issueId: 0, isNewIssue: false, isRegression: false, isDuplicate: true };
    }
    const metadataJson = JSON.stringify(ev.metadata);
    // 2. the issue, through its grouping hash
    let existing = stmt.findIssue.get(projectId, ev.grouping.hash) as { id: number; status: string } | undefined;
    // a symbolicated event also tries its minified grouping: events from before the source map
    // was uploaded made the issue, and the map must not split it (the issue then claims the new hash)
    for (const fallback of ev.fallbackGroupings ?? []) {
      if (existing) break;
      existing = stmt.findIssue.get(projectId, fallback.hash) as { id: number; status: string } | undefined;
      if (existing) stmt.claimGrouping.run(projectId, ev.grouping.hash, existing.id, ev.grouping.key, ev.grouping.mechanism, ev.receivedAt);
    }
    let issueId = existing?.id;
    let isNewIssue = false;
    let isRegression = false;
    if (issueId === undefined) {
      const shortId = stmt.nextShortId.get(projectId) as number;
      issueId = Number(stmt.insertIssue.run({
        projectId, shortId, title: ev.title, culprit: ev.culprit, type: ev.type, level: ev.level, platform: ev.platform,
        metadata: metadataJson, isUnhandled: ev.isUnhandled ? 1 : 0, timestamp: ev.timestamp, release: ev.release ?? null,
      }).lastInsertRowid);
      stmt.insertGrouping.run(projectId, ev.grouping.hash, issueId, ev.grouping.key, ev.grouping.mechanism, ev.receivedAt);
      for (const g of ev.fallbackGroupings ?? []) stmt.claimGrouping.run(projectId, g.hash, issueId, g.key, g.mechanism, ev.receivedAt);
      isNewIssue = true;
    } else if (existing!.status === "resolved" && regressions.reopens(projectId, issueId, ev.release, ev.timestamp)) {
      // 3. a resolved issue that happens again is a regression, unless it was resolved in a
      // release newer than this event's (store/resolutions.ts)
      isRegression = stmt.regress.run(ev.receivedAt, ev.receivedAt, issueId).changes > 0;
      if (isRegression) regressions.recordRegression(projectId, issueId, ev.release, ev.receivedAt);
    }
    // 4. the event and the issue's counters
    const eventRowId = stmt.insertEvent.run({
      projectId, issueId, eventId: ev.eventId, timestamp: ev.timestamp, receivedAt: ev.receivedAt, level: ev.level,
      release: ev.release ?? null, environment: ev.environment, userKey: ev.userKey ?? null, traceId: ev.traceId ?? null,
      title: ev.title, json: ev.storedPayload ?? ev.json,
    }).lastInsertRowid;
    if (isNewIssue || isRegression) stmt.pinEvent.run(eventRowId, issueId, isNewIssue ? "first" : "regression");
    const newUser = ev.userKey ? stmt.addUser.run(issueId, ev.userKey).changes : 0;
    stmt.updateIssue.run({
      issueId, newUser, timestamp: ev.timestamp, release: ev.release ?? null, title: ev.title, culprit: ev.culprit, metadata: metadataJson,
      level: ev.level, isUnhandled: ev.isUnhandled ? 1 : 0,
    });
    for (const [key, value] of ev.tags) stmt.upsertTag.run(issueId, key, value, ev.timestamp, ev.timestamp);
    stmt.upsertHourly.run(issueId, Math.floor(ev.timestamp / 3600));
    if (ev.release) {
      stmt.upsertRelease.run(projectId, ev.release, ev.timestamp, ev.timestamp);
      countReleaseEvent(projectId, ev.release, ev.environment, ev.timestamp);
    }
    const outcome = { eventId: ev.eventId, issueId, isNewIssue, isRegression, isDuplicate: false };
    hooks?.afterEvent(projectId, ev, outcome);
    return outcome;
  };

  const writeSessions = createSessionWriter(db);

  const writeJob = db.transaction((job: IngestJob): EventOutcome[] => {
    const outcomes = job.events.map((ev) => writeEvent(job.projectId, ev));
    if (job.sessions?.length || job.sessionAggregates?.length) writeSessions(job.projectId, job.sessions ?? [], job.sessionAggregates ?? [], job.receivedAt);
    const day = Math.floor(job.receivedAt / 86_400_000);
    for (const [type, count] of job.itemCounts) stmt.upsertItemCount.run(job.projectId, type, day, count);
    if (job.traces) writeTraceSegments(job.projectId, job.traces, job.receivedAt);
    const accepted = outcomes.reduce((n, o) => n + (o.isDuplicate ? 0 : 1), 0);
    if (accepted > 0) stmt.addUsage.run(job.projectId, usageMonth(job.receivedAt), accepted);
    for (const d of job.clientDiscards ?? []) stmt.addOutcome.run(job.projectId, day, "client_discard", d.reason, d.category, d.quantity);
    return outcomes;
  });

  const writeBatch = db.transaction((jobs: IngestJob[]) => {
    hooks?.beforeBatch();
    return jobs.map((job) => {
      try {
        return writeJob(job); // nested: runs in a savepoint
      } catch (err) {
        if (!db.inTransaction) throw err; // the whole transaction is gone: fail the batch
        return err instanceof Error ? err : new Error(String(err));
      }
    });
  });

  return (jobs) => writeBatch.immediate(jobs);
}
