import { parseTimestamp } from "../events/timestamps.ts";
import { isPlainObject, normalizeEventId, truncate } from "../events/values.ts";
import { InvalidInputError } from "../errors.ts";

/** One span as LightTrace keeps it: only what trace correlation needs, not a full APM record. */
export interface TraceSpan {
  traceId: string;
  spanId: string;
  parentSpanId: string | null;
  op: string | null;
  description: string | null;
  status: string | null;
  /** seconds since epoch */
  startTimestamp: number;
  timestamp: number;
}

/**
 * A transaction (its root span first, flagged as the segment) or a batch of standalone spans.
 * Standalone spans carry no event id; a standalone span with `is_segment` plays the transaction.
 */
export interface TraceSegment {
  /** the transaction's event_id; null for standalone spans */
  eventId: string | null;
  transaction: string | null;
  release: string | null;
  environment: string | null;
  /** spans that are segment roots (a transaction's own span, or a standalone `is_segment` span) */
  segmentSpanIds: string[];
  spans: TraceSpan[];
}

/** Spans kept per transaction; the SDKs cap theirs at 1000 too. Extra spans are dropped, not the transaction. */
export const MAX_SPANS_PER_SEGMENT = 1000;

export class InvalidTraceItemError extends InvalidInputError {
  override name = "InvalidTraceItemError";
}

/**
 * A `transaction` item: its `contexts.trace` is the root span, `spans[]` the children.
 * Transactions without a valid trace id or times are refused (400), as Relay does.
 * @see https://develop.sentry.dev/sdk/data-model/event-payloads/transaction/
 */
export function parseTransactionItem(raw: unknown, clockDrift: number): TraceSegment {
  if (!isPlainObject(raw)) throw new InvalidTraceItemError("transaction item is not a JSON object");
  const trace = isPlainObject(raw.contexts) && isPlainObject(raw.contexts.trace) ? raw.contexts.trace : undefined;
  if (!trace) throw new InvalidTraceItemError("transaction has no contexts.trace");
  const traceId = _hexId(trace.trace_id, 32);
  const spanId = _hexId(trace.span_id, 16);
  if (!traceId) throw new InvalidTraceItemError("transaction contexts.trace.trace_id is not 32 hex characters");
  if (!spanId) throw new InvalidTraceItemError("transaction contexts.trace.span_id is not 16 hex characters");
  const start = parseTimestamp(raw.start_timestamp);
  const end = parseTimestamp(raw.timestamp);
  if (start === undefined || end === undefined) throw new InvalidTraceItemError("transaction needs start_timestamp and timestamp");
  const eventId = normalizeEventId(raw.event_id);
  if (!eventId) throw new InvalidTraceItemError("transaction event_id is not a UUID");
  const transaction = _text(raw.transaction, 200);
  const root: TraceSpan = {
    traceId, spanId, parentSpanId: _hexId(trace.parent_span_id, 16) ?? null,
    op: _text(trace.op, 100), description: transaction, status: _text(trace.status, 50),
    startTimestamp: start + clockDrift, timestamp: Math.max(start, end) + clockDrift,
  };
  const spans = [root];
  if (Array.isArray(raw.spans)) {
    for (const s of raw.spans) {
      if (spans.length > MAX_SPANS_PER_SEGMENT) break;
      const span = _v1Span(s, traceId, clockDrift);
      if (span) spans.push(span);
    }
  }
  return {
    eventId, transaction, release: _text(raw.release, 200), environment: _text(raw.environment, 64),
    segmentSpanIds: [spanId], spans,
  };
}

/**
 * A standalone `span` item: either one span in the v1 JSON shape, or the v2 container
 * (`application/vnd.sentry.items.span.v2+json`: `{version: 2, items: [...]}` with typed attributes)
 * that current JavaScript SDKs stream.
 */
export function parseSpanItem(raw: unknown, clockDrift: number): TraceSegment {
  if (!isPlainObject(raw)) throw new InvalidTraceItemError("span item is not a JSON object");
  const items = Array.isArray(raw.items) ? raw.items : [raw];
  const segment: TraceSegment = { eventId: null, transaction: null, release: null, environment: null, segmentSpanIds: [], spans: [] };
  for (const item of items.slice(0, MAX_SPANS_PER_SEGMENT)) {
    if (!isPlainObject(item)) continue;
    const attrs = isPlainObject(item.attributes) ? item.attributes : {};
    const attr = (key: string) => (isPlainObject(attrs[key]) ? (attrs[key] as Record<string, unknown>).value : attrs[key]);
    const span = _v1Span({
      ...item,
      op: item.op ?? attr("sentry.op"),
      description: item.description ?? item.name,
      timestamp: item.timestamp ?? item.end_timestamp,
    }, undefined, clockDrift);
    if (!span) continue;
    segment.spans.push(span);
    if (item.is_segment === true) {
      segment.segmentSpanIds.push(span.spanId);
      segment.transaction ??= _text(attr("sentry.segment.name") ?? item.name, 200);
    }
    segment.release ??= _text(attr("sentry.release"), 200);
    segment.environment ??= _text(attr("sentry.environment"), 64);
  }
  if (segment.spans.length === 0) throw new InvalidTraceItemError("span item holds no span with trace_id, span_id and times");
  return segment;
}

// --- Internal ---

function _v1Span(raw: unknown, traceIdOfTransaction: string | undefined, clockDrift: number): TraceSpan | undefined {
  if (!isPlainObject(raw)) return undefined;
  const spanId = _hexId(raw.span_id, 16);
  const traceId = _hexId(raw.trace_id, 32) ?? traceIdOfTransaction;
  const start = parseTimestamp(raw.start_timestamp);
  if (!spanId || !traceId || start === undefined) return undefined;
  const end = parseTimestamp(raw.timestamp) ?? start;
  return {
    traceId, spanId, parentSpanId: _hexId(raw.parent_span_id, 16) ?? null,
    op: _text(raw.op, 100), description: _text(raw.description, 500), status: _text(raw.status, 50),
    startTimestamp: start + clockDrift, timestamp: Math.max(start, end) + clockDrift,
  };
}

function _hexId(value: unknown, length: 16 | 32): string | undefined {
  if (typeof value !== "string") return undefined;
  const id = value.replace(/-/g, "").toLowerCase();
  return id.length === length && /^[0-9a-f]+$/.test(id) ? id : undefined;
}

function _text(value: unknown, max: number): string | null {
  return typeof value === "string" && value.length > 0 ? truncate(value, max) : null;
}
