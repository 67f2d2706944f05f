/** Wire types of events: Sentry's event detail with its `entries` (exception, message, request…). */

/** `GET /issues/{id}/events/{eventId|latest|oldest|recommended}/` and `/projects/{org}/{project}/events/{id}/`. */
export interface ApiEvent extends ApiEventSummary {
  entries: ApiEntry[];
  contexts: Record<string, Record<string, unknown>>;
  context: Record<string, unknown>;
  packages: Record<string, string>;
}

/** `GET /issues/{id}/events/` without `full=true`: an event without its interfaces. */
export interface ApiEventSummary {
  id: string;
  eventID: string;
  groupID: string;
  projectID: string;
  dateCreated: string;
  dateReceived: string;
  title: string;
  culprit: string;
  location: string;
  message: string;
  platform: string;
  type: string;
  level: string;
  logger: string | null;
  transaction: string | null;
  environment: string;
  release: { version: string } | null;
  dist: string | null;
  tags: { key: string; value: string }[];
  user: ApiEventUser | null;
  sdk: { name: string | null; version: string | null } | null;
  fingerprints: string[];
  errors: { type: string; name?: string; value?: unknown }[];
  metadata: Record<string, never>;
  crashFile: null;
  size: number;
  _meta: Record<string, never>;
  previousEventID: string | null;
  nextEventID: string | null;
}

/**
 * `GET /projects/{org}/{project}/events/` (sentry-cli `events list`): Sentry's simple event, plus
 * the release as a plain string.
 */
export interface ApiSimpleEvent {
  id: string;
  "event.type": string;
  groupID: string;
  eventID: string;
  projectID: string;
  message: string;
  title: string;
  location: string;
  culprit: string;
  user: { id: string | null; email: string | null; username: string | null; ip_address: string | null; name: string | null } | null;
  tags: { key: string; value: string }[];
  platform: string;
  dateCreated: string;
  release: string | null;
  crashFile: null;
}

export interface ApiEventUser {
  id?: string;
  email?: string;
  username?: string;
  name?: string;
  ip_address: string | null;
  data: unknown;
  [key: string]: unknown;
}

export type ApiEntry =
  | { type: "exception"; data: { values: ApiExceptionValue[]; excOmitted: null; hasSystemFrames: boolean } }
  | { type: "message"; data: { formatted: string; message: string | null; params: unknown } }
  | { type: "stacktrace"; data: ApiStacktrace }
  | { type: "threads"; data: { values: ApiThread[] } }
  | { type: "breadcrumbs"; data: { values: ApiBreadcrumb[] } }
  | { type: "request"; data: ApiRequestData };

export interface ApiThread {
  stacktrace: ApiStacktrace | null;
  [key: string]: unknown;
}

export interface ApiExceptionValue {
  type: string | null;
  value: string | null;
  module: string | null;
  mechanism: { type: string; handled?: boolean; synthetic?: boolean; [key: string]: unknown } | null;
  threadId: unknown;
  /** the minified frames, when source maps resolved `stacktrace` */
  rawStacktrace: ApiStacktrace | null;
  stacktrace: ApiStacktrace | null;
}

export interface ApiStacktrace {
  frames: ApiFrame[];
  framesOmitted: null;
  registers: unknown;
  hasSystemFrames: boolean;
}

export interface ApiFrame {
  filename: string | null;
  absPath: string | null;
  module: string | null;
  package: string | null;
  platform: string | null;
  function: string | null;
  rawFunction: string | null;
  instructionAddr: string | null;
  lineNo: number | null;
  colNo: number | null;
  /** `[line number, source line]`, the crash line among its neighbours */
  context: [number, string][];
  inApp: boolean;
  vars: Record<string, unknown> | null;
  trust: null;
  /** source maps: how the frame was resolved (`resolved_with`, `sourcemap`, …) */
  data: Record<string, unknown> | null;
  /** …/blob/<commit>/<path>#L<line>, from the project's source-link settings */
  sourceLink: string | null;
  /** why a JavaScript frame kept its minified location */
  errors: { type: string; message: string }[] | null;
}

export interface ApiBreadcrumb {
  type: string;
  category: string | null;
  level: string;
  message: string | null;
  data: Record<string, unknown> | null;
  timestamp: string | null;
  event_id: string | null;
}

export interface ApiRequestData {
  url: string | null;
  method: string | null;
  query: [string, string][] | string;
  fragment: string | null;
  data: unknown;
  headers: [string, string][];
  cookies: [string, string][] | string;
  env: Record<string, unknown> | null;
  inferredContentType: string | null;
}

/**
 * `GET /organizations/{org}/events/` (Discover, errors dataset): one row per event, or per group
 * with aggregates, keyed by the field names asked for (`issue`, `title`, `count()`…).
 */
export interface ApiEventSearch {
  data: Record<string, ApiDiscoverValue>[];
  meta: {
    /** each field's type: string, integer, number, date, boolean, array */
    fields: Record<string, string>;
    units: Record<string, null>;
    dataset: "errors";
    isMetricsData: false;
    isMetricsExtractedData: false;
    datasetReason: "unchanged";
    tips: { query: null; columns: null };
    /** "partial" when the answer was computed from the most recent events only (a bound on payload scans) */
    dataScanned: "full" | "partial";
  };
}

export type ApiDiscoverValue = string | number | boolean | null | (string | number | boolean)[];

/** One checked part of an events query (`GET …/events/validate/`). */
export interface ApiValidationItem {
  valid: boolean;
  error: string | null;
}

export interface ApiNamedValidationItem extends ApiValidationItem {
  name: string;
}

export interface ApiFieldValidationItem extends ApiNamedValidationItem {
  attrType: "string" | "number" | "boolean" | null;
}

/** `GET /organizations/{org}/events/validate/`: whether an events query would run, part by part. */
export interface ApiEventsValidation {
  valid: boolean;
  projects: ApiValidationItem[];
  dataset: ApiNamedValidationItem[];
  environment: ApiValidationItem[];
  field: ApiFieldValidationItem[];
  query: ApiValidationItem & { fields: ApiFieldValidationItem[] };
  orderby: ApiFieldValidationItem[];
}
