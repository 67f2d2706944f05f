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

/** One row of `GET /organizations/{org}/events/` (Discover): the fields asked for, by Sentry's field names. */
export interface ApiEventSearchRow {
  id: string;
  title: string;
  project: string;
  "project.id": number;
  timestamp: string;
  level: string;
  release: string | null;
  environment: string | null;
  /** the issue's short id */
  issue: string | null;
  "issue.id": number;
  trace: string | null;
  /** the user tag: `id:42`, `email:…`, `ip:…` */
  user: string | null;
}

/** `GET /organizations/{org}/events/`: rows with the fields asked for, and each field's type. */
export interface ApiEventSearch {
  data: Partial<ApiEventSearchRow>[];
  meta: { fields: Record<string, string> };
}
