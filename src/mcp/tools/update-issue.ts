import { z } from "zod";
import type { ApiIssue } from "../../contract/index.ts";
import { ISSUE_REF_INPUT, parseIssueRef } from "../issue-ref.ts";
import { defineTool } from "../tool.ts";

/** `update_issue`: resolve (now, in a release, in the next release), ignore or reopen an issue. */
export const updateIssue = defineTool({
  name: "update_issue",
  title: "Update issue",
  description: "Change an issue's status: resolved, resolvedInNextRelease (reopens if it happens in a release after the current one: use it when the fix is merged but not deployed), " +
    "unresolved, or ignored; inRelease resolves in a given release. Needs a token with write scope.",
  input: {
    ...ISSUE_REF_INPUT,
    status: z.enum(["resolved", "resolvedInNextRelease", "unresolved", "ignored"]),
    inRelease: z.string().max(200).optional().describe('with status "resolved": the release that contains the fix ("latest" for the newest)'),
  },
  access: "write",
  async run(args, ctx) {
    const ref = parseIssueRef(args);
    const org = encodeURIComponent(await ctx.org(args.organizationSlug ?? ref.org));
    const body = args.inRelease ? { status: args.status, statusDetails: { inRelease: args.inRelease } } : { status: args.status };
    const issue = (await ctx.api.send<ApiIssue>("PUT", `/api/0/organizations/${org}/issues/${encodeURIComponent(ref.id)}/`, body)).body;
    const how = issue.statusDetails.inRelease ? ` in release \`${String(issue.statusDetails.inRelease)}\`` : issue.statusDetails.inNextRelease ? " in the next release" : "";
    return `[${issue.shortId}](${ctx.link(`/issues/${issue.id}/`)}) ${issue.title} is now **${issue.status}**${how}.` +
      (issue.status === "resolved" ? " LightTrace reopens it (a regression) if it happens again in a release the fix should be in." : "");
  },
});
