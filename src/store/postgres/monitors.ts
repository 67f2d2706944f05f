import type { MonitorChange, MonitorChangeResult, MonitorStore } from "../model/monitors.ts";
import {
  checkInFromRow, configColumns, environmentFromRow, incidentFromRow, KEPT_PROCESSING_ERRORS, monitorFromRow, occurrenceFromRow, processingErrorFromRow,
} from "../model/monitor-rows.ts";
import { pgStatement, type PgDb, type PgExecutor } from "./pg-db.ts";

const CHECKIN_FROM = "SELECT c.*, e.environment AS environment FROM monitor_checkins c JOIN monitor_environments e ON e.id = c.monitor_environment_id";

const S = {
  bySlug: pgStatement("monitors.bySlug", "SELECT * FROM monitors WHERE project_id = $1 AND slug = $2"),
  byId: pgStatement("monitors.byId", "SELECT * FROM monitors WHERE id = $1"),
  env: pgStatement("monitors.env", "SELECT * FROM monitor_environments WHERE monitor_id = $1 AND environment = $2"),
  checkIn: pgStatement("monitors.checkIn", `${CHECKIN_FROM} WHERE c.monitor_id = $1 AND c.guid = $2`),
  latestOpen: pgStatement("monitors.latestOpen", `${CHECKIN_FROM} WHERE c.monitor_environment_id = $1 AND c.status = 'in_progress' ORDER BY c.created_at DESC, c.id DESC LIMIT 1`),
  recentFinished: pgStatement("monitors.recentFinished", `${CHECKIN_FROM} WHERE c.monitor_environment_id = $1 AND c.status <> 'in_progress' ORDER BY c.created_at DESC, c.id DESC LIMIT $2`),
  updateEnv: pgStatement("monitors.updateEnv", `UPDATE monitor_environments SET status = $3, last_checkin_at = $4, next_checkin_at = $5,
    next_checkin_latest_at = $6, last_ok_at = $7, version = version + 1 WHERE id = $1 AND version = $2`),
};

/** Cron monitors on PostgreSQL (the same behaviour as src/store/sqlite/monitors.ts). */
export function createPgMonitorQueries(db: PgDb): { monitors: MonitorStore } {
  const monitors: MonitorStore = {
    async upsertMonitor(input, guid, nowSec) {
      const c = configColumns(input.config);
      const row = await db.first(`INSERT INTO monitors (guid, project_id, slug, name, schedule_type, schedule, schedule_unit, checkin_margin, max_runtime, timezone,
          failure_issue_threshold, recovery_threshold, owner, created_at, updated_at)
        VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $14)
        ON CONFLICT (project_id, slug) DO UPDATE SET schedule_type = excluded.schedule_type, schedule = excluded.schedule,
          schedule_unit = excluded.schedule_unit, checkin_margin = excluded.checkin_margin, max_runtime = excluded.max_runtime,
          timezone = excluded.timezone, failure_issue_threshold = excluded.failure_issue_threshold,
          recovery_threshold = excluded.recovery_threshold, owner = excluded.owner, updated_at = excluded.updated_at
        RETURNING *`, [guid, input.projectId, input.slug, input.name, c.scheduleType, c.schedule, c.scheduleUnit, c.checkinMargin, c.maxRuntime,
        c.timezone, c.failureIssueThreshold, c.recoveryThreshold, c.owner, nowSec]);
      return monitorFromRow(row!);
    },
    getMonitor: async (projectId, slug) => _opt(await db.first(S.bySlug, [projectId, slug]), monitorFromRow),
    getMonitorById: async (id) => _opt(await db.first(S.byId, [id]), monitorFromRow),
    listMonitors: async (projectIds) => (projectIds === undefined
      ? await db.rows("SELECT * FROM monitors ORDER BY slug, id")
      : await db.rows("SELECT * FROM monitors WHERE project_id = ANY($1::bigint[]) ORDER BY slug, id", [projectIds])).map(monitorFromRow),
    async updateMonitor(id, changes, nowSec) {
      const sets: string[] = ["updated_at = $2"];
      const values: unknown[] = [id, nowSec];
      const set = (column: string, value: unknown) => {
        values.push(value);
        sets.push(`${column} = $${values.length}`);
      };
      if (changes.name !== undefined) set("name", changes.name);
      if (changes.slug !== undefined) set("slug", changes.slug);
      if (changes.status !== undefined) set("status", changes.status);
      if (changes.isMuted !== undefined) set("is_muted", changes.isMuted);
      if (changes.config) {
        const c = configColumns(changes.config);
        set("schedule_type", c.scheduleType); set("schedule", c.schedule); set("schedule_unit", c.scheduleUnit);
        set("checkin_margin", c.checkinMargin); set("max_runtime", c.maxRuntime); set("timezone", c.timezone);
        set("failure_issue_threshold", c.failureIssueThreshold); set("recovery_threshold", c.recoveryThreshold); set("owner", c.owner);
      }
      return _opt(await db.first(`UPDATE monitors SET ${sets.join(", ")} WHERE id = $1 RETURNING *`, values), monitorFromRow);
    },
    deleteMonitor: async (id) => (await db.run("DELETE FROM monitors WHERE id = $1", [id])) > 0,
    deleteMonitorEnvironment: async (monitorId, environment) => (await db.run("DELETE FROM monitor_environments WHERE monitor_id = $1 AND environment = $2", [monitorId, environment])) > 0,
    listMonitorEnvironments: async (monitorIds) => monitorIds.length === 0 ? [] : (await db.rows(
      "SELECT * FROM monitor_environments WHERE monitor_id = ANY($1::bigint[]) ORDER BY monitor_id, environment", [monitorIds])).map(environmentFromRow),
    getMonitorEnvironment: async (monitorId, environment) => _opt(await db.first(S.env, [monitorId, environment]), environmentFromRow),
    setMonitorEnvironmentMuted: async (monitorId, environment, isMuted) => (await db.run(
      "UPDATE monitor_environments SET is_muted = $3 WHERE monitor_id = $1 AND environment = $2", [monitorId, environment, isMuted])) > 0,
    findCheckIn: async (monitorId, guid) => _opt(await db.first(S.checkIn, [monitorId, guid]), checkInFromRow),
    latestOpenCheckIn: async (envId) => _opt(await db.first(S.latestOpen, [envId]), checkInFromRow),
    recentFinishedCheckIns: async (envId, limit) => (await db.rows(S.recentFinished, [envId, limit])).map(checkInFromRow),
    async listCheckIns(monitorId, opts) {
      const where = ["c.monitor_id = $1"];
      const values: unknown[] = [monitorId];
      if (opts.environment !== undefined) (values.push(opts.environment), where.push(`e.environment = $${values.length}`));
      if (opts.sinceSec !== undefined) (values.push(opts.sinceSec), where.push(`c.created_at >= $${values.length}`));
      values.push(opts.limit, opts.offset);
      return (await db.rows(`${CHECKIN_FROM} WHERE ${where.join(" AND ")} ORDER BY c.created_at DESC, c.id DESC LIMIT $${values.length - 1} OFFSET $${values.length}`, values)).map(checkInFromRow);
    },
    hasFinishedCheckInAfter: async (envId, afterSec) => (await db.first(
      "SELECT 1 FROM monitor_checkins WHERE monitor_environment_id = $1 AND status IN ('ok', 'error') AND created_at > $2 LIMIT 1", [envId, afterSec])) !== undefined,
    async applyMonitorChange(change) {
      try {
        return await db.transaction((tx) => _apply(tx, change));
      } catch (err) {
        if (err instanceof _Conflict) return { committed: false };
        throw err;
      }
    },
    dueMissedEnvironments: async (nowSec, limit) => (await db.rows(`SELECT e.* FROM monitor_environments e JOIN monitors m ON m.id = e.monitor_id
      WHERE e.next_checkin_latest_at <= $1 AND m.status = 'active' ORDER BY e.next_checkin_latest_at LIMIT $2`, [nowSec, limit])).map(environmentFromRow),
    dueTimeouts: async (nowSec, limit) => (await db.rows(`${CHECKIN_FROM} WHERE c.status = 'in_progress' AND c.timeout_at <= $1 ORDER BY c.timeout_at LIMIT $2`,
      [nowSec, limit])).map(checkInFromRow),
    getOpenIncident: async (envId) => _opt(await db.first(
      "SELECT * FROM monitor_incidents WHERE monitor_environment_id = $1 AND resolved_at IS NULL ORDER BY id DESC LIMIT 1", [envId]), incidentFromRow),
    listIncidents: async (envIds, limit) => envIds.length === 0 ? [] : (await db.rows(
      "SELECT * FROM monitor_incidents WHERE monitor_environment_id = ANY($1::bigint[]) ORDER BY opened_at DESC, id DESC LIMIT $2", [envIds, limit])).map(incidentFromRow),
    incidentByIssue: async (issueId) => _opt(await db.first("SELECT * FROM monitor_incidents WHERE issue_id = $1 ORDER BY id DESC LIMIT 1", [issueId]), incidentFromRow),
    pendingOccurrences: async (limit) => (await db.rows("SELECT * FROM monitor_occurrences WHERE sent_at IS NULL ORDER BY id LIMIT $1", [limit])).map(occurrenceFromRow),
    async markOccurrenceSent(id, issueId, nowSec) {
      await db.transaction(async (tx) => {
        await tx.run("UPDATE monitor_incidents SET issue_id = $1 WHERE id = (SELECT incident_id FROM monitor_occurrences WHERE id = $2) AND issue_id IS NULL", [issueId, id]);
        await tx.run("UPDATE monitor_occurrences SET sent_at = $1 WHERE id = $2", [nowSec, id]);
      });
    },
    async recordProcessingError(e) {
      await db.transaction(async (tx) => {
        await tx.run(`INSERT INTO monitor_processing_errors (project_id, monitor_slug, type, detail, checkin, created_at) VALUES ($1, $2, $3, $4, $5, $6)`,
          [e.projectId, e.monitorSlug, e.type, e.detail, JSON.stringify(e.checkIn), e.createdAtSec]);
        await tx.run(`DELETE FROM monitor_processing_errors WHERE project_id = $1 AND id <= (
          SELECT id FROM monitor_processing_errors WHERE project_id = $1 ORDER BY id DESC LIMIT 1 OFFSET ${KEPT_PROCESSING_ERRORS})`, [e.projectId]);
      });
    },
    listProcessingErrors: async (projectId, limit) => (await db.rows(
      "SELECT * FROM monitor_processing_errors WHERE project_id = $1 ORDER BY id DESC LIMIT $2", [projectId, limit])).map(processingErrorFromRow),
  };
  return { monitors };
}

// --- Internal ---

class _Conflict extends Error {}

/** One change in one transaction; a failed guard throws _Conflict, which rolls everything back. */
async function _apply(tx: PgExecutor, c: MonitorChange): Promise<MonitorChangeResult> {
  const s = c.state;
  let envId: number;
  if (c.environment.kind === "new") {
    // another writer creating the same environment wins; this change is planned again on its row
    const row = await tx.first<{ id: number }>(`INSERT INTO monitor_environments (monitor_id, environment, status, last_checkin_at, next_checkin_at,
        next_checkin_latest_at, last_ok_at, version, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, 1, $8)
      ON CONFLICT (monitor_id, environment) DO NOTHING RETURNING id`,
    [c.monitorId, c.environment.name, s.status, s.lastCheckInSec, s.nextCheckInSec, s.nextCheckInLatestSec, s.lastOkSec, c.environment.createdAtSec]);
    if (!row) throw new _Conflict();
    envId = Number(row.id);
  } else {
    envId = c.environment.id;
    const n = await tx.run(S.updateEnv, [envId, c.environment.expectedVersion, s.status, s.lastCheckInSec, s.nextCheckInSec, s.nextCheckInLatestSec, s.lastOkSec]);
    if (n === 0) throw new _Conflict();
  }
  let checkInId: number | null = null;
  const ci = c.checkIn;
  if (ci?.kind === "insert") {
    const row = await tx.first<{ id: number }>(`INSERT INTO monitor_checkins (guid, monitor_id, monitor_environment_id, status, duration_ms, created_at, updated_at,
        expected_at, timeout_at, trace_id, release) VALUES ($1, $2, $3, $4, $5, $6, $6, $7, $8, $9, $10) ON CONFLICT (monitor_id, guid) DO NOTHING RETURNING id`,
    [ci.guid, c.monitorId, envId, ci.status, ci.durationMs, ci.createdAtSec, ci.expectedAtSec, ci.timeoutAtSec, ci.traceId, ci.release]);
    if (!row) throw new _Conflict();
    checkInId = Number(row.id);
  } else if (ci?.kind === "update") {
    const n = await tx.run(`UPDATE monitor_checkins SET status = $3, duration_ms = coalesce($4, duration_ms), updated_at = $5 WHERE id = $1 AND status = $2`,
      [ci.id, ci.expectedStatus, ci.status, ci.durationMs, ci.updatedAtSec]);
    if (n === 0) throw new _Conflict();
    checkInId = ci.id;
  }
  let incidentId: number | null = null;
  if (c.incident?.kind === "open") {
    const row = await tx.first<{ id: number }>("INSERT INTO monitor_incidents (guid, monitor_id, monitor_environment_id, opened_at) VALUES ($1, $2, $3, $4) RETURNING id",
      [c.incident.guid, c.monitorId, envId, c.incident.openedAtSec]);
    incidentId = Number(row!.id);
  } else if (c.incident?.kind === "resolve") {
    if ((await tx.run("UPDATE monitor_incidents SET resolved_at = $1 WHERE id = $2 AND resolved_at IS NULL", [c.incident.resolvedAtSec, c.incident.id])) === 0) throw new _Conflict();
    incidentId = c.incident.id;
  }
  for (const o of c.occurrences) {
    const target = o.incidentId ?? incidentId;
    if (target === null) throw new Error("a monitor failure event without an incident");
    await tx.run("INSERT INTO monitor_occurrences (incident_id, project_id, event_id, event, created_at) VALUES ($1, $2, $3, $4, $5) ON CONFLICT (event_id) DO NOTHING",
      [target, c.projectId, o.eventId, o.event, s.lastCheckInSec ?? 0]);
  }
  if (c.resolveIssue) await tx.run("UPDATE issues SET status = 'resolved', status_changed_at = $1 WHERE id = $2 AND status = 'unresolved'", [c.resolveIssue.atSec, c.resolveIssue.issueId]);
  let outboxRowsInserted = 0;
  for (const r of c.outbox) {
    outboxRowsInserted += await tx.run(`INSERT INTO alert_outbox (idempotency_key, project_id, rule_id, issue_id, event_id, trigger, action, action_key, payload, status,
        next_attempt_at, created_at) VALUES ($1, $2, $3, $4, NULL, $5, $6, $7, $8, 'pending', $9, $9) ON CONFLICT (idempotency_key) DO NOTHING`,
    [r.idempotencyKey, r.projectId, r.ruleId, r.issueId, r.trigger, r.action, r.actionKey, r.payload, r.createdAtSec]);
  }
  return { committed: true, monitorEnvironmentId: envId, checkInId, incidentId, outboxRowsInserted };
}

function _opt<T>(row: Record<string, unknown> | undefined, map: (r: Record<string, unknown>) => T): T | undefined {
  return row ? map(row) : undefined;
}
