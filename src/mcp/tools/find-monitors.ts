import { z } from "zod";
import type { ApiMonitor } from "../../contract/index.ts";
import { table, when } from "../markdown.ts";
import { defineTool } from "../tool.ts";

/** `find_monitors` (Sentry's MCP server has it too): cron monitors with each environment's state. */
export const findMonitors = defineTool({
  name: "find_monitors",
  title: "Find cron monitors",
  description: "Cron monitors (scheduled jobs that check in): schedule, each environment's status (ok, error = an open incident, active = no check-in yet), " +
    "last and next expected check-in, and the incident's issue. Use it to see which background jobs missed runs, timed out or failed.",
  input: {
    organizationSlug: z.string().max(100).optional(),
    projectSlug: z.string().max(100).optional().describe("only monitors of this project"),
    query: z.string().max(200).optional().describe("part of the monitor's name or slug"),
    environment: z.string().max(64).optional(),
    limit: z.number().int().min(1).max(100).default(25),
  },
  access: "read",
  async run(args, ctx) {
    const org = await ctx.org(args.organizationSlug);
    const monitors = (await ctx.api.get<ApiMonitor[]>(`/api/0/organizations/${encodeURIComponent(org)}/monitors/`, {
      project: args.projectSlug, query: args.query, environment: args.environment, per_page: args.limit,
    })).body;
    if (!monitors.length) return "No monitors match. SDKs create one with their first check-in that carries a monitor_config (Sentry.withMonitor, sentry_sdk.monitor, sentry-cli monitors run -s).";
    const rows = monitors.flatMap((m) => {
      const name = `[${m.name}](${ctx.link(`/crons/${encodeURIComponent(m.project.slug)}/${encodeURIComponent(m.slug)}/`)})`;
      const flags = [m.status === "disabled" ? "disabled" : null, m.isMuted ? "muted" : null].filter(Boolean).join(", ");
      if (!m.environments.length) return [[name, `\`${m.slug}\``, m.project.slug, m.scheduleDescription, "(no check-in yet)", null, null, null, flags || null]];
      return m.environments.map((e) => [
        name, `\`${m.slug}\``, m.project.slug, m.scheduleDescription, `${e.name}: ${e.status}`, e.lastCheckIn ? when(e.lastCheckIn) : "never",
        e.nextCheckIn ? when(e.nextCheckIn) : null,
        e.activeIncident?.issueId ? `[issue ${e.activeIncident.issueId}](${ctx.link(`/issues/${e.activeIncident.issueId}/`)}) since ${when(e.activeIncident.startingTimestamp)}` : null,
        [flags, e.isMuted ? "environment muted" : ""].filter(Boolean).join(", ") || null,
      ]);
    });
    return [`# Cron monitors${args.projectSlug ? ` of \`${args.projectSlug}\`` : ""}`, "",
      table(["monitor", "slug", "project", "schedule", "environment: status", "last check-in", "next expected", "open incident", "notes"], rows)].join("\n");
  },
});
