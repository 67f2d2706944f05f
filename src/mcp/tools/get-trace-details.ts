import { z } from "zod";
import type { ApiTrace, ApiTraceError, ApiTraceTransaction } from "../../contract/index.ts";
import { code } from "../markdown.ts";
import { defineTool } from "../tool.ts";

/** Transactions shown at most, depth first. */
const MAX_TRANSACTIONS = 40;

/** `get_trace_details`: one request across services, with its errors and slowest spans. */
export const getTraceDetails = defineTool({
  name: "get_trace_details",
  title: "Get trace details",
  description: "One distributed trace: its transactions as a tree across services (durations, status), the errors on each, and the slowest spans. " +
    "Take the trace id from get_issue_details (Trace) or search_events (trace column).",
  input: {
    organizationSlug: z.string().max(100).optional(),
    traceId: z.string().regex(/^[0-9a-fA-F-]{32,36}$/, "a 32-hex trace id").describe("32 hex characters"),
  },
  access: "read",
  async run(args, ctx) {
    const org = await ctx.org(args.organizationSlug);
    const trace = (await ctx.api.get<ApiTrace>(`/api/0/organizations/${encodeURIComponent(org)}/events-trace/${encodeURIComponent(args.traceId)}/`)).body;
    const out = [`# Trace ${code(trace.trace_id)}`, "", `[Open the trace view](${ctx.link(`/traces/${trace.trace_id}/`)})${trace.truncated ? " — the trace has more spans than were read" : ""}`, ""];
    const lines: string[] = [];
    const spans: { op: string; description: string; ms: number; transaction: string }[] = [];
    let errorCount = 0;
    const walk = (t: ApiTraceTransaction, depth: number) => {
      if (lines.length >= MAX_TRANSACTIONS) return;
      lines.push(`${"  ".repeat(depth)}- **${t.transaction}** (${t["transaction.op"] ?? "?"}, ${t.project_slug}) ${t["transaction.duration"].toFixed(0)} ms${t["transaction.status"] && t["transaction.status"] !== "ok" ? `, status ${t["transaction.status"]}` : ""}`);
      for (const e of t.errors) {
        errorCount++;
        lines.push(`${"  ".repeat(depth + 1)}- ⚠ ${_error(e, ctx.link)}`);
      }
      for (const s of t.spans) spans.push({ op: s.op ?? "?", description: s.description ?? "", ms: (s.timestamp - s.start_timestamp) * 1000, transaction: t.transaction });
      for (const c of t.children) walk(c, depth + 1);
    };
    for (const root of trace.transactions) walk(root, 0);
    if (lines.length) out.push("## Transactions", "", ...lines);
    if (trace.orphan_errors.length) {
      out.push("", "## Errors without a stored transaction", "");
      for (const e of trace.orphan_errors) out.push(`- ${_error(e, ctx.link)}`);
    }
    const slow = spans.sort((a, b) => b.ms - a.ms).slice(0, 8);
    if (slow.length) {
      out.push("", "## Slowest spans", "");
      for (const s of slow) out.push(`- ${s.ms.toFixed(0)} ms ${code(s.op)} ${s.description.slice(0, 120)} (in ${s.transaction})`);
    }
    out.push("", `${trace.transactions.length} root transaction${trace.transactions.length === 1 ? "" : "s"}, ${errorCount + trace.orphan_errors.length} error${errorCount + trace.orphan_errors.length === 1 ? "" : "s"}.`);
    return out.join("\n");
  },
});

// --- Internal ---

function _error(e: ApiTraceError, link: (path: string) => string): string {
  return `[${e.issue}](${link(`/issues/${e.issue_id}/`)}) ${e.title} (${e.level}, ${e.project_slug})`;
}
