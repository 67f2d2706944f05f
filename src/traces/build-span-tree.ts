import type { ApiTraceMeta, ApiTraceNode, ApiTraceNodeError } from "../contract/index.ts";
import type { StoredTrace, StoredTraceError, StoredTraceSpan } from "../store/model/traces.ts";

/**
 * The trace of `GET /organizations/{org}/trace/{trace_id}/` (pure): every span is a node nested
 * under its parent span, transactions included (`is_transaction`); errors sit on the span that
 * was active, and errors whose span is not stored are top-level entries of their own, as
 * Sentry's endpoint returns them. Roots and children are ordered by start time.
 */
export function buildSpanTree(stored: StoredTrace): (ApiTraceNode | ApiTraceNodeError)[] {
  const nodes = new Map<string, ApiTraceNode>();
  for (const s of stored.spans) if (!nodes.has(s.spanId)) nodes.set(s.spanId, _node(s));
  const roots: ApiTraceNode[] = [];
  for (const node of nodes.values()) {
    const parent = node.parent_span_id ? nodes.get(node.parent_span_id) : undefined;
    if (parent && parent !== node && !_isAncestor(node, parent, nodes)) parent.children.push(node);
    else roots.push(node);
  }
  const orphans: ApiTraceNodeError[] = [];
  for (const e of stored.errors) {
    const span = e.spanId ? nodes.get(e.spanId) : undefined;
    if (span) span.errors.push(_error(e));
    else orphans.push(_error(e));
  }
  const byStart = (a: { start_timestamp: number }, b: { start_timestamp: number }) => a.start_timestamp - b.start_timestamp;
  for (const node of nodes.values()) node.children.sort(byStart);
  roots.sort(byStart);
  return [...roots, ...orphans.sort(byStart)];
}

/** `GET /organizations/{org}/trace-meta/{trace_id}/`: counts of the trace (pure). */
export function buildTraceMeta(stored: StoredTrace): ApiTraceMeta {
  const spans = new Map<string, StoredTraceSpan>();
  for (const s of stored.spans) if (!spans.has(s.spanId)) spans.set(s.spanId, s);
  const byOp: Record<string, number> = {};
  const perTransaction = new Map<string, number>();
  const projects = new Set<number>();
  for (const s of spans.values()) {
    const op = s.op ?? "default";
    byOp[op] = (byOp[op] ?? 0) + 1;
    projects.add(s.projectId);
    if (s.segmentEventId) perTransaction.set(s.segmentEventId, (perTransaction.get(s.segmentEventId) ?? 0) + 1);
  }
  for (const e of stored.errors) projects.add(e.projectId);
  return {
    errors: stored.errors.length,
    performance_issues: 0,
    projects: projects.size,
    transactions: [...spans.values()].filter((s) => s.isSegment).length,
    transaction_child_count_map: [...perTransaction].map(([eventId, count]) => ({ "transaction.event_id": eventId, "count()": count })),
    span_count: spans.size,
    span_count_map: byOp,
    logs: 0,
  };
}

// --- Internal ---

function _node(s: StoredTraceSpan): ApiTraceNode {
  return {
    event_id: s.spanId,
    span_id: s.spanId,
    transaction_id: s.segmentEventId ?? "",
    parent_span_id: s.parentSpanId,
    project_id: s.projectId,
    project_slug: s.projectSlug,
    is_transaction: s.isSegment,
    event_type: "span",
    op: s.op,
    name: s.op,
    description: s.description,
    transaction: s.transaction,
    status: s.status,
    start_timestamp: s.startTimestamp,
    end_timestamp: s.timestamp,
    duration: Math.round((s.timestamp - s.startTimestamp) * 1e6) / 1e3,
    release: s.release,
    environment: s.environment,
    errors: [],
    occurrences: [],
    children: [],
  };
}

function _error(e: StoredTraceError): ApiTraceNodeError {
  return {
    event_id: e.eventId,
    issue_id: e.issueId,
    issue: `${e.projectSlug.toUpperCase()}-${e.issueShortId.toString(36).toUpperCase()}`,
    project_id: e.projectId,
    project_slug: e.projectSlug,
    title: e.title,
    level: e.level,
    span: e.spanId,
    start_timestamp: e.timestamp,
    timestamp: e.timestamp,
    event_type: "error",
  };
}

/** Whether `node` is an ancestor of `of` (guards against parent cycles in bad data). */
function _isAncestor(node: ApiTraceNode, of: ApiTraceNode, nodes: Map<string, ApiTraceNode>): boolean {
  const seen = new Set<string>();
  for (let cur: ApiTraceNode | undefined = of; cur && !seen.has(cur.span_id); cur = cur.parent_span_id ? nodes.get(cur.parent_span_id) : undefined) {
    if (cur === node) return true;
    seen.add(cur.span_id);
  }
  return false;
}
