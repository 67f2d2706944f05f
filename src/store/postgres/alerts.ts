import { RULE_DEFINITION, type AlertAction, type AlertRule } from "../../alert-rules/rule-schema.ts";
import type { Clock } from "../../clock.ts";
import type { AlertStore, OutboxRow, OutboxStatus, RuleWrite } from "../model/alerts.ts";
import { pgStatement, type PgDb, type PgExecutor } from "./pg-db.ts";

/**
 * Alert rules and the outbox on PostgreSQL, plus the rule reads ingest decides with (`ingest`).
 * Ingest's cooldown claims and outbox rows are written by the write plan (ingest-writer.ts).
 * Every rule edit bumps `settings.alert_rules_version` in the same transaction, so every node's
 * decider notices it.
 */
export function createPgAlertQueries(db: PgDb, clock: Clock) {
  const stmt = {
    ruleById: pgStatement("alerts.ruleById", "SELECT * FROM alert_rules WHERE id = $1"),
    activeRules: pgStatement("alerts.activeRules", "SELECT * FROM alert_rules WHERE project_id = $1 AND status = 'active' ORDER BY id"),
    rulesVersion: pgStatement("alerts.rulesVersion", "SELECT value FROM settings WHERE key = 'alert_rules_version'"),
    due: pgStatement("alerts.due", `SELECT * FROM alert_outbox WHERE status = 'pending' AND next_attempt_at <= $1
      AND action_key <> ALL($2::text[]) ORDER BY next_attempt_at, id LIMIT $3`),
  };
  const bumpVersion = (tx: PgExecutor) => tx.run(`INSERT INTO settings (key, value) VALUES ('alert_rules_version', '1')
    ON CONFLICT (key) DO UPDATE SET value = (settings.value::bigint + 1)::text`);
  const insertRule = async (tx: PgExecutor, projectId: number, rule: RuleWrite, isDefault: boolean): Promise<AlertRule> => {
    const now = clock.now() / 1000;
    return _rule(await tx.first(`INSERT INTO alert_rules (project_id, name, status, is_default, definition, created_at, updated_at)
      VALUES ($1, $2, $3, $4, $5, $6, $6) RETURNING *`, [projectId, rule.name, rule.status, isDefault, JSON.stringify(rule.definition), now]));
  };
  const enqueue = (tx: PgExecutor, row: { key: string; projectId: number; ruleId: number; trigger: string; action: AlertAction; actionKey: string; payload: unknown; now: number }) =>
    tx.run(`INSERT INTO alert_outbox (idempotency_key, project_id, rule_id, issue_id, event_id, trigger, action, action_key, payload, status,
        next_attempt_at, created_at) VALUES ($1, $2, $3, NULL, NULL, $4, $5, $6, $7, 'pending', $8, $8) ON CONFLICT (idempotency_key) DO NOTHING`,
    [row.key, row.projectId, row.ruleId, row.trigger, JSON.stringify(row.action), row.actionKey, JSON.stringify(row.payload), row.now]);

  const store: AlertStore = {
    listRules: async (projectId) => (await db.rows("SELECT * FROM alert_rules WHERE project_id = $1 ORDER BY id", [projectId])).map(_rule),
    ruleLastFiredAt: async (ruleId) => (await db.first<{ at: number | null }>("SELECT max(created_at) AS at FROM alert_outbox WHERE rule_id = $1", [ruleId]))?.at ?? null,
    async getRule(id) {
      const row = await db.first(stmt.ruleById, [id]);
      return row ? _rule(row) : undefined;
    },
    createRule: (projectId, rule, isDefault = false) => db.transaction(async (tx) => {
      const created = await insertRule(tx, projectId, rule, isDefault);
      await bumpVersion(tx);
      return created;
    }),
    updateRule: (id, rule) => db.transaction(async (tx) => {
      const row = await tx.first("UPDATE alert_rules SET name = $1, status = $2, definition = $3, updated_at = $4 WHERE id = $5 RETURNING *",
        [rule.name, rule.status, JSON.stringify(rule.definition), clock.now() / 1000, id]);
      if (!row) return undefined;
      await bumpVersion(tx);
      return _rule(row);
    }),
    deleteRule: (id) => db.transaction(async (tx) => {
      const deleted = (await tx.run("DELETE FROM alert_rules WHERE id = $1", [id])) > 0;
      if (deleted) await bumpVersion(tx);
      return deleted;
    }),
    digestRules: async () => (await db.rows("SELECT * FROM alert_rules WHERE status = 'active' AND (definition->>'dailyDigest')::boolean ORDER BY id")).map(_rule),
    dueOutbox: async (now, limit, busy = []) => (await db.rows(stmt.due, [now, busy, limit])).map(_outbox),
    async retryPendingNow(now) {
      await db.run("UPDATE alert_outbox SET next_attempt_at = $1 WHERE status = 'pending' AND next_attempt_at > $1", [now]);
    },
    nextDueAt: async (busy = []) => (await db.first<{ at: number | null }>(`SELECT min(next_attempt_at) AS at FROM alert_outbox
      WHERE status = 'pending' AND action_key <> ALL($1::text[])`, [busy]))?.at ?? undefined,
    async markSent(id, now) {
      await db.run("UPDATE alert_outbox SET status = 'sent', sent_at = $1, attempts = attempts + 1, last_error = NULL WHERE id = $2", [now, id]);
    },
    async markRetry(id, error, nextAt) {
      await db.run("UPDATE alert_outbox SET attempts = attempts + 1, last_error = $1, next_attempt_at = $2 WHERE id = $3", [error.slice(0, 2000), nextAt, id]);
    },
    async markDone(id, status, error) {
      await db.run("UPDATE alert_outbox SET status = $1, last_error = $2, attempts = attempts + ($1 = 'failed')::int WHERE id = $3",
        [status, error?.slice(0, 2000) ?? null, id]);
    },
    sentCountSince: async (key, since) =>
      Number((await db.first<{ n: number }>("SELECT count(*) AS n FROM alert_outbox WHERE action_key = $1 AND status = 'sent' AND sent_at > $2", [key, since]))?.n ?? 0),
    heldActionKeys: async () => (await db.rows<{ action_key: string }>("SELECT DISTINCT action_key FROM alert_outbox WHERE status = 'held'")).map((r) => r.action_key),
    collapseHeld: (key, now) => db.transaction(async (tx) => {
      // the held rows are locked, so two nodes collapsing at once make one digest
      const held = (await tx.rows("SELECT * FROM alert_outbox WHERE status = 'held' AND action_key = $1 ORDER BY id FOR UPDATE", [key])).map(_outbox);
      const first = held[0];
      if (!first) return undefined;
      const last = held[held.length - 1]!;
      const digestKey = `collapsed:${key}:${first.id}`;
      await enqueue(tx, {
        key: digestKey, projectId: first.projectId, ruleId: first.ruleId, trigger: "collapsed_digest", action: first.action, actionKey: key, now,
        payload: { items: held.map((h) => ({ issueId: h.issueId, trigger: h.trigger, eventId: h.eventId, at: h.createdAtSec, details: h.payload })) },
      });
      const digest = _outbox(await tx.first("SELECT * FROM alert_outbox WHERE idempotency_key = $1", [digestKey]));
      await tx.run("UPDATE alert_outbox SET status = 'collapsed', digest_id = $1 WHERE status = 'held' AND action_key = $2 AND id <= $3", [digest.id, key, last.id]);
      return digest;
    }),
    enqueueDailyDigest: (rule, day, now) => db.transaction(async (tx) => {
      if (await tx.first("SELECT 1 FROM alert_outbox WHERE idempotency_key = $1", [`daily:${rule.id}:${day}:0`])) return false; // already done today
      const items = await tx.rows<{ id: number; kind: string }>(`SELECT id, CASE WHEN regressed_at >= $2 AND status = 'unresolved' THEN 'regressed' ELSE 'new' END AS kind
        FROM issues WHERE project_id = $1 AND (first_seen >= $2 OR (regressed_at >= $2 AND status = 'unresolved')) ORDER BY last_seen DESC LIMIT 200`,
      [rule.projectId, now - 86_400]);
      if (items.length === 0) return false;
      let added = false;
      for (const [i, action] of rule.definition.actions.entries()) {
        added = (await enqueue(tx, {
          key: `daily:${rule.id}:${day}:${i}`, projectId: rule.projectId, ruleId: rule.id, trigger: "daily_digest", action, actionKey: `${rule.id}:daily:${i}`, now,
          payload: { day, items: items.map((it) => ({ issueId: it.id, trigger: it.kind === "new" ? "new_issue" : "regression" })) },
        })) > 0 || added;
      }
      return added;
    }),
    listOutbox: async (projectId, limit) => (await db.rows("SELECT * FROM alert_outbox WHERE project_id = $1 ORDER BY id DESC LIMIT $2", [projectId, limit])).map(_outbox),
    pruneOutbox: async (before, cooldownBefore) => {
      const outbox = await db.run(`DELETE FROM alert_outbox WHERE id IN (SELECT id FROM alert_outbox
        WHERE status IN ('sent', 'failed', 'skipped', 'collapsed') AND created_at < $1 ORDER BY id LIMIT 5000)`, [before]);
      return outbox + (await db.run("DELETE FROM alert_cooldowns WHERE fired_at < $1", [cooldownBefore]));
    },
    async getOutboxRow(id) {
      const row = await db.first("SELECT * FROM alert_outbox WHERE id = $1", [id]);
      return row ? _outbox(row) : undefined;
    },
  };

  return {
    store,
    /** what ingest decides alerts with: a version that changes on every rule edit, and a project's active rules */
    ingest: {
      rulesVersion: async (): Promise<string> => (await db.first<{ value: string }>(stmt.rulesVersion))?.value ?? "0",
      activeRules: async (projectId: number): Promise<AlertRule[]> => (await db.rows(stmt.activeRules, [projectId])).map(_rule),
    },
    /** a project's first rules, inside the caller's transaction (project creation) */
    async insertRulesInTransaction(tx: PgExecutor, projectId: number, rules: readonly RuleWrite[], isDefault: boolean): Promise<void> {
      for (const rule of rules) await insertRule(tx, projectId, rule, isDefault);
      if (rules.length) await bumpVersion(tx);
    },
  };
}

// --- Internal ---

type Row = Record<string, unknown> | undefined;

function _rule(r: Row): AlertRule {
  const row = r!;
  return {
    id: Number(row.id), projectId: Number(row.project_id), name: String(row.name), status: row.status === "disabled" ? "disabled" : "active",
    isDefault: row.is_default === true,
    // parsed through the schema so rules stored by an older version get today's defaults (jsonb arrives parsed)
    definition: RULE_DEFINITION.parse(row.definition),
    createdAtSec: Number(row.created_at), updatedAtSec: Number(row.updated_at),
  };
}

function _outbox(r: Row): OutboxRow {
  const row = r!;
  return {
    id: Number(row.id), idempotencyKey: String(row.idempotency_key), projectId: Number(row.project_id), ruleId: Number(row.rule_id),
    issueId: row.issue_id === null ? null : Number(row.issue_id), eventId: row.event_id === null ? null : String(row.event_id),
    trigger: String(row.trigger), action: JSON.parse(String(row.action)) as AlertAction, actionKey: String(row.action_key),
    payload: row.payload === null ? null : (JSON.parse(String(row.payload)) as Record<string, unknown>),
    status: String(row.status) as OutboxStatus, attempts: Number(row.attempts), nextAttemptAtSec: Number(row.next_attempt_at),
    lastError: row.last_error === null ? null : String(row.last_error), digestId: row.digest_id === null ? null : Number(row.digest_id),
    createdAtSec: Number(row.created_at), sentAtSec: row.sent_at === null ? null : Number(row.sent_at),
  };
}
