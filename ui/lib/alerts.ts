/** Alert rules as the API serves them (src/api/alerts.ts), and the words the UI shows for them. */
export interface AlertAction {
  type: "email" | "webhook";
  to?: string[];
  includeAdmins?: boolean;
  url?: string;
  format?: "json" | "slack";
}

export interface AlertRule {
  id: string;
  name: string;
  status: "active" | "disabled";
  isDefault: boolean;
  triggers: {
    newIssue: boolean;
    regression: boolean;
    spike: { windowMinutes: number; minEvents: number; factor: number } | null;
    usersAffected: { windowMinutes: number; minUsers: number } | null;
  };
  filters: { environments: string[]; levels: string[]; tags: string[] };
  actions: AlertAction[];
  frequency: number;
  dailyDigest: boolean;
  dateCreated: string;
}

export interface AlertDelivery {
  id: string;
  ruleId: string;
  issueId: string | null;
  trigger: string;
  action: AlertAction;
  status: string;
  attempts: number;
  lastError: string | null;
  dateCreated: string;
  dateSent: string | null;
}

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
export function ruleBody(f: RuleForm): Record<string, unknown> {
  const list = (s: string) => s.split(",").map((x) => x.trim()).filter(Boolean);
  const actions: AlertAction[] = [];
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
    filters: { environments: list(f.environments), levels: f.levels, tags: list(f.tags) },
    actions,
    frequency: Number(f.frequency),
    dailyDigest: f.dailyDigest,
  };
}

/** "new issue, regression, spike (≥100 events and 5× baseline in 60 min)" */
export function describeTriggers(r: AlertRule): string {
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
export function describeFilters(r: AlertRule): string {
  const parts = [r.filters.environments.join(", "), r.filters.levels.join(", "), r.filters.tags.join(", ")].filter(Boolean);
  return parts.length ? parts.join(" · ") : "any environment, level and tags";
}

export function describeAction(a: AlertAction): string {
  if (a.type === "email") return `Email ${[...(a.to ?? []), ...(a.includeAdmins ? ["the admins"] : [])].join(", ")}`;
  return `${a.format === "slack" ? "Slack webhook" : "Webhook"} ${a.url}`;
}

const TRIGGERS: Record<string, string> = {
  new_issue: "New issue", regression: "Regression", spike: "Spike", users_affected: "Users affected",
  collapsed_digest: "Hourly digest", daily_digest: "Daily digest",
};

export function triggerLabel(trigger: string): string {
  return TRIGGERS[trigger] ?? trigger;
}
