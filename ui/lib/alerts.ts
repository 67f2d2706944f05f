import type { ApiAlertAction, ApiAlertRule, ApiAlertRuleDefinition } from "../../src/contract/index.ts";

/** The words the UI shows for alert rules (src/contract/alerts.ts), and the rule form. */

/** The form's fields, all as typed (strings for numbers and lists). */
export interface RuleForm {
  name: string;
  newIssue: boolean;
  regression: boolean;
  spike: boolean;
  spikeMinEvents: string;
  spikeFactor: string;
  spikeWindow: string;
  users: boolean;
  usersMin: string;
  usersWindow: string;
  environments: string;
  levels: string[];
  tags: string;
  emails: string;
  includeAdmins: boolean;
  webhookUrl: string;
  webhookFormat: "json" | "slack";
  frequency: string;
  dailyDigest: boolean;
}

export const EMPTY_RULE_FORM: RuleForm = {
  name: "", newIssue: true, regression: true, spike: false, spikeMinEvents: "100", spikeFactor: "5", spikeWindow: "60",
  users: false, usersMin: "10", usersWindow: "60", environments: "", levels: [], tags: "", emails: "", includeAdmins: false,
  webhookUrl: "", webhookFormat: "json", frequency: "30", dailyDigest: false,
};

/**
 * The API body for a rule form; the server validates it and answers with what was wrong.
 * @example ruleBody({ ...EMPTY_RULE_FORM, name: "x", emails: "a@x.io, b@x.io" }).actions // [{ type: "email", to: ["a@x.io", "b@x.io"], … }]
 */
export function ruleBody(f: RuleForm): ApiAlertRuleDefinition & { name: string } {
  const list = (s: string) => s.split(",").map((x) => x.trim()).filter(Boolean);
  const actions: ApiAlertAction[] = [];
  if (list(f.emails).length || f.includeAdmins) actions.push({ type: "email", to: list(f.emails), includeAdmins: f.includeAdmins });
  if (f.webhookUrl.trim()) actions.push({ type: "webhook", url: f.webhookUrl.trim(), format: f.webhookFormat });
  return {
    name: f.name.trim(),
    triggers: {
      newIssue: f.newIssue,
      regression: f.regression,
      spike: f.spike ? { minEvents: Number(f.spikeMinEvents), factor: Number(f.spikeFactor), windowMinutes: Number(f.spikeWindow) } : null,
      usersAffected: f.users ? { minUsers: Number(f.usersMin), windowMinutes: Number(f.usersWindow) } : null,
    },
    filters: { environments: list(f.environments), levels: f.levels as ApiAlertRuleDefinition["filters"]["levels"], tags: list(f.tags) },
    actions,
    frequency: Number(f.frequency),
    dailyDigest: f.dailyDigest,
  };
}

/** "new issue, regression, spike (≥100 events and 5× baseline in 60 min)" */
export function describeTriggers(r: Pick<ApiAlertRule, "triggers" | "dailyDigest">): string {
  const t = r.triggers;
  return [
    t.newIssue && "new issue",
    t.regression && "regression",
    t.spike && `spike (≥${t.spike.minEvents} events and ${t.spike.factor}× baseline in ${t.spike.windowMinutes} min)`,
    t.usersAffected && `≥${t.usersAffected.minUsers} users in ${t.usersAffected.windowMinutes} min`,
    r.dailyDigest && "daily digest",
  ].filter(Boolean).join(", ");
}

/** "any environment" or "production · error, fatal · team:billing" */
export function describeFilters(r: Pick<ApiAlertRule, "filters">): string {
  const parts = [r.filters.environments.join(", "), r.filters.levels.join(", "), r.filters.tags.join(", ")].filter(Boolean);
  return parts.length ? parts.join(" · ") : "any environment, level and tags";
}

export function describeAction(a: ApiAlertAction): string {
  if (a.type === "email") {
    const usual = [...a.to, ...(a.includeAdmins || (a.targetType && !a.to.length) ? ["the admins"] : [])].join(", ");
    if (a.targetType === "IssueOwners") return a.fallthroughType === "NoOne" ? "Email the issue's owners" : `Email the issue's owners, else ${usual}`;
    if (a.targetType === "Team") return `Email team #${a.targetIdentifier ?? ""}`;
    if (a.targetType === "Member") return `Email ${a.targetIdentifier ?? ""}`;
    return `Email ${usual}`;
  }
  return `${a.format === "slack" ? "Slack webhook" : "Webhook"} ${a.url}`;
}

const TRIGGERS: Record<string, string> = {
  new_issue: "New issue", regression: "Regression", spike: "Spike", users_affected: "Users affected",
  collapsed_digest: "Hourly digest", daily_digest: "Daily digest",
};

export function triggerLabel(trigger: string): string {
  return TRIGGERS[trigger] ?? trigger;
}
