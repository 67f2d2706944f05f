/** Shapes of an event after normalisation: one canonical form for every variant SDKs send. */

export type Level = "fatal" | "error" | "warning" | "info" | "debug";

export interface Frame {
  filename?: string;
  abs_path?: string;
  function?: string;
  raw_function?: string;
  module?: string;
  package?: string;
  platform?: string;
  lineno?: number;
  colno?: number;
  context_line?: string;
  pre_context?: string[];
  post_context?: string[];
  in_app?: boolean;
  vars?: Record<string, unknown>;
  instruction_addr?: string;
  [key: string]: unknown;
}

export interface Stacktrace {
  frames: Frame[];
  [key: string]: unknown;
}

export interface Mechanism {
  type: string;
  handled?: boolean;
  synthetic?: boolean;
  [key: string]: unknown;
}

export interface ExceptionValue {
  type?: string;
  value?: string;
  module?: string;
  mechanism?: Mechanism;
  stacktrace?: Stacktrace;
  [key: string]: unknown;
}

export interface Breadcrumb {
  timestamp?: number;
  type?: string;
  category?: string;
  level?: Level;
  message?: string;
  data?: Record<string, unknown>;
  [key: string]: unknown;
}

export interface LogEntry {
  message?: string;
  formatted?: string;
  params?: unknown;
}

export interface EventUser {
  id?: string;
  email?: string;
  username?: string;
  ip_address?: string;
  name?: string;
  [key: string]: unknown;
}

export interface EventRequest {
  url?: string;
  method?: string;
  headers?: [string, string][];
  query_string?: [string, string][];
  cookies?: [string, string][];
  data?: unknown;
  env?: Record<string, unknown>;
  fragment?: string;
  [key: string]: unknown;
}

export interface ProcessingError {
  type: string;
  name?: string;
  value?: unknown;
}

/** An event in canonical form: what is stored and what grouping, titles and the API read. */
export interface NormalizedEvent {
  event_id: string;
  /** seconds since epoch, after clock-drift correction and clamping */
  timestamp: number;
  /** seconds since epoch when the server received it */
  received: number;
  type: "error" | "default";
  platform: string;
  level: Level;
  logger?: string;
  transaction?: string;
  server_name?: string;
  release?: string;
  dist?: string;
  environment: string;
  logentry?: LogEntry;
  exception?: { values: ExceptionValue[] };
  /** top-level stack trace (message events, `attachStacktrace`) */
  stacktrace?: Stacktrace;
  threads?: { values: Record<string, unknown>[] };
  breadcrumbs?: { values: Breadcrumb[] };
  user?: EventUser;
  request?: EventRequest;
  contexts?: Record<string, Record<string, unknown>>;
  /** tag pairs, in the order they were set; keys unique */
  tags: [string, string][];
  extra?: Record<string, unknown>;
  fingerprint?: string[];
  modules?: Record<string, string>;
  sdk?: { name?: string; version?: string; [key: string]: unknown };
  debug_meta?: Record<string, unknown>;
  errors?: ProcessingError[];
  [key: string]: unknown;
}
