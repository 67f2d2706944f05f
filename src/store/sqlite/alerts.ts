import { RULE_DEFINITION, type AlertAction, type AlertRule } from "../../alert-rules/rule-schema.ts";
import type { Clock } from "../../clock.ts";
import type { SqliteDatabase } from "./sqlite-binding.ts";
import type { OutboxStatus, OutboxRow, RuleWrite, AlertStore } from "../model/alerts.ts";

/**
 * Alert SQL for the dispatcher, the API and the CLI, plus the rule reads ingest decides with
 * (`ingest`). Ingest's own outbox rows and cooldown claims are written by the write plan
 * (src/store/sqlite/ingest-writer.ts).
 */
export function createAlertQueries(db: SqliteDatabase, clock: Clock) {
  const stmt = {
    rulesOfProject: db.prepare("SELECT * FROM alert_rules WHERE project_id = ? ORDER BY id"),
    activeRules: db.prepare("SELECT * FROM alert_rules WHERE project_id = ? AND status = 'active' ORDER BY id"),
    digestRules: db.prepare("SELECT * FROM alert_rules WHERE status = 'active' AND definition ->> '$.dailyDigest' = 1 ORDER BY id"),
    ruleById: db.prepare("SELECT * FROM alert_rules WHERE id = ?"),
    insertRule: db.prepare(`INSERT INTO alert_rules (project_id, name, status, is_default, definition, created_at, updated_at)
      VALUES (?, ?, ?, ?, ?, ?, ?)`),
    updateRule: db.prepare("UPDATE alert_rules SET name = ?, status = ?, definition = ?, updated_at = ? WHERE id = ?"),
    deleteRule: db.prepare("DELETE FROM alert_rules WHERE id = ?"),
    rulesVersion: db.prepare("SELECT value FROM settings WHERE key = 'alert_rules_version'").pluck(),
    bumpVersion: db.prepare(`INSERT INTO settings (key, value) VALUES ('alert_rules_version', '1')
      ON CONFLICT (key) DO UPDATE SET value = CAST(CAST(value AS INTEGER) + 1 AS TEXT)`),
    enqueue: db.prepare(`INSERT OR IGNORE INTO alert_outbox (idempotency_key, project_id, rule_id, issue_id, event_id, trigger, action,
        action_key, payload, status, next_attempt_at, created_at)
      VALUES (@idempotencyKey, @projectId, @ruleId, @issueId, @eventId, @trigger, @action, @actionKey, @payload, 'pending', @now, @now)`),
    due: db.prepare(`SELECT * FROM alert_outbox WHERE status = 'pending' AND next_attempt_at <= ?
      AND action_key NOT IN (SELECT value FROM json_each(?)) ORDER BY next_attempt_at, id LIMIT ?`),
    retryNow: db.prepare("UPDATE alert_outbox SET next_attempt_at = ? WHERE status = 'pending' AND next_attempt_at > ?"),
    nextDue: db.prepare(`SELECT min(next_attempt_at) FROM alert_outbox WHERE status = 'pending'
      AND action_key NOT IN (SELECT value FROM json_each(?))`).pluck(),
    ruleLastFired: db.prepare("SELECT max(created_at) FROM alert_outbox WHERE rule_id = ?").pluck(),
    markSent: db.prepare("UPDATE alert_outbox SET status = 'sent', sent_at = ?, attempts = attempts + 1, last_error = NULL WHERE id = ?"),
    markRetry: db.prepare("UPDATE alert_outbox SET attempts = attempts + 1, last_error = ?, next_attempt_at = ? WHERE id = ?"),
    markDone: db.prepare("UPDATE alert_outbox SET status = ?, last_error = ?, attempts = attempts + (? = 'failed') WHERE id = ?"),
    sentSince: db.prepare("SELECT count(*) FROM alert_outbox WHERE action_key = ? AND status = 'sent' AND sent_at > ?").pluck(),
    heldKeys: db.prepare("SELECT DISTINCT action_key FROM alert_outbox WHERE status = 'held'").pluck(),
    heldOf: db.prepare("SELECT * FROM alert_outbox WHERE status = 'held' AND action_key = ? ORDER BY id"),
    collapse: db.prepare("UPDATE alert_outbox SET status = 'collapsed', digest_id = ? WHERE status = 'held' AND action_key = ? AND id <= ?"),
    byKey: db.prepare("SELECT * FROM alert_outbox WHERE idempotency_key = ?"),
    byId: db.prepare("SELECT * FROM alert_outbox WHERE id = ?"),
    keyExists: db.prepare("SELECT 1 FROM alert_outbox WHERE idempotency_key = ?").pluck(),
    pruneOutbox: db.prepare(`DELETE FROM alert_outbox WHERE id IN (SELECT id FROM alert_outbox
      WHERE status IN ('sent', 'failed', 'skipped', 'collapsed') AND created_at < ? ORDER BY id LIMIT 5000)`),
    pruneCooldowns: db.prepare("DELETE FROM alert_cooldowns WHERE fired_at < ?"),
    history: db.prepare("SELECT * FROM alert_outbox WHERE project_id = ? ORDER BY id DESC LIMIT ?"),
    digestIssues: db.prepare(`SELECT id, CASE WHEN regressed_at >= @since AND status = 'unresolved' THEN 'regressed' ELSE 'new' END AS kind FROM issues
      WHERE project_id = @projectId AND (first_seen >= @since OR (regressed_at >= @since AND status = 'unresolved'))
      ORDER BY last_seen DESC LIMIT 200`),
  };

  const createRule = db.transaction((projectId: number, rule: RuleWrite, isDefault: boolean): AlertRule => {
    const now = clock.now() / 1000;
    const id = Number(stmt.insertRule.run(projectId, rule.name, rule.status, isDefault ? 1 : 0, JSON.stringify(rule.definition), now, now).lastInsertRowid);
    stmt.bumpVersion.run();
    return _rule(stmt.ruleById.get(id));
  });
  const updateRule = db.transaction((id: number, rule: RuleWrite): AlertRule | undefined => {
    if (stmt.updateRule.run(rule.name, rule.status, JSON.stringify(rule.definition), clock.now() / 1000, id).changes === 0) return undefined;
    stmt.bumpVersion.run();
    return _rule(stmt.ruleById.get(id));
  });
  const deleteRule = db.transaction((id: number): boolean => {
    const deleted = stmt.deleteRule.run(id).changes > 0;
    if (deleted) stmt.bumpVersion.run();
    return deleted;
  });
  const collapseHeld = db.transaction((key: string, now: number): OutboxRow | undefined => {
    const held = stmt.heldOf.all(key).map(_outbox);
    const first = held[0];
    if (!first) return undefined;
    const last = held[held.length - 1]!;
    const digestKey = `collapsed:${key}:${first.id}`;
    stmt.enqueue.run({
      idempotencyKey: digestKey, projectId: first.projectId, ruleId: first.ruleId, issueId: null, eventId: null,
      trigger: "collapsed_digest", action: JSON.stringify(first.action), actionKey: key, now,
      payload: JSON.stringify({ items: held.map((h) => ({ issueId: h.issueId, trigger: h.trigger, eventId: h.eventId, at: h.createdAtSec, details: h.payload })) }),
    });
    const digest = _outbox(stmt.byKey.get(digestKey));
    stmt.collapse.run(digest.id, key, last.id);
    return digest;
  });
  const enqueueDailyDigest = db.transaction((rule: AlertRule, day: number, now: number): boolean => {
    if (stmt.keyExists.get(`daily:${rule.id}:${day}:0`)) return false; // already done today
    const items = stmt.digestIssues.all({ projectId: rule.projectId, since: now - 86_400 }) as { id: number; kind: string }[];
    if (items.length === 0) return false;
    let added = false;
    rule.definition.actions.forEach((action, i) => {
      added = stmt.enqueue.run({
        idempotencyKey: `daily:${rule.id}:${day}:${i}`, projectId: rule.projectId, ruleId: rule.id, issueId: null, eventId: null,
        trigger: "daily_digest", action: JSON.stringify(action), actionKey: `${rule.id}:daily:${i}`, now,
        payload: JSON.stringify({ day, items: items.map((it) => ({ issueId: it.id, trigger: it.kind === "new" ? "new_issue" : "regression" })) }),
      }).changes > 0 || added;
    });
    return added;
  });

  const store: AlertStore = {
    listRules: async (projectId) => stmt.rulesOfProject.all(projectId).map(_rule),
    ruleLastFiredAt: async (ruleId) => {
      const at = stmt.ruleLastFired.get(ruleId) as number | null | undefined;
      return at ?? null;
    },
    getRule: async (id) => {
      const row = stmt.ruleById.get(id);
      return row ? _rule(row) : undefined;
    },
    createRule: async (projectId, rule, isDefault = false) => createRule.immediate(projectId, rule, isDefault),
    updateRule: async (id, rule) => updateRule.immediate(id, rule),
    deleteRule: async (id) => deleteRule.immediate(id),
    digestRules: async () => stmt.digestRules.all().map(_rule),
    dueOutbox: async (now, limit, busy = []) => stmt.due.all(now, JSON.stringify(busy), limit).map(_outbox),
    retryPendingNow: async (now) => void stmt.retryNow.run(now, now),
    nextDueAt: async (busy = []) => (stmt.nextDue.get(JSON.stringify(busy)) as number | null) ?? undefined,
    markSent: async (id, now) => void stmt.markSent.run(now, id),
    markRetry: async (id, error, nextAt) => void stmt.markRetry.run(error.slice(0, 2000), nextAt, id),
    markDone: async (id, status, error) => void stmt.markDone.run(status, error?.slice(0, 2000) ?? null, status, id),
    sentCountSince: async (key, since) => Number(stmt.sentSince.get(key, since)),
    heldActionKeys: async () => stmt.heldKeys.all() as string[],
    collapseHeld: async (key, now) => collapseHeld.immediate(key, now),
    enqueueDailyDigest: async (rule, day, now) => enqueueDailyDigest.immediate(rule, day, now),
    listOutbox: async (projectId, limit) => stmt.history.all(projectId, limit).map(_outbox),
    pruneOutbox: async (before, cooldownBefore) => stmt.pruneOutbox.run(before).changes + stmt.pruneCooldowns.run(cooldownBefore).changes,
    getOutboxRow: async (id) => {
      const row = stmt.byId.get(id);
      return row ? _outbox(row) : undefined;
    },
  };

  return {
    store,
    /** what ingest decides alerts with: a version that changes on every rule edit, and a project's active rules */
    ingest: {
      rulesVersion: (): string => String(stmt.rulesVersion.get() ?? "0"),
      activeRules: (projectId: number): AlertRule[] => stmt.activeRules.all(projectId).map(_rule),
    },
    /** a project's first rules, inside the caller's transaction (project creation) */
    createRulesInTransaction: (projectId: number, rules: readonly RuleWrite[], isDefault: boolean) => {
      for (const rule of rules) createRule(projectId, rule, isDefault);
    },
  };
}

// --- Internal ---

type Row = Record<string, unknown>;

function _rule(r: unknown): AlertRule {
  const row = r as Row;
  return {
    id: Number(row.id), projectId: Number(row.project_id), name: String(row.name), status: row.status === "disabled" ? "disabled" : "active",
    isDefault: row.is_default === 1,
    // parsed through the schema so rules stored by an older version get today's defaults
    definition: RULE_DEFINITION.parse(JSON.parse(String(row.definition))),
    createdAtSec: Number(row.created_at), updatedAtSec: Number(row.updated_at),
  };
}

function _outbox(r: unknown): OutboxRow {
  const row = r as Row;
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
