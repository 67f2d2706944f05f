import { z } from "zod";
import type { ApiIssue } from "../../contract/index.ts";
import { ISSUE_REF_INPUT, parseIssueRef } from "../issue-ref.ts";
import { defineTool, ToolInputError } from "../tool.ts";

/** `update_issue`: resolve (now, in a release, in the next release), ignore or reopen an issue; assign it; say why in a note. */
export const updateIssue = defineTool({
  name: "update_issue",
  title: "Update issue",
  description: "Change an issue's status: resolved, resolvedInNextRelease (reopens if it happens in a release after the current one: use it when the fix is merged but not deployed), " +
    "unresolved, or ignored; inRelease resolves in a given release. assignedTo assigns it (user:<id>, team:<slug>, an email) or with \"\" unassigns it. " +
    "reason is posted as a note on the issue. Needs a token with write scope.",
  input: {
    ...ISSUE_REF_INPUT,
    status: z.enum(["resolved", "resolvedInNextRelease", "unresolved", "ignored"]).optional(),
    inRelease: z.string().max(200).optional().describe('with status "resolved": the release that contains the fix ("latest" for the newest)'),
    assignedTo: z.string().max(320).optional().describe('"user:<id>", "team:<slug>", an email address, or "" to unassign'),
    reason: z.string().max(4096).optional().describe("why: posted as a note on the issue"),
  },
  access: "write",
  async run(args, ctx) {
    const ref = parseIssueRef(args);
    if (args.status === undefined && args.assignedTo === undefined) throw new ToolInputError("give status, assignedTo or both");
    const org = encodeURIComponent(await ctx.org(args.organizationSlug ?? ref.org));
    const body: Record<string, unknown> = {};
    if (args.status) body.status = args.status;
    if (args.status && args.inRelease) body.statusDetails = { inRelease: args.inRelease };
    if (args.assignedTo !== undefined) body.assignedTo = args.assignedTo === "" ? null : args.assignedTo;
    const issue = (await ctx.api.send<ApiIssue>("PUT", `/api/0/organizations/${org}/issues/${encodeURIComponent(ref.id)}/`, body)).body;
    if (args.reason?.trim()) await ctx.api.send("POST", `/api/0/organizations/${org}/issues/${issue.id}/comments/`, { text: args.reason.trim() });
    const how = issue.statusDetails.inRelease ? ` in release \`${String(issue.statusDetails.inRelease)}\`` : issue.statusDetails.inNextRelease ? " in the next release" : "";
    const who = issue.assignedTo ? `assigned to ${issue.assignedTo.type === "team" ? "#" : ""}${issue.assignedTo.name}` : "unassigned";
    return `[${issue.shortId}](${ctx.link(`/issues/${issue.id}/`)}) ${issue.title} is now **${issue.status}**${how}, ${who}.` +
      (args.status === "resolved" || args.status === "resolvedInNextRelease" ? " LightTrace reopens it (a regression) if it happens again in a release the fix should be in." : "") +
      (args.reason?.trim() ? " The reason was added as a note." : "");
  },
});
