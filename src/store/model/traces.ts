/** A stored span of a trace, with the project it came from. */
export interface StoredTraceSpan {
  projectId: number;
  projectSlug: string;
  traceId: string;
  spanId: string;
  parentSpanId: string | null;
  /** the transaction's event_id (null for standalone spans) */
  segmentEventId: string | null;
  /** a transaction's own span, or a standalone span flagged `is_segment` */
  isSegment: boolean;
  transaction: string | null;
  op: string | null;
  description: string | null;
  status: string | null;
  startTimestamp: number;
  timestamp: number;
  release: string | null;
  environment: string | null;
}

/** An error event of a trace: where it is (span), and which issue it belongs to. */
export interface StoredTraceError {
  eventId: string;
  issueId: number;
  issueShortId: number;
  projectId: number;
  projectSlug: string;
  title: string;
  level: string;
  timestamp: number;
  /** `contexts.trace.span_id` of the event: the span that was active when it happened */
  spanId: string | null;
}

export interface StoredTrace { spans: StoredTraceSpan[]; errors: StoredTraceError[]; truncated: boolean }

/** Reads bounded so one huge trace cannot stall the API. */
export const MAX_TRACE_SPANS = 10_000;
export const MAX_TRACE_ERRORS = 500;
