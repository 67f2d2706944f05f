import { z } from "zod";
import { loadConfig } from "../config.ts";
import { createEmailChannel } from "../alerts/channels/email.ts";
import { EMAIL_ADDRESS, RULE_INPUT, type AlertAction, type AlertRule } from "../alert-rules/rule-schema.ts";
import { sendTestEmail } from "../alerts/test-email.ts";
import { checkWebhookUrl, UrlPolicyError } from "../alerts/url-policy.ts";
import type { OutboxRow } from "../store/model/alerts.ts";
import type { Project, Store } from "../store/types.ts";
import { fail, print } from "./output.ts";
import { withCliStore } from "./store-access.ts";

/** Flags of `lighttrace alerts add`, as commander hands them over (validated below). */
export interface AddRuleFlags {
  project?: string;
  name?: string;
  newIssue?: boolean;
  regression?: boolean;
  spike?: string;
  spikeFactor?: string;
  spikeWindow?: string;
  users?: string;
  usersWindow?: string;
  env?: string[];
  level?: string[];
  tag?: string[];
  email?: string[];
  admins?: boolean;
  webhook?: string[];
  slack?: string[];
  cooldown?: string;
  dailyDigest?: boolean;
  disabled?: boolean;
  data?: string;
  json?: boolean;
}

/** `lighttrace alerts list`: every rule of one project (or of all projects). */
export async function runAlertsList(flags: { project?: string; data?: string; json?: boolean }): Promise<void> {
  await withCliStore(flags.data, async ({ store }) => {
    const rows: { project: string; rule: AlertRule }[] = [];
    for (const project of await _projects(store, flags.project)) {
      for (const rule of await store.alerts.listRules(project.id)) rows.push({ project: project.slug, rule });
    }
    print(flags.json, rows.map((r) => ({ project: r.project, id: r.rule.id, name: r.rule.name, status: r.rule.status, ...r.rule.definition })), () =>
      rows.length ? rows.map((r) => `${String(r.rule.id).padStart(4)}  ${r.project.padEnd(20)} ${r.rule.status.padEnd(9)} ${r.rule.name}\n      ${describeRule(r.rule)}`) : ["No alert rules."],
    );
  });
}

/** `lighttrace alerts add --project p …`: builds a rule from flags, validates it like the API does. */
export async function runAlertsAdd(flags: AddRuleFlags): Promise<void> {
  if (!flags.project) fail("--project <slug> is required");
  const actions: unknown[] = [];
  if (flags.email?.length || flags.admins) {
    actions.push({ type: "email", to: (flags.email ?? []).flatMap((e) => e.split(",")).map((e) => e.trim()).filter(Boolean), includeAdmins: !!flags.admins });
  }
  for (const url of flags.webhook ?? []) actions.push({ type: "webhook", url, format: "json" });
  for (const url of flags.slack ?? []) actions.push({ type: "webhook", url, format: "slack" });
  const input = {
    name: flags.name ?? "Alert rule",
    status: flags.disabled ? "disabled" : "active",
    triggers: {
      newIssue: !!flags.newIssue,
      regression: !!flags.regression,
      spike: flags.spike === undefined ? null : {
        minEvents: _int(flags.spike, "--spike"),
        ...(flags.spikeFactor !== undefined ? { factor: _number(flags.spikeFactor, "--spike-factor") } : {}),
        ...(flags.spikeWindow !== undefined ? { windowMinutes: _int(flags.spikeWindow, "--spike-window") } : {}),
      },
      usersAffected: flags.users === undefined ? null : {
        minUsers: _int(flags.users, "--users"),
        ...(flags.usersWindow !== undefined ? { windowMinutes: _int(flags.usersWindow, "--users-window") } : {}),
      },
    },
    filters: { environments: flags.env ?? [], levels: flags.level ?? [], tags: flags.tag ?? [] },
    actions,
    ...(flags.cooldown !== undefined ? { frequency: _int(flags.cooldown, "--cooldown") } : {}),
    dailyDigest: !!flags.dailyDigest,
  };
  const parsed = RULE_INPUT.safeParse(input);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    fail(`invalid rule${issue.path.length ? ` (${issue.path.join(".")})` : ""}: ${issue.message}`);
  }
  await withCliStore(flags.data, async ({ store, config }) => {
    for (const action of parsed.data.actions) {
      if (action.type !== "webhook") continue;
      try {
        checkWebhookUrl(action.url, config.alertAllowPrivateWebhooks);
      } catch (err) {
        if (err instanceof UrlPolicyError) fail(err.message);
        throw err;
      }
    }
    const [project] = await _projects(store, flags.project);
    const { name, status, ...definition } = parsed.data;
    const rule = await store.alerts.createRule(project!.id, { name, status, definition });
    print(flags.json, { id: rule.id, project: project!.slug, name: rule.name, status: rule.status, ...rule.definition }, () => [
      `Created alert rule ${rule.id} "${rule.name}" for ${project!.slug}.`,
      `  ${describeRule(rule)}`,
    ]);
  });
}

/** `lighttrace alerts remove|enable|disable <id>` */
export async function runAlertsChange(change: "remove" | "enable" | "disable", id: string, flags: { data?: string; json?: boolean }): Promise<void> {
  if (!/^\d+$/.test(id)) fail(`invalid rule id "${id}": use the number shown by \`lighttrace alerts list\``);
  await withCliStore(flags.data, async ({ store }) => {
    const rule = await store.alerts.getRule(Number(id));
    if (!rule) fail(`no alert rule ${id}`);
    if (change === "remove") {
      await store.alerts.deleteRule(rule.id);
      print(flags.json, { id: rule.id, deleted: true }, () => [`Removed alert rule ${rule.id} "${rule.name}".`]);
      return;
    }
    const updated = await store.alerts.updateRule(rule.id, { name: rule.name, status: change === "enable" ? "active" : "disabled", definition: rule.definition });
    print(flags.json, { id: rule.id, status: updated!.status }, () => [`Alert rule ${rule.id} "${rule.name}" is now ${updated!.status}.`]);
  });
}

/** `lighttrace alerts history`: the latest deliveries (sent, pending with their last error, …). */
export async function runAlertsHistory(flags: { project?: string; limit?: string; data?: string; json?: boolean }): Promise<void> {
  const limit = flags.limit === undefined ? 20 : _int(flags.limit, "--limit");
  await withCliStore(flags.data, async ({ store }) => {
    const rows: OutboxRow[] = [];
    for (const project of await _projects(store, flags.project)) rows.push(...(await store.alerts.listOutbox(project.id, limit)));
    rows.sort((a, b) => b.id - a.id);
    print(flags.json, rows.slice(0, limit), () =>
      rows.length
        ? rows.slice(0, limit).map((r) =>
          `${new Date(r.createdAtSec * 1000).toISOString().slice(0, 19)}Z  ${r.status.padEnd(9)} ${r.trigger.padEnd(16)} issue ${r.issueId ?? "-"}  ${_describeAction(r.action)}` +
          (r.lastError ? `\n      ${r.attempts} attempt(s); last error: ${r.lastError}` : ""))
        : ["No alerts sent yet."],
    );
  });
}

/** `lighttrace alerts test --to <address>`: sends a test message and reports the SMTP result in words. */
export async function runAlertsTest(flags: { to?: string; smtpUrl?: string; smtpFrom?: string; json?: boolean }): Promise<void> {
  const to = z.object({ to: EMAIL_ADDRESS }).safeParse({ to: flags.to ?? "" });
  if (!to.success) fail(`--to <address> is required and must be an email address${flags.to ? ` (got "${flags.to}")` : ""}`);
  const config = fail.onConfigError(() => loadConfig(process.env, { smtpUrl: flags.smtpUrl, smtpFrom: flags.smtpFrom }));
  const channel = createEmailChannel(config);
  const result = await sendTestEmail(channel, to.data.to, config.baseUrl || config.publicUrl || "LightTrace");
  channel.close();
  print(flags.json, result, () => [result.message]);
  if (!result.sent) process.exitCode = 1;
}

/** One line saying what a rule does. */
export function describeRule(rule: AlertRule): string {
  const d = rule.definition;
  const triggers = [
    d.triggers.newIssue && "new issue",
    d.triggers.regression && "regression",
    d.triggers.spike && `spike (≥${d.triggers.spike.minEvents} events and ${d.triggers.spike.factor}× baseline in ${d.triggers.spike.windowMinutes} min)`,
    d.triggers.usersAffected && `≥${d.triggers.usersAffected.minUsers} users in ${d.triggers.usersAffected.windowMinutes} min`,
    d.dailyDigest && "daily digest",
  ].filter(Boolean);
  const filters = [
    d.filters.environments.length && `env ${d.filters.environments.join("|")}`,
    d.filters.levels.length && `level ${d.filters.levels.join("|")}`,
    ...d.filters.tags,
  ].filter(Boolean);
  return `on ${triggers.join(", ")}${filters.length ? ` where ${filters.join(", ")}` : ""} → ${d.actions.map(_describeAction).join("; ")} (cooldown ${d.frequency} min)`;
}

// --- Internal ---

function _describeAction(a: AlertAction): string {
  if (a.type === "email") return `email ${[...a.to, ...(a.includeAdmins ? ["the admins"] : [])].join(", ")}`;
  return `${a.format === "slack" ? "Slack webhook" : "webhook"} ${a.url}`;
}

async function _projects(store: Store, slug: string | undefined): Promise<Project[]> {
  if (slug === undefined) return store.listProjects();
  const project = await store.getProject(slug);
  if (!project) fail(`no project "${slug}" (see \`lighttrace projects list\`)`);
  return [project];
}

function _int(value: string, flag: string): number {
  if (!/^\d+$/.test(value)) fail(`invalid ${flag} "${value}": a whole number`);
  return Number(value);
}

function _number(value: string, flag: string): number {
  if (!/^\d+(\.\d+)?$/.test(value)) fail(`invalid ${flag} "${value}": a number`);
  return Number(value);
}
