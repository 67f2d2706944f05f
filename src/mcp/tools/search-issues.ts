import { z } from "zod";
import type { ApiIssue } from "../../contract/index.ts";
import { table, when } from "../markdown.ts";
import { defineTool } from "../tool.ts";

/** `search_issues`: issues by Sentry's search syntax, no LLM needed. */
export const searchIssues = defineTool({
  name: "search_issues",
  title: "Search issues",
  description: "Search grouped issues with Sentry's search syntax (no AI needed): is:unresolved|resolved|ignored, level:error, release:api@1.2.0, environment:production, " +
    "any tag as key:value (quotes for spaces, !key:value to exclude, * wildcards), and free words matched in title and culprit. " +
    "Sort: date (last seen), new (first seen), freq (events), user (users affected), priority (triage order: new, regressed and spiking first).",
  input: {
    organizationSlug: z.string().max(100).optional().describe("organization slug (default: the installation's)"),
    query: z.string().max(2000).default("is:unresolved").describe('Sentry search syntax, e.g. "is:unresolved level:error release:web@2.0.0 checkout"'),
    sort: z.enum(["date", "new", "freq", "user", "priority"]).default("date"),
    projectSlugOrId: z.string().max(100).optional().describe("only this project"),
    limit: z.number().int().min(1).max(100).default(10),
  },
  access: "read",
  async run(args, ctx) {
    const org = await ctx.org(args.organizationSlug);
    const issues = (await ctx.api.get<ApiIssue[]>(`/api/0/organizations/${encodeURIComponent(org)}/issues/`, {
      query: args.query, sort: args.sort, limit: args.limit, project: args.projectSlugOrId,
    })).body;
    const head = `# Issues matching ${"`"}${args.query || "(everything)"}${"`"} (sort: ${args.sort})`;
    if (!issues.length) return `${head}\n\nNo issues match.`;
    const rows = issues.map((i) => [
      `[${i.shortId}](${ctx.link(`/issues/${i.id}/`)})`, `${i.title}${i.culprit ? ` — ${i.culprit}` : ""}`, i.count, i.userCount,
      when(i.lastSeen), `${i.status}${i.substatus && i.status === "unresolved" ? ` (${i.substatus})` : ""}${i.isSpiking ? ", spiking" : ""}`, i.firstRelease?.version ?? null,
    ]);
    return [head, "", table(["issue", "title", "events", "users", "last seen", "status", "first release"], rows), "",
      `Details: get_issue_details with issueId (e.g. ${issues[0]!.shortId}).`].join("\n");
  },
});
