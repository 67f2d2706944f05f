import type { ApiBreadcrumb, ApiEntry, ApiEvent, ApiEventSummary, ApiExceptionValue, ApiFrame, ApiSimpleEvent, ApiStacktrace } from "../../contract/index.ts";
import type { Breadcrumb, ExceptionValue, Frame, NormalizedEvent, Stacktrace } from "../../events/types.ts";
import { toIsoString } from "../../events/timestamps.ts";
import { frameSymbolicationErrors } from "../../sourcemaps/frame-errors.ts";
import type { StoredEvent } from "../../store/types.ts";

/** What an event's serialized form takes from its issue and its neighbours. */
export interface EventExtras {
  title: string;
  culprit: string;
  previousEventID?: string | null;
  nextEventID?: string | null;
}

/** An event in Sentry's event-detail shape, its interfaces as `entries`. */
export function serializeEvent(stored: StoredEvent, extras: EventExtras): ApiEvent {
  const ev = stored.event;
  return {
    ...serializeEventSummary(stored, extras),
    entries: serializeEntries(ev),
    contexts: ev.contexts ?? {},
    context: ev.extra ?? {},
    packages: ev.modules ?? {},
  };
}

/** An event without its interfaces (the event list without `full=true`). */
export function serializeEventSummary(stored: StoredEvent, extras: EventExtras): ApiEventSummary {
  const ev = stored.event;
  return {
    id: stored.eventId,
    eventID: stored.eventId,
    groupID: String(stored.issueId),
    projectID: String(stored.projectId),
    dateCreated: toIsoString(stored.timestampSec),
    dateReceived: toIsoString(stored.receivedAtSec),
    title: extras.title,
    culprit: extras.culprit,
    location: extras.culprit,
    message: ev.logentry?.formatted ?? ev.logentry?.message ?? "",
    platform: ev.platform,
    type: ev.type,
    level: ev.level,
    logger: ev.logger ?? null,
    transaction: ev.transaction ?? null,
    environment: ev.environment,
    release: ev.release ? { version: ev.release } : null,
    dist: ev.dist ?? null,
    tags: ev.tags.map(([key, value]) => ({ key, value })),
    user: ev.user ? { ...ev.user, ip_address: ev.user.ip_address ?? null, data: ev.user.data ?? null } : null,
    sdk: ev.sdk ? { name: ev.sdk.name ?? null, version: ev.sdk.version ?? null } : null,
    fingerprints: ev.fingerprint ?? [],
    errors: ev.errors ?? [],
    metadata: {},
    crashFile: null,
    size: 0,
    _meta: {},
    previousEventID: extras.previousEventID ?? null,
    nextEventID: extras.nextEventID ?? null,
  };
}

/** Sentry's simple event (a project's event list): who, what, when and the tags, without interfaces. */
export function serializeSimpleEvent(stored: StoredEvent, extras: { title: string; culprit: string }): ApiSimpleEvent {
  const ev = stored.event;
  const u = ev.user;
  const str = (v: unknown) => (typeof v === "string" && v !== "" ? v : null);
  return {
    id: stored.eventId,
    "event.type": ev.type,
    groupID: String(stored.issueId),
    eventID: stored.eventId,
    projectID: String(stored.projectId),
    message: ev.logentry?.formatted ?? ev.logentry?.message ?? "",
    title: extras.title,
    location: extras.culprit,
    culprit: extras.culprit,
    user: u ? { id: str(u.id), email: str(u.email), username: str(u.username), ip_address: str(u.ip_address), name: str(u.name) } : null,
    tags: ev.tags.map(([key, value]) => ({ key, value })),
    platform: ev.platform,
    dateCreated: toIsoString(stored.timestampSec),
    release: ev.release ?? null,
    crashFile: null,
  };
}

/** The event's interfaces as Sentry's `entries` list, in Sentry's display order. */
export function serializeEntries(ev: NormalizedEvent): ApiEntry[] {
  const entries: ApiEntry[] = [];
  if (ev.exception) {
    const values = ev.exception.values.map(_exception);
    entries.push({ type: "exception", data: { values, excOmitted: null, hasSystemFrames: values.some((v) => v.stacktrace?.hasSystemFrames === true) } });
  }
  if (ev.logentry && !ev.exception) {
    entries.push({ type: "message", data: { formatted: ev.logentry.formatted ?? ev.logentry.message ?? "", message: ev.logentry.message ?? null, params: ev.logentry.params ?? null } });
  }
  if (ev.stacktrace) entries.push({ type: "stacktrace", data: _stacktrace(ev.stacktrace) });
  if (ev.threads) {
    entries.push({
      type: "threads",
      data: { values: ev.threads.values.map((t) => ({ ...t, stacktrace: t.stacktrace ? _stacktrace(t.stacktrace as Stacktrace) : null })) },
    });
  }
  if (ev.breadcrumbs) entries.push({ type: "breadcrumbs", data: { values: ev.breadcrumbs.values.map(_breadcrumb) } });
  if (ev.request) {
    const r = ev.request;
    entries.push({
      type: "request",
      data: {
        url: r.url ?? null, method: r.method ?? null, query: r.query_string ?? [], fragment: r.fragment ?? null, data: r.data ?? null,
        headers: r.headers ?? [], cookies: r.cookies ?? [], env: r.env ?? null,
        inferredContentType: r.headers?.find(([k]) => k.toLowerCase() === "content-type")?.[1] ?? null,
      },
    });
  }
  return entries;
}

/** Frames in Sentry's API field names, with numbered context lines. */
export function serializeFrame(f: Frame): ApiFrame {
  const context: [number, string][] = [];
  if (f.lineno !== undefined && f.context_line !== undefined) {
    const pre = f.pre_context ?? [];
    pre.forEach((line, i) => context.push([f.lineno! - pre.length + i, line]));
    context.push([f.lineno, f.context_line]);
    (f.post_context ?? []).forEach((line, i) => context.push([f.lineno! + 1 + i, line]));
  }
  return {
    filename: f.filename ?? null,
    absPath: f.abs_path ?? f.filename ?? null,
    module: f.module ?? null,
    package: f.package ?? null,
    platform: f.platform ?? null,
    function: f.function ?? null,
    rawFunction: f.raw_function ?? null,
    instructionAddr: f.instruction_addr ?? null,
    lineNo: f.lineno ?? null,
    colNo: f.colno ?? null,
    context,
    inApp: f.in_app === true,
    vars: f.vars ?? null,
    trust: null,
    // source maps (issue 5): how the frame was resolved, or why it was not
    data: f.data && typeof f.data === "object" ? (f.data as Record<string, unknown>) : null,
    // built by src/sourcemaps/frame-links.ts; anything else (not http(s)) is never a link
    sourceLink: typeof f.source_link === "string" && /^https?:\/\//i.test(f.source_link) ? f.source_link : null,
    errors: frameSymbolicationErrors(f),
  };
}

// --- Internal ---

function _stacktrace(st: Stacktrace): ApiStacktrace {
  const frames = st.frames.map(serializeFrame);
  return { frames, framesOmitted: null, registers: st.registers ?? null, hasSystemFrames: frames.some((f) => !f.inApp) };
}

function _exception(e: ExceptionValue): ApiExceptionValue {
  return {
    type: e.type ?? null,
    value: e.value ?? null,
    module: e.module ?? null,
    mechanism: e.mechanism ?? null,
    threadId: e.thread_id ?? null,
    rawStacktrace: e.raw_stacktrace ? _stacktrace(e.raw_stacktrace as Stacktrace) : null,
    stacktrace: e.stacktrace ? _stacktrace(e.stacktrace) : null,
  };
}

function _breadcrumb(b: Breadcrumb): ApiBreadcrumb {
  return {
    type: b.type ?? "default",
    category: b.category ?? null,
    level: b.level ?? "info",
    message: b.message ?? null,
    data: b.data ?? null,
    timestamp: b.timestamp !== undefined ? toIsoString(b.timestamp) : null,
    event_id: typeof b.event_id === "string" ? b.event_id : null,
  };
}
