import type { ApiTrace, ApiTraceError, ApiTraceTransaction } from "../../src/contract/index.ts";

/** One row of the span waterfall: a transaction or a span, indented by nesting. */
export interface WaterfallRow {
  key: string;
  kind: "transaction" | "span";
  depth: number;
  spanId: string;
  op: string | null;
  label: string;
  project: string;
  status: string | null;
  start: number;
  end: number;
  /** errors that happened while this span was active */
  errors: ApiTraceError[];
  /** the transaction's event id (transactions only) */
  eventId?: string;
}

export interface Waterfall { rows: WaterfallRow[]; start: number; end: number; errorCount: number; projects: string[] }

/**
 * Flattens the events-trace tree into waterfall rows, depth first: under each span come its
 * child spans and the transactions of other services it called (a browser fetch span → the
 * server transaction it caused), each level ordered by start time. Errors sit on the row of
 * the span that was active when they happened.
 */
export function buildWaterfall(trace: ApiTrace): Waterfall {
  const rows: WaterfallRow[] = [];
  const projects = new Set<string>();
  let errorCount = trace.orphan_errors.length;
  const visitTransaction = (tx: ApiTraceTransaction, depth: number) => {
    projects.add(tx.project_slug);
    errorCount += tx.errors.length;
    const errorsOf = (spanId: string) => tx.errors.filter((e) => e.span === spanId);
    const known = new Set([tx.span_id, ...tx.spans.map((s) => s.span_id)]);
    rows.push({
      key: `tx-${tx.event_id}`, kind: "transaction", depth, spanId: tx.span_id, op: tx["transaction.op"], label: tx.transaction,
      project: tx.project_slug, status: tx["transaction.status"], start: tx.start_timestamp, end: tx.timestamp,
      // errors on unknown spans of this transaction are shown on the transaction itself
      errors: tx.errors.filter((e) => e.span === tx.span_id || !e.span || !known.has(e.span)), eventId: tx.event_id,
    });
    const childrenOf = (parentId: string) => {
      const spans = tx.spans.filter((s) => s.parent_span_id === parentId || (parentId === tx.span_id && (!s.parent_span_id || !known.has(s.parent_span_id))));
      const txs = tx.children.filter((c) => c.parent_span_id === parentId || (parentId === tx.span_id && (!c.parent_span_id || !known.has(c.parent_span_id))));
      return [...spans.map((s) => ({ at: s.start_timestamp, span: s })), ...txs.map((c) => ({ at: c.start_timestamp, tx: c }))].sort((a, b) => a.at - b.at);
    };
    const visitChildren = (parentId: string, d: number, seen: Set<string>) => {
      for (const child of childrenOf(parentId)) {
        if ("tx" in child && child.tx) {
          visitTransaction(child.tx, d);
        } else if ("span" in child && child.span && !seen.has(child.span.span_id)) {
          const s = child.span;
          seen.add(s.span_id);
          rows.push({
            key: `span-${tx.event_id}-${s.span_id}`, kind: "span", depth: d, spanId: s.span_id, op: s.op, label: s.description ?? s.op ?? "span",
            project: tx.project_slug, status: s.status, start: s.start_timestamp, end: s.timestamp, errors: errorsOf(s.span_id),
          });
          visitChildren(s.span_id, d + 1, seen);
        }
      }
    };
    visitChildren(tx.span_id, depth + 1, new Set([tx.span_id]));
  };
  for (const tx of trace.transactions) visitTransaction(tx, 0);
  const starts = rows.map((r) => r.start).concat(trace.orphan_errors.map((e) => e.timestamp));
  const ends = rows.map((r) => r.end).concat(trace.orphan_errors.map((e) => e.timestamp));
  return { rows, start: starts.length ? Math.min(...starts) : 0, end: ends.length ? Math.max(...ends) : 0, errorCount, projects: [...projects] };
}

/** A span's bar as percentages of the trace's time range (at least a sliver, so instants show). */
export function barGeometry(row: { start: number; end: number }, range: { start: number; end: number }): { left: number; width: number } {
  const total = Math.max(range.end - range.start, 1e-6);
  const left = Math.min(100, Math.max(0, ((row.start - range.start) / total) * 100));
  const width = Math.max(0.3, Math.min(100 - left, ((row.end - row.start) / total) * 100));
  return { left, width };
}

/**
 * Where a bar's duration label goes: after the bar, or before it when the bar ends near the
 * right edge, or inside it when the bar spans nearly the whole track.
 */
export function durationLabelPlacement(bar: { left: number; width: number }): { inside: boolean; style: Record<string, string> } {
  const end = bar.left + bar.width;
  if (end <= 85) return { inside: false, style: { left: `${end}%` } };
  if (bar.left >= 15) return { inside: false, style: { right: `${100 - bar.left}%` } };
  return { inside: true, style: { right: `${100 - end}%` } };
}

/** "1.31 s", "131 ms", "0.4 ms" */
export function formatDuration(seconds: number): string {
  const ms = seconds * 1000;
  if (ms >= 1000) return `${(ms / 1000).toFixed(2)} s`;
  if (ms >= 10) return `${Math.round(ms)} ms`;
  return `${ms.toFixed(1)} ms`;
}
