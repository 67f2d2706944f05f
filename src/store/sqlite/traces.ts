import type { TraceSegment } from "../../traces/parse-trace-items.ts";
import { decodeEventData } from "../event-codec.ts";
import type { SqliteDatabase } from "./sqlite-binding.ts";
import { MAX_TRACE_SPANS, MAX_TRACE_ERRORS, type StoredTraceSpan, type StoredTraceError, type StoredTrace } from "../model/traces.ts";

/**
 * The write side of traces, run inside the ingest writer's transaction: one row per span, the
 * transaction's own span flagged as the segment. Resent transactions (same project and
 * event_id) are skipped. Retention: once the table grows past `maxStoredSpans` plus a slack
 * of a tenth, the oldest rows go, so the cost is amortised over many commits; with `maxAgeDays`
 * (the events' age limit) spans received before then go too, checked at most once a minute.
 */
export function createTraceWriter(db: SqliteDatabase, opts: { maxStoredSpans: number; maxAgeDays?: number }) {
  const stmt = {
    transactionExists: db.prepare("SELECT 1 FROM trace_spans WHERE project_id = ? AND segment_event_id = ? AND is_segment = 1").pluck(),
    insertSpan: db.prepare(`INSERT INTO trace_spans (project_id, trace_id, span_id, parent_span_id, segment_event_id, is_segment,
        transaction_name, op, description, status, start_timestamp, timestamp, release, environment, received_at)
      VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`),
    countSpans: db.prepare("SELECT count(*) FROM trace_spans").pluck(),
    evictOldest: db.prepare("DELETE FROM trace_spans WHERE id <= (SELECT id FROM trace_spans ORDER BY id DESC LIMIT 1 OFFSET ?)"),
    // rows are inserted in receive order, so the expired ones are a prefix of the id order
    evictBefore: db.prepare(`DELETE FROM trace_spans WHERE id < coalesce((SELECT id FROM trace_spans WHERE received_at >= ? ORDER BY id LIMIT 1),
      (SELECT max(id) + 1 FROM trace_spans))`),
  };
  let nextAgeCheck = 0;
  const slack = Math.max(100, Math.floor(opts.maxStoredSpans / 10));
  let storedSpans: number | undefined; // counted lazily on the first write, then tracked

  return function writeTraceSegments(projectId: number, segments: TraceSegment[], receivedAtMs: number): void {
    storedSpans ??= stmt.countSpans.get() as number;
    const receivedAtSec = receivedAtMs / 1000;
    for (const seg of segments) {
      if (seg.eventId && stmt.transactionExists.get(projectId, seg.eventId)) continue;
      for (const span of seg.spans) {
        const isSegment = seg.segmentSpanIds.includes(span.spanId);
        // positional parameters: up to a thousand rows per transaction, no object per row
        stmt.insertSpan.run(projectId, span.traceId, span.spanId, span.parentSpanId, seg.eventId, isSegment ? 1 : 0,
          isSegment ? seg.transaction : null, span.op, span.description, span.status, span.startTimestamp, span.timestamp,
          isSegment ? seg.release : null, isSegment ? seg.environment : null, receivedAtSec);
      }
      storedSpans += seg.spans.length;
    }
    if (opts.maxAgeDays && receivedAtMs >= nextAgeCheck) {
      nextAgeCheck = receivedAtMs + 60_000;
      const evicted = stmt.evictBefore.run(receivedAtSec - opts.maxAgeDays * 86_400).changes;
      storedSpans = Math.max(0, storedSpans - evicted);
    }
    if (storedSpans > opts.maxStoredSpans + slack) {
      stmt.evictOldest.run(opts.maxStoredSpans);
      storedSpans = opts.maxStoredSpans;
    }
  };
}

/** The read side: every span and error event of one trace, across all projects. */
export function createTraceQueries(db: SqliteDatabase) {
  const stmt = {
    spans: db.prepare(`SELECT s.*, p.slug AS project_slug FROM trace_spans s JOIN projects p ON p.id = s.project_id
      WHERE s.trace_id = ? ORDER BY s.start_timestamp, s.id LIMIT ?`),
    errors: db.prepare(`SELECT e.event_id, e.issue_id, e.project_id, e.title, e.level, e.timestamp, e.data,
        p.slug AS project_slug, i.short_id
      FROM events e JOIN projects p ON p.id = e.project_id JOIN issues i ON i.id = e.issue_id
      WHERE e.trace_id = ? ORDER BY e.timestamp, e.id LIMIT ?`),
  };
  return {
    getTrace(traceId: string): StoredTrace {
      const spanRows = stmt.spans.all(traceId, MAX_TRACE_SPANS + 1) as Record<string, unknown>[];
      const errorRows = stmt.errors.all(traceId, MAX_TRACE_ERRORS) as Record<string, unknown>[];
      return {
        spans: spanRows.slice(0, MAX_TRACE_SPANS).map(_span),
        errors: errorRows.map(_error),
        truncated: spanRows.length > MAX_TRACE_SPANS,
      };
    },
  };
}

// --- Internal ---

function _span(row: Record<string, unknown>): StoredTraceSpan {
  return {
    projectId: Number(row.project_id),
    projectSlug: String(row.project_slug),
    traceId: String(row.trace_id),
    spanId: String(row.span_id),
    parentSpanId: (row.parent_span_id as string | null) ?? null,
    segmentEventId: (row.segment_event_id as string | null) ?? null,
    isSegment: row.is_segment === 1,
    transaction: (row.transaction_name as string | null) ?? null,
    op: (row.op as string | null) ?? null,
    description: (row.description as string | null) ?? null,
    status: (row.status as string | null) ?? null,
    startTimestamp: Number(row.start_timestamp),
    timestamp: Number(row.timestamp),
    release: (row.release as string | null) ?? null,
    environment: (row.environment as string | null) ?? null,
  };
}

function _error(row: Record<string, unknown>): StoredTraceError {
  let spanId: string | null = null;
  try {
    // the span id lives only in the event payload; a trace holds few errors, so decoding is cheap
    const event = JSON.parse(decodeEventData(row.data as Buffer | string)) as { contexts?: { trace?: { span_id?: unknown } } };
    const raw = event.contexts?.trace?.span_id;
    if (typeof raw === "string" && /^[0-9a-f]{16}$/i.test(raw)) spanId = raw.toLowerCase();
  } catch {
    // an unreadable payload still lists the error, as an orphan
  }
  return {
    eventId: String(row.event_id),
    issueId: Number(row.issue_id),
    issueShortId: Number(row.short_id),
    projectId: Number(row.project_id),
    projectSlug: String(row.project_slug),
    title: String(row.title),
    level: String(row.level),
    timestamp: Number(row.timestamp),
    spanId,
  };
}
