import type { ApiAlertDelivery, ApiAlertRule, ApiWorkflow, ApiWorkflowComponent } from "../../contract/index.ts";
import type { AlertRule } from "../../alert-rules/rule-schema.ts";
import { toIsoString } from "../../events/timestamps.ts";
import type { OutboxRow } from "../../store/model/alerts.ts";
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
    dateCreated: toIsoString(rule.createdAtSec),
    dateUpdated: toIsoString(rule.updatedAtSec),
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
    dateCreated: toIsoString(row.createdAtSec),
    dateSent: row.sentAtSec === null ? null : toIsoString(row.sentAtSec),
    nextAttempt: row.status === "pending" ? toIsoString(row.nextAttemptAtSec) : null,
  };
}

/** A LightTrace rule in Sentry's workflow shape (what the Sentry MCP server's alert tools read). */
export function serializeWorkflow(rule: AlertRule, project: Project, organizationId: number, lastFiredAtSec: number | null): ApiWorkflow {
  const d = rule.definition;
  const id = (part: string, i = 0) => `${rule.id}-${part}${i ? `-${i}` : ""}`;
  const triggers: ApiWorkflowComponent[] = [];
  if (d.triggers.newIssue) triggers.push({ id: id("new"), type: "first_seen_event", comparison: true, conditionResult: true });
  if (d.triggers.regression) triggers.push({ id: id("regression"), type: "regression_event", comparison: true, conditionResult: true });
  if (d.triggers.spike) {
    const s = d.triggers.spike;
    triggers.push({ id: id("spike"), type: "event_frequency_count", comparison: { interval: `${s.windowMinutes}m`, value: s.minEvents, baselineFactor: s.factor }, conditionResult: true });
  }
  if (d.triggers.usersAffected) {
    const u = d.triggers.usersAffected;
    triggers.push({ id: id("users"), type: "event_unique_user_frequency_count", comparison: { interval: `${u.windowMinutes}m`, value: u.minUsers }, conditionResult: true });
  }
  const filters: ApiWorkflowComponent[] = [
    ...d.filters.environments.map((value, i) => ({ id: id("env", i), type: "tagged_event", comparison: { key: "environment", match: "eq", value }, conditionResult: true })),
    ...d.filters.levels.map((level, i) => ({ id: id("level", i), type: "level", comparison: { level, match: "eq" }, conditionResult: true })),
    ...d.filters.tags.map((tag, i) => {
      const at = tag.indexOf(":");
      return { id: id("tag", i), type: "tagged_event", comparison: { key: tag.slice(0, at), match: "eq", value: tag.slice(at + 1) }, conditionResult: true };
    }),
  ];
  const actions: ApiWorkflowComponent[] = d.actions.map((a, i) => (a.type === "email"
    ? { id: id("action", i), type: "email", config: { targetType: a.includeAdmins ? "team" : "specific", targetIdentifier: a.to.join(", ") || "installation admins" }, data: { includeAdmins: a.includeAdmins } }
    : { id: id("action", i), type: "webhook", config: { targetType: "specific", targetIdentifier: a.url }, data: { format: a.format } }));
  return {
    id: String(rule.id),
    name: rule.name,
    organizationId: String(organizationId),
    enabled: rule.status === "active",
    status: rule.status,
    environment: d.filters.environments.length === 1 ? d.filters.environments[0]! : null,
    config: { frequency: d.frequency },
    frequency: d.frequency,
    triggers: { id: id("triggers"), logicType: "any-short", conditions: triggers, actions: [] },
    actionFilters: [{ id: id("filters"), logicType: "all", conditions: filters, actions }],
    actionMatch: "any",
    filterMatch: "all",
    detectorIds: [String(project.id)],
    projects: [project.slug],
    owner: null,
    createdBy: null,
    dateCreated: toIsoString(rule.createdAtSec),
    dateUpdated: toIsoString(rule.updatedAtSec),
    lastTriggered: lastFiredAtSec === null ? null : toIsoString(lastFiredAtSec),
  };
}
