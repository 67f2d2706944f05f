import type { ApiTrace, ApiTraceError, ApiTraceSpan, ApiTraceTransaction } from "../contract/index.ts";
import type { StoredTrace, StoredTraceError, StoredTraceSpan } from "../store/model/traces.ts";

/** The trace tree without its id: `GET …/events-trace/{trace_id}/` adds `trace_id`. */
export type TraceTree = Omit<ApiTrace, "trace_id">;

/**
 * Builds the events-trace tree from a trace's stored spans and errors (pure).
 *
 * 1. Segments are the transactions' own spans and standalone `is_segment` spans; a standalone span
 *    whose ancestors reach no segment makes its topmost ancestor one, so nothing is dropped.
 * 2. Every other span belongs to its transaction (same event_id) or, if standalone, to the
 *    segment its parent chain reaches.
 * 3. A segment whose parent span lives in another segment is that segment's child: this is how
 *    the browser's fetch span becomes the parent of the server's transaction.
 * 4. An error goes to the segment owning its span; errors whose span is not stored are orphans.
 */
export function buildTraceTree(stored: StoredTrace): TraceTree {
  // standalone spans carry no event id to deduplicate on at ingest: an SDK's resend shows once here
  const bySpanId = new Map<string, StoredTraceSpan>();
  for (const s of stored.spans) if (!bySpanId.has(s.spanId)) bySpanId.set(s.spanId, s);
  const trace = { ...stored, spans: [...bySpanId.values()] };

  // 1-2. the owning segment of every span
  const segmentByEventId = new Map<string, StoredTraceSpan>();
  for (const s of trace.spans) if (s.isSegment && s.segmentEventId) segmentByEventId.set(`${s.projectId}:${s.segmentEventId}`, s);
  const owner = new Map<string, StoredTraceSpan>();
  const ownerOf = (span: StoredTraceSpan): StoredTraceSpan => {
    const known = owner.get(span.spanId);
    if (known) return known;
    let found: StoredTraceSpan | undefined;
    if (span.isSegment) found = span;
    else if (span.segmentEventId) found = segmentByEventId.get(`${span.projectId}:${span.segmentEventId}`);
    if (!found) {
      // standalone: walk up until a segment (bounded, and cycles stop it)
      let top = span;
      const seen = new Set([span.spanId]);
      for (let cur = span; ;) {
        const parent = cur.parentSpanId ? bySpanId.get(cur.parentSpanId) : undefined;
        if (!parent || seen.has(parent.spanId) || seen.size > 10_000) break;
        if (parent.isSegment || parent.segmentEventId) {
          found = ownerOf(parent);
          break;
        }
        seen.add(parent.spanId);
        top = cur = parent;
      }
      found ??= top;
    }
    owner.set(span.spanId, found);
    return found;
  };

  const nodes = new Map<StoredTraceSpan, ApiTraceTransaction>();
  const nodeOf = (segment: StoredTraceSpan): ApiTraceTransaction => {
    let node = nodes.get(segment);
    if (!node) {
      node = _transactionNode(segment);
      nodes.set(segment, node);
    }
    return node;
  };
  for (const s of trace.spans) {
    const seg = ownerOf(s);
    const node = nodeOf(seg);
    if (s !== seg) node.spans.push(_spanNode(s));
  }

  // 3. parent transactions
  const roots: ApiTraceTransaction[] = [];
  for (const [segment, node] of nodes) {
    const parentSpan = segment.parentSpanId ? bySpanId.get(segment.parentSpanId) : undefined;
    const parentNode = parentSpan ? nodes.get(ownerOf(parentSpan)) : undefined;
    if (parentNode && parentNode !== node && !_isDescendant(parentNode, node)) {
      node.parent_event_id = parentNode.event_id;
      parentNode.children.push(node);
    } else {
      roots.push(node);
    }
  }

  // 4. errors on their spans
  const orphans: ApiTraceError[] = [];
  for (const e of trace.errors) {
    const span = e.spanId ? bySpanId.get(e.spanId) : undefined;
    if (span) nodeOf(ownerOf(span)).errors.push(_errorNode(e));
    else orphans.push(_errorNode(e));
  }

  const byStart = (a: { start_timestamp: number }, b: { start_timestamp: number }) => a.start_timestamp - b.start_timestamp;
  const finish = (node: ApiTraceTransaction, generation: number) => {
    node.generation = generation;
    node.children.sort(byStart);
    for (const child of node.children) finish(child, generation + 1);
  };
  roots.sort(byStart);
  for (const root of roots) finish(root, 0);
  return { transactions: roots, orphan_errors: orphans, truncated: trace.truncated };
}

// --- Internal ---

function _transactionNode(s: StoredTraceSpan): ApiTraceTransaction {
  return {
    event_id: s.segmentEventId ?? s.spanId,
    span_id: s.spanId,
    parent_span_id: s.parentSpanId,
    parent_event_id: null,
    project_id: s.projectId,
    project_slug: s.projectSlug,
    transaction: s.transaction ?? s.description ?? s.op ?? "(unnamed)",
    "transaction.op": s.op,
    "transaction.status": s.status,
    "transaction.duration": Math.round((s.timestamp - s.startTimestamp) * 1000),
    start_timestamp: s.startTimestamp,
    timestamp: s.timestamp,
    generation: 0,
    release: s.release,
    environment: s.environment,
    errors: [],
    spans: [],
    children: [],
  };
}

function _spanNode(s: StoredTraceSpan): ApiTraceSpan {
  return {
    span_id: s.spanId, parent_span_id: s.parentSpanId, op: s.op, description: s.description, status: s.status,
    start_timestamp: s.startTimestamp, timestamp: s.timestamp,
  };
}

function _errorNode(e: StoredTraceError): ApiTraceError {
  return {
    event_id: e.eventId, issue_id: e.issueId, issue: `${e.projectSlug.toUpperCase()}-${e.issueShortId.toString(36).toUpperCase()}`,
    title: e.title, level: e.level, span: e.spanId, project_id: e.projectId, project_slug: e.projectSlug,
    timestamp: e.timestamp, event_type: "error",
  };
}

function _isDescendant(node: ApiTraceTransaction, of: ApiTraceTransaction): boolean {
  for (const child of of.children) if (child === node || _isDescendant(node, child)) return true;
  return false;
}
