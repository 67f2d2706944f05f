import { z } from "zod";

/**
 * What an alert rule is: triggers (any of them fires the rule), filters (all must match the
 * triggering event), actions (each delivered on its own), a cooldown and an optional daily
 * digest. The same schema validates API bodies, CLI flags and what the store reads back.
 */

const LEVELS = ["fatal", "error", "warning", "info", "debug"] as const;

/** One address, loosely checked: something@something without spaces or angle brackets. */
export const EMAIL_ADDRESS = z.string().trim().max(254).regex(/^[^\s@<>,;]+@[^\s@<>,;]+$/, "not an email address");

export const SPIKE_TRIGGER = z.object({
  /** minutes the rate is counted over (the spike window) */
  windowMinutes: z.number().int().min(1).max(60).default(60),
  /** absolute floor: fewer events than this in the window is never a spike */
  minEvents: z.number().int().min(1).max(10_000_000).default(100),
  /** the window's count must also be this many times the issue's own baseline for a window that long */
  factor: z.number().min(1).max(10_000).default(5),
}).strict();

export const USERS_TRIGGER = z.object({
  windowMinutes: z.number().int().min(1).max(1440).default(60),
  minUsers: z.number().int().min(1).max(100_000),
}).strict();

export const EMAIL_ACTION = z.object({
  type: z.literal("email"),
  to: z.array(EMAIL_ADDRESS).max(50).default([]),
  /** the users of this installation plus LIGHTTRACE_ALERT_TO, resolved when the alert is sent */
  includeAdmins: z.boolean().default(false),
  /**
   * Sentry's targets: `IssueOwners` (the owners the project's ownership rules give the event, else
   * the fallthrough), `Team` (a team's member emails), `Member` (one address). Without it, `to`
   * and `includeAdmins` are the recipients.
   */
  targetType: z.enum(["IssueOwners", "Team", "Member"]).optional(),
  /** with Team: the team slug; with Member: the email address */
  targetIdentifier: z.string().trim().min(1).max(254).optional(),
  /** with IssueOwners and no owner: ActiveMembers / AllMembers = `to` and the admins as without a target; NoOne = nobody */
  fallthroughType: z.enum(["ActiveMembers", "AllMembers", "NoOne"]).optional(),
}).strict()
  .refine((a) => a.to.length > 0 || a.includeAdmins || a.targetType !== undefined, "an email action needs addresses in \"to\", includeAdmins: true or a targetType")
  .refine((a) => (a.targetType !== "Team" && a.targetType !== "Member") || a.targetIdentifier !== undefined, { message: "targetType Team or Member needs targetIdentifier (a team slug or an email)", path: ["targetIdentifier"] })
  .refine((a) => a.targetType !== "Member" || EMAIL_ADDRESS.safeParse(a.targetIdentifier).success, { message: "targetType Member needs an email address in targetIdentifier", path: ["targetIdentifier"] });

export const WEBHOOK_ACTION = z.object({
  type: z.literal("webhook"),
  url: z.url({ protocol: /^https?$/, error: "an http:// or https:// URL" }).max(2000),
  /** "json": LightTrace's payload; "slack": `{ "text": … }` for Slack-compatible incoming webhooks */
  format: z.enum(["json", "slack"]).default("json"),
}).strict();

export const ALERT_ACTION = z.discriminatedUnion("type", [EMAIL_ACTION, WEBHOOK_ACTION]);

const TAG_MATCH = z.string().trim().max(400).regex(/^[^:\s][^:]*:.+$/, "a tag match looks like key:value, e.g. team:billing");

const RULE_DEFINITION_SHAPE = {
  triggers: z.object({
    newIssue: z.boolean().default(false),
    regression: z.boolean().default(false),
    spike: SPIKE_TRIGGER.nullable().default(null),
    usersAffected: USERS_TRIGGER.nullable().default(null),
  }).strict(),
  filters: z.object({
    /** empty = any environment */
    environments: z.array(z.string().trim().min(1).max(200)).max(50).default([]),
    /** empty = any level */
    levels: z.array(z.enum(LEVELS)).max(5).default([]),
    /** every `key:value` must be among the event's tags */
    tags: z.array(TAG_MATCH).max(20).default([]),
  }).strict().default({ environments: [], levels: [], tags: [] }),
  actions: z.array(ALERT_ACTION).min(1, "a rule needs at least one action").max(10),
  /** cooldown in minutes per issue, rule and trigger (Sentry calls it the action interval, `frequency`) */
  frequency: z.number().int().min(1).max(7 * 24 * 60).default(30),
  /** also send a summary of the day's new and regressed issues at LIGHTTRACE_ALERT_DIGEST_HOUR */
  dailyDigest: z.boolean().default(false),
};

const _hasTrigger: [
  (d: { triggers: { newIssue: boolean; regression: boolean; spike: unknown; usersAffected: unknown }; dailyDigest: boolean }) => boolean,
  { message: string; path: string[] },
] = [
  (d) => d.triggers.newIssue || d.triggers.regression || d.triggers.spike !== null || d.triggers.usersAffected !== null || d.dailyDigest,
  { message: "a rule needs at least one trigger (newIssue, regression, spike, usersAffected) or dailyDigest", path: ["triggers"] },
];

export const RULE_DEFINITION = z.object(RULE_DEFINITION_SHAPE).strict().refine(..._hasTrigger);

/** A rule as the API and CLI take it: the definition plus its name and status. */
export const RULE_INPUT = z.object({
  name: z.string().trim().min(1, "a rule needs a name").max(200),
  status: z.enum(["active", "disabled"]).default("active"),
  ...RULE_DEFINITION_SHAPE,
}).strict().refine(..._hasTrigger);
export type RuleInput = z.output<typeof RULE_INPUT>;

export type RuleDefinition = z.output<typeof RULE_DEFINITION>;
export type AlertAction = z.output<typeof ALERT_ACTION>;
export type EmailAction = z.output<typeof EMAIL_ACTION>;
export type WebhookAction = z.output<typeof WEBHOOK_ACTION>;
/** monitor_failure / monitor_recovery: a cron monitor incident opened or resolved (rules with newIssue or regression send them) */
export type TriggerKind = "new_issue" | "regression" | "spike" | "users_affected" | "monitor_failure" | "monitor_recovery";

export interface AlertRule {
  id: number;
  projectId: number;
  name: string;
  status: "active" | "disabled";
  isDefault: boolean;
  definition: RuleDefinition;
  /** seconds since epoch */
  createdAtSec: number;
  updatedAtSec: number;
}

/** The rule every new project starts with: new issues and regressions, any environment, to the issue's owners, else the admins. */
export const DEFAULT_RULE: { name: string; definition: RuleDefinition } = {
  name: "New issues and regressions",
  definition: {
    triggers: { newIssue: true, regression: true, spike: null, usersAffected: null },
    filters: { environments: [], levels: [], tags: [] },
    actions: [{ type: "email", to: [], includeAdmins: true, targetType: "IssueOwners", fallthroughType: "ActiveMembers" }],
    frequency: 30,
    dailyDigest: false,
  },
};

/** A short stable name for an action: what the hourly cap counts by (per rule). */
export function actionKey(ruleId: number, action: AlertAction): string {
  const target = action.type === "email"
    ? [...action.to].sort().join(",") + (action.includeAdmins ? "+admins" : "") + (action.targetType ? `+${action.targetType}:${action.targetIdentifier ?? ""}` : "")
    : `${action.format}:${action.url}`;
  return `${ruleId}:${action.type}:${target}`.slice(0, 500);
}
