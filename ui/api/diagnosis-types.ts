/** API shapes of the trace view and Explain (src/traces/build-trace-tree.ts, src/explain/types.ts). */

export interface TraceError {
  event_id: string;
  issue_id: number;
  issue: string;
  title: string;
  level: string;
  span: string | null;
  project_slug: string;
  timestamp: number;
}

export interface TraceSpan {
  span_id: string;
  parent_span_id: string | null;
  op: string | null;
  description: string | null;
  status: string | null;
  start_timestamp: number;
  timestamp: number;
}

export interface TraceTransaction {
  event_id: string;
  span_id: string;
  parent_span_id: string | null;
  project_slug: string;
  transaction: string;
  "transaction.op": string | null;
  "transaction.status": string | null;
  "transaction.duration": number;
  start_timestamp: number;
  timestamp: number;
  release: string | null;
  environment: string | null;
  errors: TraceError[];
  spans: TraceSpan[];
  children: TraceTransaction[];
}

export interface TraceResponse { trace_id: string; transactions: TraceTransaction[]; orphan_errors: TraceError[]; truncated: boolean }

export interface ExplainFinding { kind: string; title: string; detail: string }

export interface ExplainResult {
  provider: "offline" | "llm";
  explanation: string;
  culprit: { filename: string | null; lineNo: number | null; function: string | null } | null;
  findings: ExplainFinding[];
  eventId: string;
  dateCreated: string;
  cached: boolean;
  model?: string;
  llmError?: string;
}

export interface ExplainPreview {
  llm: { enabled: boolean; model: string | null; endpoint: string | null; problem: string | null };
  prompt: { system: string; user: string } | null;
  cached: ExplainResult | null;
}
