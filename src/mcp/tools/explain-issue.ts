import { z } from "zod";
import type { ApiExplainResult, ApiIssue } from "../../contract/index.ts";
import { ISSUE_REF_INPUT, parseIssueRef } from "../issue-ref.ts";
import { defineTool } from "../tool.ts";

/** `explain_issue`: LightTrace's Explain, offline rules or the configured model. */
export const explainIssue = defineTool({
  name: "explain_issue",
  title: "Explain issue",
  description: "Diagnose an issue's latest (or given) event: the crashing line, what the error means, breadcrumb patterns (double submits, races, upstream failures), " +
    "suspect commits, each finding with its evidence and confidence. Uses the model LightTrace is configured with, or its offline rules (no AI, nothing leaves the machine).",
  input: {
    ...ISSUE_REF_INPUT,
    eventId: z.string().max(40).optional(),
    provider: z.enum(["offline", "llm"]).optional().describe('"offline": the built-in rules even when a model is configured'),
    regenerate: z.boolean().optional().describe("ignore the cached explanation"),
  },
  access: "read",
  async run(args, ctx) {
    const ref = parseIssueRef(args);
    const org = encodeURIComponent(await ctx.org(args.organizationSlug ?? ref.org));
    const issue = (await ctx.api.get<ApiIssue>(`/api/0/organizations/${org}/issues/${encodeURIComponent(ref.id)}/`)).body;
    const body = { ...(args.eventId ? { eventId: args.eventId } : {}), ...(args.provider ? { provider: args.provider } : {}), ...(args.regenerate ? { regenerate: true } : {}) };
    const r = (await ctx.api.send<ApiExplainResult>("POST", `/api/0/issues/${issue.id}/explain/`, body)).body;
    const out = [`# Explain ${issue.shortId}: ${issue.title}`, "",
      `${r.provider === "llm" ? `Model ${r.model ?? ""}` : "Offline analysis (built-in rules)"}${r.cached ? ", cached" : ""} · event \`${r.eventId}\` · [issue](${ctx.link(`/issues/${issue.id}/`)})`];
    if (r.llmError) out.push("", `The model was not used: ${r.llmError}`);
    if (r.culprit) out.push("", `**Culprit**: \`${r.culprit.filename ?? "?"}${r.culprit.lineNo !== null ? `:${r.culprit.lineNo}` : ""}\`${r.culprit.function ? ` in \`${r.culprit.function}\`` : ""}`);
    out.push("", r.explanation);
    if (r.provider === "llm" && r.findings.length) {
      out.push("", "## What the built-in rules found", "");
      for (const f of r.findings) out.push(`- **${f.title}** (${f.confidence} confidence) — evidence: ${f.evidence}`);
    }
    return out.join("\n");
  },
});
