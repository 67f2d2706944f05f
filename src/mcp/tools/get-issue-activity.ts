import { z } from "zod";
import type { ApiActivity, ApiActivityList, ApiIssue } from "../../contract/index.ts";
import { ISSUE_REF_INPUT, parseIssueRef } from "../issue-ref.ts";
import { defineTool } from "../tool.ts";

/** `get_issue_activity`: who did what to an issue, newest first. */
export const getIssueActivity = defineTool({
  name: "get_issue_activity",
  title: "Get issue activity",
  description: "An issue's history, newest first: first seen, regressions, status changes (resolved, in which release, reopened, ignored), " +
    "assignments, notes and alert mails sent, with who and when. Name the issue by issueId or issueUrl.",
  input: {
    ...ISSUE_REF_INPUT,
    includeComments: z.boolean().default(true).describe("include notes (comments)"),
    limit: z.number().int().min(1).max(100).default(50),
  },
  access: "read",
  async run(args, ctx) {
    const ref = parseIssueRef(args);
    const org = encodeURIComponent(await ctx.org(args.organizationSlug ?? ref.org));
    const issue = (await ctx.api.get<ApiIssue>(`/api/0/organizations/${org}/issues/${encodeURIComponent(ref.id)}/`)).body;
    const { activity } = (await ctx.api.get<ApiActivityList>(`/api/0/organizations/${org}/issues/${issue.id}/activities/`, { limit: args.limit })).body;
    const shown = activity.filter((a) => args.includeComments || a.type !== "note");
    const lines = [`# Activity of [${issue.shortId}](${ctx.link(`/issues/${issue.id}/`)}) ${issue.title}`, ""];
    if (shown.length === 0) lines.push("No activity.");
    for (const a of shown) lines.push(`- ${a.dateCreated} **${a.type}**${a.user ? ` by ${a.user.email}` : ""}${_describe(a)}`);
    return lines.join("\n");
  },
});

// --- Internal ---

function _describe(a: ApiActivity): string {
  const d = a.data as Record<string, unknown>;
  if (a.type === "note") return `: ${String(d.text ?? "").replace(/\n/g, "\n  ")}`;
  if (a.type === "assigned") return ` to ${String(d.assigneeType) === "team" ? "#" : ""}${String(d.assigneeName ?? d.assignee ?? "")}`;
  if (a.type === "set_resolved_in_release") return d.inNextRelease ? " (in the next release)" : ` in ${String(d.version ?? "")}`;
  if (a.type === "set_regression" && d.version) return ` in ${String(d.version)}`;
  if (a.type === "alert_sent") return ` to ${String(d.recipients ?? d.target ?? "")}`;
  return "";
}
