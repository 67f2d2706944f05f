import type { SqliteDatabase } from "./sqlite-binding.ts";
import type { MonitorChange, MonitorChangeResult, MonitorStore } from "../model/monitors.ts";
import {
  checkInFromRow, configColumns, environmentFromRow, incidentFromRow, KEPT_PROCESSING_ERRORS, monitorFromRow, occurrenceFromRow, processingErrorFromRow,
} from "../model/monitor-rows.ts";

const CHECKIN_COLUMNS = "c.*, e.environment AS environment";

/** Cron monitors on SQLite (src/store/model/monitors.ts); statements prepared once. */
export function createMonitorQueries(db: SqliteDatabase): MonitorStore {
  const stmt = {
    upsert: db.prepare(`INSERT INTO monitors (guid, project_id, slug, name, schedule_type, schedule, schedule_unit, checkin_margin, max_runtime, timezone,
        failure_issue_threshold, recovery_threshold, owner, created_at, updated_at)
      VALUES (@guid, @projectId, @slug, @name, @scheduleType, @schedule, @scheduleUnit, @checkinMargin, @maxRuntime, @timezone,
        @failureIssueThreshold, @recoveryThreshold, @owner, @now, @now)
      ON CONFLICT (project_id, slug) DO UPDATE SET schedule_type = excluded.schedule_type, schedule = excluded.schedule,
        schedule_unit = excluded.schedule_unit, checkin_margin = excluded.checkin_margin, max_runtime = excluded.max_runtime,
        timezone = excluded.timezone, failure_issue_threshold = excluded.failure_issue_threshold,
        recovery_threshold = excluded.recovery_threshold, owner = excluded.owner, updated_at = excluded.updated_at
      RETURNING *`),
    bySlug: db.prepare("SELECT * FROM monitors WHERE project_id = ? AND slug = ?"),
    byId: db.prepare("SELECT * FROM monitors WHERE id = ?"),
    all: db.prepare("SELECT * FROM monitors ORDER BY slug, id"),
    deleteMonitor: db.prepare("DELETE FROM monitors WHERE id = ?"),
    deleteEnv: db.prepare("DELETE FROM monitor_environments WHERE monitor_id = ? AND environment = ?"),
    env: db.prepare("SELECT * FROM monitor_environments WHERE monitor_id = ? AND environment = ?"),
    muteEnv: db.prepare("UPDATE monitor_environments SET is_muted = ? WHERE monitor_id = ? AND environment = ?"),
    checkIn: db.prepare(`SELECT ${CHECKIN_COLUMNS} FROM monitor_checkins c JOIN monitor_environments e ON e.id = c.monitor_environment_id WHERE c.monitor_id = ? AND c.guid = ?`),
    latestOpen: db.prepare(`SELECT ${CHECKIN_COLUMNS} FROM monitor_checkins c JOIN monitor_environments e ON e.id = c.monitor_environment_id
      WHERE c.monitor_environment_id = ? AND c.status = 'in_progress' ORDER BY c.created_at DESC, c.id DESC LIMIT 1`),
    recentFinished: db.prepare(`SELECT ${CHECKIN_COLUMNS} FROM monitor_checkins c JOIN monitor_environments e ON e.id = c.monitor_environment_id
      WHERE c.monitor_environment_id = ? AND c.status <> 'in_progress' ORDER BY c.created_at DESC, c.id DESC LIMIT ?`),
    finishedAfter: db.prepare("SELECT 1 FROM monitor_checkins WHERE monitor_environment_id = ? AND status IN ('ok', 'error') AND created_at > ? LIMIT 1"),
    dueMissed: db.prepare(`SELECT e.* FROM monitor_environments e JOIN monitors m ON m.id = e.monitor_id
      WHERE e.next_checkin_latest_at <= ? AND m.status = 'active' ORDER BY e.next_checkin_latest_at LIMIT ?`),
    dueTimeouts: db.prepare(`SELECT ${CHECKIN_COLUMNS} FROM monitor_checkins c JOIN monitor_environments e ON e.id = c.monitor_environment_id
      WHERE c.status = 'in_progress' AND c.timeout_at <= ? ORDER BY c.timeout_at LIMIT ?`),
    openIncident: db.prepare("SELECT * FROM monitor_incidents WHERE monitor_environment_id = ? AND resolved_at IS NULL ORDER BY id DESC LIMIT 1"),
    incidentByIssue: db.prepare("SELECT * FROM monitor_incidents WHERE issue_id = ? ORDER BY id DESC LIMIT 1"),
    pendingOccurrences: db.prepare("SELECT * FROM monitor_occurrences WHERE sent_at IS NULL ORDER BY id LIMIT ?"),
    markSent: db.prepare("UPDATE monitor_occurrences SET sent_at = ? WHERE id = ?"),
    setIncidentIssue: db.prepare("UPDATE monitor_incidents SET issue_id = ? WHERE id = (SELECT incident_id FROM monitor_occurrences WHERE id = ?) AND issue_id IS NULL"),
    insertError: db.prepare(`INSERT INTO monitor_processing_errors (project_id, monitor_slug, type, detail, checkin, created_at)
      VALUES (@projectId, @monitorSlug, @type, @detail, @checkIn, @createdAtSec)`),
    pruneErrors: db.prepare(`DELETE FROM monitor_processing_errors WHERE project_id = ? AND id <= (
      SELECT id FROM monitor_processing_errors WHERE project_id = ? ORDER BY id DESC LIMIT 1 OFFSET ${KEPT_PROCESSING_ERRORS})`),
    listErrors: db.prepare("SELECT * FROM monitor_processing_errors WHERE project_id = ? ORDER BY id DESC LIMIT ?"),
    // applyMonitorChange
    insertEnv: db.prepare(`INSERT INTO monitor_environments (monitor_id, environment, status, last_checkin_at, next_checkin_at, next_checkin_latest_at, last_ok_at, version, created_at)
      VALUES (@monitorId, @name, @status, @lastCheckInSec, @nextCheckInSec, @nextCheckInLatestSec, @lastOkSec, 1, @createdAtSec)
      ON CONFLICT (monitor_id, environment) DO NOTHING RETURNING id`),
    updateEnv: db.prepare(`UPDATE monitor_environments SET status = @status, last_checkin_at = @lastCheckInSec, next_checkin_at = @nextCheckInSec,
      next_checkin_latest_at = @nextCheckInLatestSec, last_ok_at = @lastOkSec, version = version + 1 WHERE id = @id AND version = @expectedVersion`),
    insertCheckIn: db.prepare(`INSERT INTO monitor_checkins (guid, monitor_id, monitor_environment_id, status, duration_ms, created_at, updated_at, expected_at, timeout_at, trace_id, release)
      VALUES (@guid, @monitorId, @envId, @status, @durationMs, @createdAtSec, @createdAtSec, @expectedAtSec, @timeoutAtSec, @traceId, @release)
      ON CONFLICT (monitor_id, guid) DO NOTHING RETURNING id`),
    updateCheckIn: db.prepare(`UPDATE monitor_checkins SET status = @status, duration_ms = coalesce(@durationMs, duration_ms), updated_at = @updatedAtSec
      WHERE id = @id AND status = @expectedStatus`),
    openIncidentRow: db.prepare(`INSERT INTO monitor_incidents (guid, monitor_id, monitor_environment_id, opened_at) VALUES (?, ?, ?, ?) RETURNING id`),
    resolveIncident: db.prepare("UPDATE monitor_incidents SET resolved_at = ? WHERE id = ? AND resolved_at IS NULL"),
    insertOccurrence: db.prepare(`INSERT INTO monitor_occurrences (incident_id, project_id, event_id, event, created_at) VALUES (?, ?, ?, ?, ?)
      ON CONFLICT (event_id) DO NOTHING`),
    resolveIssue: db.prepare("UPDATE issues SET status = 'resolved', status_changed_at = ? WHERE id = ? AND status = 'unresolved'"),
    insertOutbox: db.prepare(`INSERT INTO alert_outbox (idempotency_key, project_id, rule_id, issue_id, event_id, trigger, action, action_key, payload, status, next_attempt_at, created_at)
      VALUES (@idempotencyKey, @projectId, @ruleId, @issueId, NULL, @trigger, @action, @actionKey, @payload, 'pending', @createdAtSec, @createdAtSec)
      ON CONFLICT (idempotency_key) DO NOTHING`),
  };

  const rollback = Symbol("conflict");
  const apply = db.transaction((c: MonitorChange): MonitorChangeResult => {
    // 1. the environment, guarded: created by this change, or still at the version it was read at
    let envId: number;
    const state = { ...c.state };
    if (c.environment.kind === "new") {
      const row = stmt.insertEnv.get({ monitorId: c.monitorId, name: c.environment.name, createdAtSec: c.environment.createdAtSec, ...state }) as { id: number } | undefined;
      if (!row) throw rollback;
      envId = row.id;
    } else {
      envId = c.environment.id;
      if (stmt.updateEnv.run({ id: envId, expectedVersion: c.environment.expectedVersion, ...state }).changes === 0) throw rollback;
    }
    // 2. the check-in
    let checkInId: number | null = null;
    if (c.checkIn?.kind === "insert") {
      const row = stmt.insertCheckIn.get({ ...c.checkIn, monitorId: c.monitorId, envId }) as { id: number } | undefined;
      if (!row) throw rollback;
      checkInId = row.id;
    } else if (c.checkIn?.kind === "update") {
      if (stmt.updateCheckIn.run(c.checkIn).changes === 0) throw rollback;
      checkInId = c.checkIn.id;
    }
    // 3. the incident, its failure events, the resolution of its issue, recovery alerts
    let incidentId: number | null = null;
    if (c.incident?.kind === "open") {
      incidentId = (stmt.openIncidentRow.get(c.incident.guid, c.monitorId, envId, c.incident.openedAtSec) as { id: number }).id;
    } else if (c.incident?.kind === "resolve") {
      if (stmt.resolveIncident.run(c.incident.resolvedAtSec, c.incident.id).changes === 0) throw rollback;
      incidentId = c.incident.id;
    }
    for (const o of c.occurrences) {
      const target = o.incidentId ?? incidentId;
      if (target === null) throw new Error("a monitor failure event without an incident");
      stmt.insertOccurrence.run(target, c.projectId, o.eventId, o.event, c.state.lastCheckInSec ?? 0);
    }
    if (c.resolveIssue) stmt.resolveIssue.run(c.resolveIssue.atSec, c.resolveIssue.issueId);
    let outboxRowsInserted = 0;
    for (const row of c.outbox) outboxRowsInserted += stmt.insertOutbox.run(row).changes;
    return { committed: true, monitorEnvironmentId: envId, checkInId, incidentId, outboxRowsInserted };
  });

  return {
    upsertMonitor: async (input, guid, nowSec) => monitorFromRow(stmt.upsert.get({
      guid, projectId: input.projectId, slug: input.slug, name: input.name, now: nowSec, ...configColumns(input.config),
    }) as Record<string, unknown>),
    getMonitor: async (projectId, slug) => _opt(stmt.bySlug.get(projectId, slug), monitorFromRow),
    getMonitorById: async (id) => _opt(stmt.byId.get(id), monitorFromRow),
    listMonitors: async (projectIds) => {
      const rows = (projectIds === undefined ? stmt.all.all()
        : db.prepare(`SELECT * FROM monitors WHERE project_id IN (${projectIds.map(() => "?").join(",") || "NULL"}) ORDER BY slug, id`).all(...projectIds)) as Record<string, unknown>[];
      return rows.map(monitorFromRow);
    },
    updateMonitor: async (id, changes, nowSec) => {
      const sets: string[] = ["updated_at = @nowSec"];
      const params: Record<string, unknown> = { id, nowSec };
      if (changes.name !== undefined) (sets.push("name = @name"), (params.name = changes.name));
      if (changes.slug !== undefined) (sets.push("slug = @slug"), (params.slug = changes.slug));
      if (changes.status !== undefined) (sets.push("status = @status"), (params.status = changes.status));
      if (changes.isMuted !== undefined) (sets.push("is_muted = @isMuted"), (params.isMuted = changes.isMuted ? 1 : 0));
      if (changes.config) {
        const cols = configColumns(changes.config);
        sets.push("schedule_type = @scheduleType, schedule = @schedule, schedule_unit = @scheduleUnit, checkin_margin = @checkinMargin, max_runtime = @maxRuntime",
          "timezone = @timezone, failure_issue_threshold = @failureIssueThreshold, recovery_threshold = @recoveryThreshold, owner = @owner");
        Object.assign(params, cols);
      }
      db.prepare(`UPDATE monitors SET ${sets.join(", ")} WHERE id = @id`).run(params);
      return _opt(stmt.byId.get(id), monitorFromRow);
    },
    deleteMonitor: async (id) => stmt.deleteMonitor.run(id).changes > 0,
    deleteMonitorEnvironment: async (monitorId, environment) => stmt.deleteEnv.run(monitorId, environment).changes > 0,
    listMonitorEnvironments: async (monitorIds) => monitorIds.length === 0 ? [] : (db.prepare(
      `SELECT * FROM monitor_environments WHERE monitor_id IN (${monitorIds.map(() => "?").join(",")}) ORDER BY monitor_id, environment`,
    ).all(...monitorIds) as Record<string, unknown>[]).map(environmentFromRow),
    getMonitorEnvironment: async (monitorId, environment) => _opt(stmt.env.get(monitorId, environment), environmentFromRow),
    setMonitorEnvironmentMuted: async (monitorId, environment, isMuted) => stmt.muteEnv.run(isMuted ? 1 : 0, monitorId, environment).changes > 0,
    findCheckIn: async (monitorId, guid) => _opt(stmt.checkIn.get(monitorId, guid), checkInFromRow),
    latestOpenCheckIn: async (envId) => _opt(stmt.latestOpen.get(envId), checkInFromRow),
    recentFinishedCheckIns: async (envId, limit) => (stmt.recentFinished.all(envId, limit) as Record<string, unknown>[]).map(checkInFromRow),
    listCheckIns: async (monitorId, opts) => {
      const where = ["c.monitor_id = ?"];
      const params: unknown[] = [monitorId];
      if (opts.environment !== undefined) (where.push("e.environment = ?"), params.push(opts.environment));
      if (opts.sinceSec !== undefined) (where.push("c.created_at >= ?"), params.push(opts.sinceSec));
      return (db.prepare(`SELECT ${CHECKIN_COLUMNS} FROM monitor_checkins c JOIN monitor_environments e ON e.id = c.monitor_environment_id
        WHERE ${where.join(" AND ")} ORDER BY c.created_at DESC, c.id DESC LIMIT ? OFFSET ?`).all(...params, opts.limit, opts.offset) as Record<string, unknown>[]).map(checkInFromRow);
    },
    hasFinishedCheckInAfter: async (envId, afterSec) => stmt.finishedAfter.get(envId, afterSec) !== undefined,
    applyMonitorChange: async (change) => {
      try {
        return apply.immediate(change);
      } catch (err) {
        if (err === rollback) return { committed: false };
        throw err;
      }
    },
    dueMissedEnvironments: async (nowSec, limit) => (stmt.dueMissed.all(nowSec, limit) as Record<string, unknown>[]).map(environmentFromRow),
    dueTimeouts: async (nowSec, limit) => (stmt.dueTimeouts.all(nowSec, limit) as Record<string, unknown>[]).map(checkInFromRow),
    getOpenIncident: async (envId) => _opt(stmt.openIncident.get(envId), incidentFromRow),
    listIncidents: async (envIds, limit) => envIds.length === 0 ? [] : (db.prepare(
      `SELECT * FROM monitor_incidents WHERE monitor_environment_id IN (${envIds.map(() => "?").join(",")}) ORDER BY opened_at DESC, id DESC LIMIT ?`,
    ).all(...envIds, limit) as Record<string, unknown>[]).map(incidentFromRow),
    incidentByIssue: async (issueId) => _opt(stmt.incidentByIssue.get(issueId), incidentFromRow),
    pendingOccurrences: async (limit) => (stmt.pendingOccurrences.all(limit) as Record<string, unknown>[]).map(occurrenceFromRow),
    markOccurrenceSent: async (id, issueId, nowSec) => {
      db.transaction(() => {
        stmt.setIncidentIssue.run(issueId, id);
        stmt.markSent.run(nowSec, id);
      }).immediate();
    },
    recordProcessingError: async (e) => {
      db.transaction(() => {
        stmt.insertError.run({ ...e, checkIn: JSON.stringify(e.checkIn) });
        stmt.pruneErrors.run(e.projectId, e.projectId);
      }).immediate();
    },
    listProcessingErrors: async (projectId, limit) => (stmt.listErrors.all(projectId, limit) as Record<string, unknown>[]).map(processingErrorFromRow),
  };
}

// --- Internal ---

function _opt<T>(row: unknown, map: (r: Record<string, unknown>) => T): T | undefined {
  return row ? map(row as Record<string, unknown>) : undefined;
}
