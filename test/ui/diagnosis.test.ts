import { describe, expect, it } from "vitest";
import type { ApiTrace, ApiTraceTransaction } from "../../src/contract/index.ts";
import { parseInline, parseMarkdown } from "../../ui/lib/markdown.ts";
import { parseRoute, tracePath } from "../../ui/lib/routes.ts";
import { barGeometry, buildWaterfall, durationLabelPlacement, formatDuration } from "../../ui/lib/waterfall.ts";

function tx(over: Partial<ApiTraceTransaction>): ApiTraceTransaction {
  return {
    event_id: "e", span_id: "s", parent_span_id: null, parent_event_id: null, project_id: 1, project_slug: "p", generation: 0, transaction: "t", "transaction.op": "op", "transaction.status": "ok",
    "transaction.duration": 0, start_timestamp: 0, timestamp: 1, release: null, environment: null, errors: [], spans: [], children: [], ...over,
  };
}

describe("trace waterfall", () => {
  const server = tx({
    event_id: "srv", span_id: "srv0", parent_span_id: "fetch", project_slug: "api", transaction: "POST /pay", "transaction.op": "http.server",
    "transaction.status": "internal_error", start_timestamp: 10.3, timestamp: 10.6,
    spans: [{ span_id: "db", parent_span_id: "srv0", op: "db", description: "SELECT", status: "ok", start_timestamp: 10.35, timestamp: 10.4 }],
    errors: [
      { event_id: "err1", issue_id: 3, issue: "API-3", title: "TypeError: boom", level: "error", span: "db", project_id: 1, project_slug: "api", timestamp: 10.4, event_type: "error" },
      { event_id: "err2", issue_id: 4, issue: "API-4", title: "Error: lost", level: "error", span: "gone", project_id: 1, project_slug: "api", timestamp: 10.5, event_type: "error" },
    ],
  });
  const trace: ApiTrace = {
    trace_id: "t", truncated: false,
    orphan_errors: [{ event_id: "o", issue_id: 5, issue: "X-5", title: "orphan", level: "error", span: null, project_id: 1, project_slug: "x", timestamp: 12, event_type: "error" }],
    transactions: [tx({
      event_id: "pl", span_id: "pl0", project_slug: "web", transaction: "/checkout", "transaction.op": "pageload", start_timestamp: 10, timestamp: 11,
      spans: [
        { span_id: "paint", parent_span_id: "pl0", op: "paint", description: "fcp", status: "ok", start_timestamp: 10.8, timestamp: 10.8 },
        { span_id: "fetch", parent_span_id: "pl0", op: "http.client", description: "POST /pay", status: "error", start_timestamp: 10.2, timestamp: 10.7 },
      ],
      children: [server],
    })],
  };

  it("nests spans and the called service's transaction under the span that called it, by start time", () => {
    const w = buildWaterfall(trace);
    expect(w.rows.map((r) => [r.kind, r.label, r.depth, r.project])).toEqual([
      ["transaction", "/checkout", 0, "web"],
      ["span", "POST /pay", 1, "web"],
      ["transaction", "POST /pay", 2, "api"],
      ["span", "SELECT", 3, "api"],
      ["span", "fcp", 1, "web"],
    ]);
    expect(w.rows[3]!.errors.map((e) => e.event_id)).toEqual(["err1"]);
    // an error on a span that was not sent shows on its transaction
    expect(w.rows[2]!.errors.map((e) => e.event_id)).toEqual(["err2"]);
    expect(w).toMatchObject({ start: 10, end: 12, errorCount: 3, projects: ["web", "api"] });
  });

  it("places bars and labels within the track", () => {
    expect(barGeometry({ start: 10.5, end: 11 }, { start: 10, end: 12 })).toEqual({ left: 25, width: 25 });
    expect(barGeometry({ start: 11, end: 11 }, { start: 10, end: 12 }).width).toBe(0.3);
    expect(durationLabelPlacement({ left: 10, width: 20 })).toEqual({ inside: false, style: { left: "30%" } });
    expect(durationLabelPlacement({ left: 60, width: 38 })).toEqual({ inside: false, style: { right: "40%" } });
    expect(durationLabelPlacement({ left: 0, width: 100 })).toEqual({ inside: true, style: { right: "0%" } });
    expect([formatDuration(1.31), formatDuration(0.131), formatDuration(0.0004)]).toEqual(["1.31 s", "131 ms", "0.4 ms"]);
  });

  it("routes /traces/{id}/ and back", () => {
    const id = "0af7651916cd43dd8448eb211c80319c";
    expect(parseRoute(`/traces/${id}/`)).toEqual({ name: "trace", traceId: id });
    expect(parseRoute("/traces/nothex/")).toEqual({ name: "notFound", path: "/traces/nothex/" });
    expect(tracePath(id, "e1")).toBe(`/traces/${id}/?event=e1`);
  });
});

describe("markdown subset for Explain (rendered as elements, never HTML)", () => {
  it("parses headings, paragraphs, lists and fenced code", () => {
    const blocks = parseMarkdown("### What broke\n`x` was **undefined**.\nSecond line.\n\n- one\n- two\n1. first\n```\n<script>alert(1)</script>\n```");
    expect(blocks).toEqual([
      { type: "heading", level: 3, inline: [{ type: "text", text: "What broke" }] },
      { type: "paragraph", inline: [{ type: "code", text: "x" }, { type: "text", text: " was " }, { type: "strong", text: "undefined" }, { type: "text", text: ". Second line." }] },
      { type: "list", ordered: false, items: [[{ type: "text", text: "one" }], [{ type: "text", text: "two" }]] },
      { type: "list", ordered: true, items: [[{ type: "text", text: "first" }]] },
      { type: "code", text: "<script>alert(1)</script>" },
    ]);
  });

  it("keeps snake_case and arithmetic as text", () => {
    expect(parseInline("use user_id and a * b * c")).toEqual([{ type: "text", text: "use user_id and a * b * c" }]);
    expect(parseInline("_Offline analysis_ done")).toEqual([{ type: "em", text: "Offline analysis" }, { type: "text", text: " done" }]);
  });
});
