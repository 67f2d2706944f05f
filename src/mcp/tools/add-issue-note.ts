import { z } from "zod";
import type { ApiActivity, ApiIssue } from "../../contract/index.ts";
import { ISSUE_REF_INPUT, parseIssueRef } from "../issue-ref.ts";
import { defineTool } from "../tool.ts";

/** `add_issue_note`: a note (Sentry's comment) on an issue, e.g. the lesson after a fix. */
export const addIssueNote = defineTool({
  name: "add_issue_note",
  title: "Add issue note",
  description: "Add a note to an issue (Sentry's comments): what was found, what broke, why the tests missed it, the test that now guards it. " +
    "Name the issue by issueId (4821 or MY-PROJECT-1A) or issueUrl. Needs a token with write scope.",
  input: {
    ...ISSUE_REF_INPUT,
    text: z.string().min(1).max(4096).describe("the note, Markdown allowed"),
  },
  access: "write",
  async run(args, ctx) {
    const ref = parseIssueRef(args);
    const org = encodeURIComponent(await ctx.org(args.organizationSlug ?? ref.org));
    const issue = (await ctx.api.get<ApiIssue>(`/api/0/organizations/${org}/issues/${encodeURIComponent(ref.id)}/`)).body;
    const note = (await ctx.api.send<ApiActivity>("POST", `/api/0/organizations/${org}/issues/${issue.id}/comments/`, { text: args.text })).body;
    return `Added note ${note.id} to [${issue.shortId}](${ctx.link(`/issues/${issue.id}/`)}) ${issue.title} (${issue.numComments + 1} note${issue.numComments ? "s" : ""} now).`;
  },
});
