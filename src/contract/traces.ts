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
