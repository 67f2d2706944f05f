import { decodeEventData } from "../event-codec.ts";
import { MAX_TRACE_ERRORS, MAX_TRACE_SPANS, type StoredTrace, type StoredTraceError, type StoredTraceSpan } from "../model/traces.ts";
import type { WritePlan } from "../write-plan.ts";
import { pgStatement, type PgDb, type PgExecutor } from "./pg-db.ts";

/** Spans one eviction statement deletes at most; the next write continues when more are due. */
export const TRACE_EVICTION_BATCH = 20_000;

/**
 * The write side of traces on PostgreSQL, run inside the ingest writer's transaction: one row per
 * span, the transaction's own span flagged as the segment; a resent transaction (same project and
 * event_id) is skipped, also when two nodes receive it at once (a transaction advisory lock per
 * event id, taken in hash order, makes the second wait and then see the first).
 *
 * Caps as on SQLite (src/store/sqlite/traces.ts), without a per-process count (other nodes insert
 * too): max(id) − min(id) + 1 bounds the row count from above with two index probes; only when
 * that bound passes the cap plus a tenth of slack is the exact count checked (an index walk of
 * that many entries), and then the oldest rows go down to the cap. With `maxAgeDays`, spans
 * received before then go, checked at most once a minute per node. Deletes are bounded batches in
 * id order, run by one node at a time (try-lock); a node that finds the lock taken leaves it to
 * the holder, and a batch that was cut short is continued by the next write.
 */
export function createPgTraceWriter(opts: { maxStoredSpans: number; maxAgeDays?: number }) {
  const slack = Math.max(100, Math.floor(opts.maxStoredSpans / 10));
  let nextAgeCheckMs = 0;

  return async function writeTraces(tx: PgExecutor, parts: WritePlan["traces"]): Promise<void> {
    // 1. transactions already stored are skipped (the first copy wins, as an SDK retry must not duplicate spans)
    const transactions = parts.flatMap((p) => p.segments.flatMap((s) => (s.eventId ? [{ projectId: p.projectId, eventId: s.eventId }] : [])));
    const stored = new Set<string>();
    if (transactions.length) {
      const keys = transactions.map((t) => JSON.stringify(["trace", t.projectId, t.eventId]));
      await tx.run(`SELECT pg_advisory_xact_lock(k) FROM (SELECT DISTINCT hashtextextended(key, 0) AS k FROM unnest($1::text[]) AS key ORDER BY 1) AS keys`, [keys]);
      const found = await tx.rows<{ project_id: number; segment_event_id: string }>(`SELECT DISTINCT s.project_id, s.segment_event_id FROM trace_spans s
        JOIN unnest($1::bigint[], $2::text[]) AS k(project_id, event_id) ON s.project_id = k.project_id AND s.segment_event_id = k.event_id
        WHERE s.is_segment`, [transactions.map((t) => t.projectId), transactions.map((t) => t.eventId)]);
      for (const f of found) stored.add(`${f.project_id}:${f.segment_event_id}`);
    }
    // 2. every new span in one statement per few thousand rows
    const rows: unknown[][] = Array.from({ length: 15 }, () => []);
    for (const part of parts) {
      const receivedAtSec = part.receivedAtMs / 1000;
      for (const seg of part.segments) {
        if (seg.eventId && stored.has(`${part.projectId}:${seg.eventId}`)) continue;
        for (const span of seg.spans) {
          const isSegment = seg.segmentSpanIds.includes(span.spanId);
          const values = [part.projectId, span.traceId, span.spanId, span.parentSpanId, seg.eventId, isSegment, isSegment ? seg.transaction : null, span.op,
            span.description, span.status, span.startTimestamp, span.timestamp, isSegment ? seg.release : null, isSegment ? seg.environment : null, receivedAtSec];
          values.forEach((v, i) => rows[i]!.push(v));
        }
        // a copy of the same transaction later in this plan is a resend too (once it has its segment span)
        if (seg.eventId && seg.spans.some((s) => seg.segmentSpanIds.includes(s.spanId))) stored.add(`${part.projectId}:${seg.eventId}`);
      }
    }
    for (let start = 0; start < rows[0]!.length; start += _SPANS_PER_STATEMENT) {
      await tx.run(`INSERT INTO trace_spans (project_id, trace_id, span_id, parent_span_id, segment_event_id, is_segment, transaction_name, op, description,
          status, start_timestamp, timestamp, release, environment, received_at)
        SELECT * FROM unnest($1::bigint[], $2::text[], $3::text[], $4::text[], $5::text[], $6::boolean[], $7::text[], $8::text[], $9::text[], $10::text[],
          $11::float8[], $12::float8[], $13::text[], $14::text[], $15::float8[])`,
      rows.map((column) => column.slice(start, start + _SPANS_PER_STATEMENT)));
    }
    // 3. the caps
    const newestMs = Math.max(...parts.map((p) => p.receivedAtMs));
    if (opts.maxAgeDays && newestMs >= nextAgeCheckMs && (await _evictOlderThan(tx, newestMs / 1000 - opts.maxAgeDays * 86_400))) {
      nextAgeCheckMs = newestMs + 60_000;
    }
    await _evictOverCap(tx, opts.maxStoredSpans, slack);
  };
}

/** The read side: every span and error event of one trace, across all projects. */
export function createPgTraceQueries(db: PgDb) {
  const stmt = {
    spans: pgStatement("traces.spans", `SELECT s.*, p.slug AS project_slug FROM trace_spans s JOIN projects p ON p.id = s.project_id
      WHERE s.trace_id = $1 ORDER BY s.start_timestamp, s.id LIMIT $2`),
    errors: pgStatement("traces.errors", `SELECT e.event_id, e.issue_id, e.project_id, e.title, e.level, e.timestamp, e.data, p.slug AS project_slug, i.short_id
      FROM events e JOIN projects p ON p.id = e.project_id JOIN issues i ON i.id = e.issue_id
      WHERE e.trace_id = $1 ORDER BY e.timestamp, e.id LIMIT $2`),
  };
  return {
    async getTrace(traceId: string): Promise<StoredTrace> {
      const spanRows = await db.rows(stmt.spans, [traceId, MAX_TRACE_SPANS + 1]);
      const errorRows = await db.rows(stmt.errors, [traceId, MAX_TRACE_ERRORS]);
      return { spans: spanRows.slice(0, MAX_TRACE_SPANS).map(_span), errors: errorRows.map(_error), truncated: spanRows.length > MAX_TRACE_SPANS };
    },
  };
}

// --- Internal ---

/** 15 parameters per row: a few thousand rows stay well inside one statement. */
const _SPANS_PER_STATEMENT = 5_000;

const _TRY_EVICTION_LOCK = "SELECT pg_try_advisory_xact_lock(hashtextextended('lighttrace:trace-eviction', 0)) AS ok";

/**
 * Rows are inserted in receive order (nearly, across nodes), so the expired ones are the prefix of
 * the id order before the first row received since `cutoffSec`. True when nothing more is due.
 */
async function _evictOlderThan(tx: PgExecutor, cutoffSec: number): Promise<boolean> {
  const oldest = await tx.first<{ received_at: number }>("SELECT received_at FROM trace_spans ORDER BY id LIMIT 1");
  if (!oldest || oldest.received_at >= cutoffSec) return true;
  if (!(await tx.first<{ ok: boolean }>(_TRY_EVICTION_LOCK))?.ok) return false;
  const deleted = await tx.run(`DELETE FROM trace_spans WHERE id = ANY(ARRAY(SELECT id FROM trace_spans
      WHERE id < coalesce((SELECT id FROM trace_spans WHERE received_at >= $1 ORDER BY id LIMIT 1), (SELECT max(id) + 1 FROM trace_spans))
      ORDER BY id LIMIT $2))`, [cutoffSec, TRACE_EVICTION_BATCH]);
  return deleted < TRACE_EVICTION_BATCH;
}

/** Past the cap plus slack, the oldest rows go until the cap is left (a bounded batch per write). */
async function _evictOverCap(tx: PgExecutor, maxStoredSpans: number, slack: number): Promise<void> {
  const bound = await tx.first<{ upper: number | null }>("SELECT max(id) - min(id) + 1 AS upper FROM trace_spans");
  if (!bound?.upper || bound.upper <= maxStoredSpans + slack) return;
  const over = await tx.first("SELECT 1 FROM trace_spans ORDER BY id DESC OFFSET $1 LIMIT 1", [maxStoredSpans + slack]);
  if (!over || !(await tx.first<{ ok: boolean }>(_TRY_EVICTION_LOCK))?.ok) return;
  await tx.run(`DELETE FROM trace_spans WHERE id = ANY(ARRAY(SELECT id FROM trace_spans
      WHERE id <= (SELECT id FROM trace_spans ORDER BY id DESC OFFSET $1 LIMIT 1) ORDER BY id LIMIT $2))`, [maxStoredSpans, TRACE_EVICTION_BATCH]);
}

function _span(row: Record<string, unknown>): StoredTraceSpan {
  return {
    projectId: Number(row.project_id),
    projectSlug: String(row.project_slug),
    traceId: String(row.trace_id),
    spanId: String(row.span_id),
    parentSpanId: (row.parent_span_id as string | null) ?? null,
    segmentEventId: (row.segment_event_id as string | null) ?? null,
    isSegment: row.is_segment === true,
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
    const event = JSON.parse(decodeEventData(row.data as Buffer)) as { contexts?: { trace?: { span_id?: unknown } } };
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
