import { computeCulprit } from "../../events/title.ts";
import type { ExceptionValue, Frame, NormalizedEvent } from "../../events/types.ts";
import type { EventColumn, EventSummary } from "../../store/model/event-search.ts";

/** A field's value: scalars, or a list for fields an event can have several of (exception types, frames). */
export type FieldValue = string | number | boolean | null | (string | number | boolean)[];

/** Discover's field types, as Sentry reports them in `meta.fields`. */
export type FieldType = "string" | "integer" | "number" | "date" | "boolean" | "array";

/**
 * A field of the errors dataset. `column` marks the ones the stored event columns answer (no
 * payload needed); `read` takes the value from a row and, for the others, its payload.
 */
export interface FieldSpec {
  name: string;
  type: FieldType;
  column?: EventColumn;
  read(row: EventSummary, event: NormalizedEvent | undefined): FieldValue;
}

/** A field Sentry knows for other datasets (spans, transactions, replays, profiles): named in a clear 400. */
export const OTHER_DATASET_PREFIXES = ["span.", "spans.", "measurements.", "transaction.duration", "transaction.op", "transaction.status", "profile.", "profiler.", "replay", "gen_ai.", "app_start", "mobile.", "performance."];

/**
 * The named fields of LightTrace's errors dataset, by Sentry's names. Anything else is a tag:
 * `tags[key]`, or a bare key that some issue has seen as a tag.
 */
export function knownField(name: string): FieldSpec | undefined {
  const spec = FIELDS[name];
  return spec ? { name, ...spec } : undefined;
}

/** The field of the tag `key` (the SDK's tags and the ones derived from contexts: browser.name, url…). */
export function tagField(name: string, key: string): FieldSpec {
  return { name, type: "string", read: (_row, ev) => ev?.tags.find(([k]) => k === key)?.[1] ?? null };
}

/** `tags[key]` → key; undefined for other names. */
export function explicitTagKey(name: string): string | undefined {
  return /^tags\[(.+)\]$/.exec(name)?.[1];
}

// --- Internal ---

type Spec = Omit<FieldSpec, "name">;

const col = (column: EventColumn, type: FieldType, read: FieldSpec["read"]): Spec => ({ type, column, read });
const payload = (type: FieldType, read: (ev: NormalizedEvent, row: EventSummary) => FieldValue): Spec => ({
  type, read: (row, ev) => (ev ? read(ev, row) : null),
});

function _exceptions(ev: NormalizedEvent): ExceptionValue[] {
  return ev.exception?.values ?? [];
}

function _frames(ev: NormalizedEvent): Frame[] {
  const frames = _exceptions(ev).flatMap((e) => e.stacktrace?.frames ?? []);
  return frames.length ? frames : (ev.stacktrace?.frames ?? []);
}

function _list<T extends string | number | boolean>(values: (T | undefined | null)[]): T[] {
  return values.filter((v): v is T => v !== undefined && v !== null);
}

function _message(ev: NormalizedEvent, row: EventSummary): string {
  return ev.logentry?.formatted ?? ev.logentry?.message ?? row.title;
}

function _str(v: unknown): string | null {
  return typeof v === "string" && v !== "" ? v : typeof v === "number" ? String(v) : null;
}

const FIELDS: Record<string, Spec> = {
  id: col("event_id", "string", (r) => r.eventId),
  title: col("title", "string", (r) => r.title),
  timestamp: col("timestamp", "date", (r) => r.timestampSec),
  project: col("project_id", "string", (r) => r.projectId),
  "project.id": col("project_id", "integer", (r) => r.projectId),
  "project.name": col("project_id", "string", (r) => r.projectId),
  issue: col("issue_id", "string", (r) => r.issueId),
  "issue.id": col("issue_id", "integer", (r) => r.issueId),
  level: col("level", "string", (r) => r.level),
  environment: col("environment", "string", (r) => r.environment),
  release: col("release", "string", (r) => r.release),
  trace: col("trace_id", "string", (r) => r.traceId),
  user: col("user_key", "string", (r) => r.userKey),
  message: payload("string", _message),
  culprit: payload("string", (ev) => computeCulprit(ev) || null),
  transaction: payload("string", (ev) => ev.transaction ?? null),
  platform: payload("string", (ev) => ev.platform),
  "event.type": payload("string", (ev) => ev.type),
  dist: payload("string", (ev) => ev.dist ?? null),
  logger: payload("string", (ev) => ev.logger ?? null),
  server_name: payload("string", (ev) => ev.server_name ?? null),
  "trace.span": payload("string", (ev) => _str(ev.contexts?.trace?.span_id)),
  "trace.parent_span": payload("string", (ev) => _str(ev.contexts?.trace?.parent_span_id)),
  "user.id": payload("string", (ev) => _str(ev.user?.id)),
  "user.email": payload("string", (ev) => _str(ev.user?.email)),
  "user.username": payload("string", (ev) => _str(ev.user?.username)),
  "user.ip": payload("string", (ev) => _str(ev.user?.ip_address)),
  "user.name": payload("string", (ev) => _str(ev.user?.name)),
  "user.display": payload("string", (ev) => _str(ev.user?.email) ?? _str(ev.user?.username) ?? _str(ev.user?.id) ?? _str(ev.user?.ip_address)),
  "sdk.name": payload("string", (ev) => ev.sdk?.name ?? null),
  "sdk.version": payload("string", (ev) => ev.sdk?.version ?? null),
  "http.method": payload("string", (ev) => ev.request?.method ?? null),
  "http.url": payload("string", (ev) => ev.request?.url ?? null),
  "error.type": payload("array", (ev) => _list(_exceptions(ev).map((e) => e.type))),
  "error.value": payload("array", (ev) => _list(_exceptions(ev).map((e) => e.value))),
  "error.mechanism": payload("array", (ev) => _list(_exceptions(ev).map((e) => e.mechanism?.type))),
  "error.handled": payload("array", (ev) => _list(_exceptions(ev).map((e) => e.mechanism?.handled ?? null))),
  "error.unhandled": payload("boolean", (ev) => _exceptions(ev).some((e) => e.mechanism?.handled === false)),
  "stack.filename": payload("array", (ev) => _list(_frames(ev).map((f) => f.filename))),
  "stack.abs_path": payload("array", (ev) => _list(_frames(ev).map((f) => f.abs_path))),
  "stack.function": payload("array", (ev) => _list(_frames(ev).map((f) => f.function))),
  "stack.module": payload("array", (ev) => _list(_frames(ev).map((f) => f.module))),
  "stack.package": payload("array", (ev) => _list(_frames(ev).map((f) => f.package))),
  "stack.lineno": payload("array", (ev) => _list(_frames(ev).map((f) => f.lineno))),
  "stack.in_app": payload("array", (ev) => _list(_frames(ev).map((f) => f.in_app))),
};
