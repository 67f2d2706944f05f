/**
 * `GET /organizations/{org}/events-trace/{trace_id}/`, in the field names of Sentry's endpoint.
 * Timestamps are seconds since the epoch (floats), as in the SDKs' payloads.
 */
export interface ApiTrace {
  trace_id: string;
  transactions: ApiTraceTransaction[];
  orphan_errors: ApiTraceError[];
  /** true when the trace had more spans than one read returns */
  truncated: boolean;
}

/** An error of the trace. */
export interface ApiTraceError {
  event_id: string;
  issue_id: number;
  issue: string;
  title: string;
  level: string;
  /** the span that was active when the error happened */
  span: string | null;
  project_id: number;
  project_slug: string;
  timestamp: number;
  event_type: "error";
}

/** A child span of a transaction (LightTrace addition: what the waterfall draws). */
export interface ApiTraceSpan {
  span_id: string;
  parent_span_id: string | null;
  op: string | null;
  description: string | null;
  status: string | null;
  start_timestamp: number;
  timestamp: number;
}

/** A transaction of the trace with its child transactions. */
export interface ApiTraceTransaction {
  event_id: string;
  span_id: string;
  parent_span_id: string | null;
  parent_event_id: string | null;
  project_id: number;
  project_slug: string;
  transaction: string;
  "transaction.op": string | null;
  "transaction.status": string | null;
  /** milliseconds */
  "transaction.duration": number;
  start_timestamp: number;
  timestamp: number;
  /** depth in the tree: 0 for a root transaction */
  generation: number;
  release: string | null;
  environment: string | null;
  errors: ApiTraceError[];
  spans: ApiTraceSpan[];
  children: ApiTraceTransaction[];
}

/**
 * A span of `GET /organizations/{org}/trace/{trace_id}/` (Sentry's trace endpoint): spans nested
 * by parent span, with the errors that happened in them. Timestamps are epoch seconds, `duration`
 * milliseconds.
 */
export interface ApiTraceNode {
  event_id: string;
  span_id: string;
  /** the event id of the transaction the span belongs to ("" for a standalone span) */
  transaction_id: string;
  parent_span_id: string | null;
  project_id: number;
  project_slug: string;
  is_transaction: boolean;
  event_type: "span";
  op: string | null;
  name: string | null;
  description: string | null;
  transaction: string | null;
  status: string | null;
  start_timestamp: number;
  end_timestamp: number;
  duration: number;
  release: string | null;
  environment: string | null;
  errors: ApiTraceNodeError[];
  occurrences: [];
  children: ApiTraceNode[];
}

/** An error of the trace: on its span, or top-level when its span is not stored. */
export interface ApiTraceNodeError {
  event_id: string;
  issue_id: number;
  /** the issue's short id */
  issue: string;
  project_id: number;
  project_slug: string;
  title: string;
  level: string;
  span: string | null;
  start_timestamp: number;
  timestamp: number;
  event_type: "error";
}

/** `GET /organizations/{org}/trace-meta/{trace_id}/`: what a trace holds, counted. */
export interface ApiTraceMeta {
  errors: number;
  performance_issues: number;
  projects: number;
  transactions: number;
  transaction_child_count_map: { "transaction.event_id": string; "count()": number }[];
  span_count: number;
  span_count_map: Record<string, number>;
  logs: number;
}
