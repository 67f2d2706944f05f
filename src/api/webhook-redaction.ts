import type { H3Event } from "h3";
import type { AlertAction, AlertRule } from "../alert-rules/rule-schema.ts";
import type { OutboxRow } from "../store/model/alerts.ts";
import { principalLevel } from "./scopes.ts";

/** Alert rules and deliveries as the request's principal may see them: admins in full, everyone else with webhook URLs redacted. */
export function webhookView(event: H3Event): { rule: (rule: AlertRule) => AlertRule; delivery: (row: OutboxRow) => OutboxRow } {
  const full = principalLevel(event) === "admin";
  return {
    rule: (rule) => (full ? rule : redactRuleWebhooks(rule)),
    delivery: (row) => (full ? row : redactDeliveryWebhook(row)),
  };
}

/**
 * Webhook URLs are often credentials (a chat webhook's path is its token), so only admins see them:
 * everyone else gets the origin, enough to tell the targets apart.
 * @example redactWebhookUrl("https://hooks.slack.com/services/T0/B0/xyz") // "https://hooks.slack.com/[redacted]"
 */
export function redactWebhookUrl(url: string): string {
  try {
    return `${new URL(url).origin}/[redacted]`;
  } catch {
    return "[redacted]";
  }
}

/** The rule with its webhook URLs redacted. */
export function redactRuleWebhooks(rule: AlertRule): AlertRule {
  return { ...rule, definition: { ...rule.definition, actions: rule.definition.actions.map(_redactAction) } };
}

/** The delivery with its webhook URL redacted, also where the error message repeats it. */
export function redactDeliveryWebhook(row: OutboxRow): OutboxRow {
  if (row.action.type !== "webhook") return row;
  const url = row.action.url;
  return { ...row, action: _redactAction(row.action), lastError: row.lastError === null ? null : row.lastError.split(url).join(redactWebhookUrl(url)) };
}

// --- Internal ---

function _redactAction(action: AlertAction): AlertAction {
  return action.type === "webhook" ? { ...action, url: redactWebhookUrl(action.url) } : action;
}
