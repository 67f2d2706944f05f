import type { ApiAlertDelivery, ApiAlertRule } from "../../contract/index.ts";
import type { AlertRule } from "../../alert-rules/rule-schema.ts";
import { toIsoString } from "../../events/timestamps.ts";
import type { OutboxRow } from "../../store/alerts.ts";
import type { Project } from "../../store/types.ts";

/** An alert rule: its definition flattened next to its name and status, as the rule bodies are written. */
export function serializeRule(rule: AlertRule, project: Project): ApiAlertRule {
  return {
    id: String(rule.id),
    name: rule.name,
    status: rule.status,
    isDefault: rule.isDefault,
    projects: [project.slug],
    ...rule.definition,
    dateCreated: toIsoString(rule.createdAt),
    dateUpdated: toIsoString(rule.updatedAt),
  };
}

/** One outbox row: what was sent (or is pending, or failed) to which action, for which issue. */
export function serializeDelivery(row: OutboxRow): ApiAlertDelivery {
  return {
    id: String(row.id),
    ruleId: String(row.ruleId),
    issueId: row.issueId === null ? null : String(row.issueId),
    eventId: row.eventId,
    trigger: row.trigger,
    action: row.action,
    status: row.status,
    attempts: row.attempts,
    lastError: row.lastError,
    dateCreated: toIsoString(row.createdAt),
    dateSent: row.sentAt === null ? null : toIsoString(row.sentAt),
    nextAttempt: row.status === "pending" ? toIsoString(row.nextAttemptAt) : null,
  };
}
