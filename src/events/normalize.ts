import type {
  Breadcrumb, EventRequest, EventUser, ExceptionValue, Frame, Level, LogEntry, NormalizedEvent, ProcessingError, Stacktrace,
} from "./types.ts";
import { computeClockDrift, MAX_SECONDS_IN_FUTURE, MAX_SECONDS_IN_PAST, parseTimestamp } from "./timestamps.ts";
import { isPlainObject, normalizeEventId, truncate } from "./values.ts";
import { InvalidInputError } from "../errors.ts";

/** What the ingest layer knows about an event besides its payload. */
export interface NormalizeContext {
  /** envelope header `event_id`; wins over the payload's (Sentry envelope spec) */
  envelopeEventId?: string;
  /** ms since epoch */
  receivedAtMs: number;
  /** envelope `sent_at`, seconds since epoch */
  sentAtSec?: number;
  /** the client's address, substituted for `{{auto}}` */
  clientIp?: string;
  /** mints an id when neither envelope nor payload has one (/store/) */
  newEventId: () => string;
}

export class InvalidEventError extends InvalidInputError {
  override name = "InvalidEventError";
}

/** Soft limits Sentry applies while normalising (chars / counts). */
export const LIMITS = {
  tagKey: 200,
  tagValue: 200,
  message: 8192,
  exceptionValue: 4096,
  maxFrames: 250,
  maxBreadcrumbs: 100,
  maxExceptions: 25,
  maxTags: 100,
} as const;

/**
 * Canonicalises every shape SDKs send (see docs/sentry-protocol.md §6): list-or-`{values}` exceptions and
 * breadcrumbs, tag objects or pairs, `message` vs `logentry`, float or ISO timestamps. Corrects
 * clock drift from `sent_at`, clamps impossible times, substitutes `{{auto}}` IPs. Unknown keys are
 * kept. Anything unusable is dropped and recorded in `errors[]`, never silently.
 */
export function normalizeEvent(raw: unknown, ctx: NormalizeContext): NormalizedEvent {
  if (!isPlainObject(raw)) throw new InvalidEventError("event payload must be a JSON object");
  const errors: ProcessingError[] = Array.isArray(raw.errors) ? (raw.errors.filter(isPlainObject) as unknown as ProcessingError[]) : [];
  const receivedSeconds = ctx.receivedAtMs / 1000;
  const drift = computeClockDrift(receivedSeconds, ctx.sentAtSec);

  // 1. identity and time
  const eventId = (ctx.envelopeEventId && normalizeEventId(ctx.envelopeEventId)) || normalizeEventId(raw.event_id) || ctx.newEventId();
  let timestamp = parseTimestamp(raw.timestamp);
  if (timestamp === undefined) {
    if (raw.timestamp !== undefined) errors.push({ type: "invalid_data", name: "timestamp", value: raw.timestamp });
    timestamp = receivedSeconds;
  } else {
    timestamp += drift;
    if (timestamp > receivedSeconds + MAX_SECONDS_IN_FUTURE) {
      errors.push({ type: "future_timestamp", name: "timestamp", value: raw.timestamp });
      timestamp = receivedSeconds;
    } else if (timestamp < receivedSeconds - MAX_SECONDS_IN_PAST) {
      errors.push({ type: "past_timestamp", name: "timestamp", value: raw.timestamp });
      timestamp = receivedSeconds;
    }
  }

  const event: NormalizedEvent = {
    ...raw,
    event_id: eventId,
    timestamp,
    received: receivedSeconds,
    type: "default",
    platform: _string(raw.platform, 64) ?? "other",
    level: normalizeLevel(raw.level),
    environment: _string(raw.environment, 64)?.trim() || "production",
    tags: normalizeTags(raw.tags, errors),
  };
  delete event.message;
  for (const key of ["logger", "transaction", "server_name", "dist"] as const) {
    const value = _string(raw[key], 200);
    if (value !== undefined) event[key] = value; else delete event[key];
  }
  const release = _string(raw.release, 250)?.trim();
  if (release && !/[\n\r\t/\\]/.test(release) && release !== "." && release !== "..") event.release = release;
  else {
    if (raw.release !== undefined && raw.release !== null) errors.push({ type: "invalid_data", name: "release", value: raw.release });
    delete event.release;
  }

  // 2. message forms
  const logentry = normalizeLogEntry(raw.logentry ?? raw.message);
  if (logentry) event.logentry = logentry; else delete event.logentry;

  // 3. exceptions; the JS SDK's captureMessage sends a synthetic, type-less exception: that is a message event
  const exceptions = _listOrValues(raw.exception).slice(-LIMITS.maxExceptions)
    .map(normalizeException)
    .filter((e): e is ExceptionValue => e !== undefined);
  const syntheticMessage = exceptions.length > 0 && logentry !== undefined && exceptions.every((e) => !e.type && e.mechanism?.synthetic);
  if (syntheticMessage) {
    const trace = exceptions[exceptions.length - 1]!.stacktrace;
    if (trace && !raw.stacktrace) event.stacktrace = trace;
    delete event.exception;
  } else if (exceptions.length > 0) {
    event.exception = { values: exceptions };
    event.type = "error";
  } else delete event.exception;
  if (raw.stacktrace !== undefined) {
    const trace = normalizeStacktrace(raw.stacktrace);
    if (trace) event.stacktrace = trace; else delete event.stacktrace;
  }
  if (raw.threads !== undefined) {
    const threads = _listOrValues(raw.threads).filter(isPlainObject).map((t) => {
      const trace = normalizeStacktrace(t.stacktrace);
      const copy: Record<string, unknown> = { ...t };
      if (trace) copy.stacktrace = trace; else delete copy.stacktrace;
      return copy;
    });
    if (threads.length) event.threads = { values: threads }; else delete event.threads;
  }

  // 4. context: breadcrumbs, user, request, contexts, extra, fingerprint
  const breadcrumbs = _listOrValues(raw.breadcrumbs).map((b) => normalizeBreadcrumb(b, drift)).filter((b): b is Breadcrumb => !!b);
  if (breadcrumbs.length) event.breadcrumbs = { values: breadcrumbs.slice(-LIMITS.maxBreadcrumbs) }; else delete event.breadcrumbs;
  const inferIp = isPlainObject(raw.sdk) && isPlainObject(raw.sdk.settings) ? raw.sdk.settings.infer_ip : undefined;
  const user = normalizeUser(raw.user, inferIp === "never" ? undefined : ctx.clientIp);
  if (user) event.user = user; else delete event.user;
  const request = normalizeRequest(raw.request, inferIp === "never" ? undefined : ctx.clientIp);
  if (request) event.request = request; else delete event.request;
  if (isPlainObject(raw.contexts)) {
    const contexts: Record<string, Record<string, unknown>> = {};
    for (const [name, value] of Object.entries(raw.contexts)) if (isPlainObject(value)) contexts[name] = value;
    event.contexts = contexts;
  } else delete event.contexts;
  if (!isPlainObject(raw.extra)) delete event.extra;
  if (!isPlainObject(raw.modules)) delete event.modules;
  if (!isPlainObject(raw.sdk)) delete event.sdk;
  if (!isPlainObject(raw.debug_meta)) delete event.debug_meta;
  const fingerprint = normalizeFingerprint(raw.fingerprint);
  if (fingerprint) event.fingerprint = fingerprint; else delete event.fingerprint;
  if (errors.length) event.errors = errors; else delete event.errors;
  return event;
}

/** `warn`→warning, `log`→info, `critical`→fatal; unknown → error (Sentry's default). */
export function normalizeLevel(value: unknown): Level {
  if (typeof value !== "string") return "error";
  const v = value.toLowerCase();
  if (v === "fatal" || v === "error" || v === "warning" || v === "info" || v === "debug") return v;
  if (v === "warn") return "warning";
  if (v === "log") return "info";
  if (v === "critical") return "fatal";
  return "error";
}

/** Tags as `{k: v}` or `[[k, v]]`; values stringified; over-long or empty entries recorded as errors. */
export function normalizeTags(value: unknown, errors: ProcessingError[]): [string, string][] {
  const entries: [unknown, unknown][] = Array.isArray(value)
    ? value.filter((p): p is unknown[] => Array.isArray(p) && p.length === 2).map((p) => [p[0], p[1]])
    : isPlainObject(value) ? Object.entries(value) : [];
  const seen = new Map<string, string>();
  for (const [k, v] of entries) {
    if (typeof k !== "string" || v === null || v === undefined) continue;
    const key = k.trim();
    const val = typeof v === "string" ? v : typeof v === "number" || typeof v === "boolean" ? String(v) : JSON.stringify(v);
    if (!key || key.length > LIMITS.tagKey || val.length > LIMITS.tagValue || val === "" || /[\n\r]/.test(val)) {
      errors.push({ type: "invalid_data", name: `tags.${key.slice(0, 50)}`, value: val.slice(0, 50) });
      continue;
    }
    if (seen.size < LIMITS.maxTags) seen.set(key, val);
  }
  return [...seen];
}

/** `message` (string or legacy object) and `logentry` → one LogEntry; `formatted` filled when possible. */
export function normalizeLogEntry(value: unknown): LogEntry | undefined {
  if (typeof value === "string") return value.trim() ? { formatted: truncate(value, LIMITS.message) } : undefined;
  if (!isPlainObject(value)) return undefined;
  const message = typeof value.message === "string" ? truncate(value.message, LIMITS.message) : undefined;
  let formatted = typeof value.formatted === "string" ? truncate(value.formatted, LIMITS.message) : undefined;
  const params = value.params;
  if (!formatted && message) formatted = _formatParams(message, params);
  if (!formatted && !message) return undefined;
  const entry: LogEntry = {};
  if (message !== undefined) entry.message = message;
  if (formatted !== undefined) entry.formatted = formatted;
  if (params !== undefined && params !== null) entry.params = params;
  return entry;
}

export function normalizeException(value: unknown): ExceptionValue | undefined {
  if (!isPlainObject(value)) return undefined;
  const type = _string(value.type, 256);
  const val = typeof value.value === "string" ? truncate(value.value, LIMITS.exceptionValue)
    : value.value === undefined || value.value === null ? undefined : truncate(JSON.stringify(value.value), LIMITS.exceptionValue);
  const stacktrace = normalizeStacktrace(value.stacktrace);
  if (!type && !val && !stacktrace) return undefined;
  const out: ExceptionValue = { ...value };
  if (type) out.type = type; else delete out.type;
  if (val !== undefined) out.value = val; else delete out.value;
  const module = _string(value.module, 256);
  if (module) out.module = module; else delete out.module;
  if (stacktrace) out.stacktrace = stacktrace; else delete out.stacktrace;
  if (isPlainObject(value.mechanism)) {
    out.mechanism = { ...value.mechanism, type: _string(value.mechanism.type, 128) ?? "generic" };
  } else delete out.mechanism;
  return out;
}

/** Frames oldest-first, crash frame last; over-long traces lose frames from the middle, like Sentry. */
export function normalizeStacktrace(value: unknown): Stacktrace | undefined {
  if (!isPlainObject(value) || !Array.isArray(value.frames)) return undefined;
  let frames = value.frames.map(normalizeFrame).filter((f): f is Frame => f !== undefined);
  if (frames.length === 0) return undefined;
  if (frames.length > LIMITS.maxFrames) {
    const half = LIMITS.maxFrames / 2;
    frames = [...frames.slice(0, half), ...frames.slice(-half)];
  }
  return { ...value, frames };
}

/** `frame.data` keys only symbolication sets (src/sourcemaps/symbolicate.ts). */
const SERVER_OWNED_FRAME_DATA = ["symbolicated", "sourcemap", "resolved_with", "sourcemap_error", "sourcemap_error_detail"];

export function normalizeFrame(value: unknown): Frame | undefined {
  if (!isPlainObject(value)) return undefined;
  const frame: Frame = { ...value };
  // LightTrace's own results (repository links, symbolication); an SDK's would be shown as ours
  delete frame.source_link;
  if (isPlainObject(value.data)) {
    const data = { ...value.data };
    for (const key of SERVER_OWNED_FRAME_DATA) delete data[key];
    frame.data = data;
  }
  for (const key of ["filename", "abs_path", "function", "raw_function", "module", "package", "platform", "context_line", "instruction_addr"] as const) {
    const s = _string(value[key], key === "context_line" ? 1024 : 512);
    if (s !== undefined) frame[key] = s; else delete frame[key];
  }
  for (const key of ["lineno", "colno"] as const) {
    const n = value[key];
    if (typeof n === "number" && Number.isInteger(n) && n >= 0) frame[key] = n; else delete frame[key];
  }
  for (const key of ["pre_context", "post_context"] as const) {
    const lines = value[key];
    if (Array.isArray(lines)) frame[key] = lines.map((l) => (typeof l === "string" ? truncate(l, 1024) : "")); else delete frame[key];
  }
  if (typeof value.in_app === "boolean") frame.in_app = value.in_app; else delete frame.in_app;
  if (!isPlainObject(value.vars)) delete frame.vars;
  if (!frame.filename && !frame.function && !frame.instruction_addr && !frame.abs_path && !frame.module) return undefined;
  return frame;
}

export function normalizeBreadcrumb(value: unknown, driftSeconds: number): Breadcrumb | undefined {
  if (!isPlainObject(value)) return undefined;
  const crumb: Breadcrumb = { ...value };
  const ts = parseTimestamp(value.timestamp);
  if (ts !== undefined) crumb.timestamp = ts + driftSeconds; else delete crumb.timestamp;
  for (const key of ["type", "category", "message"] as const) {
    const s = _string(value[key], key === "message" ? LIMITS.message : 128);
    if (s !== undefined) crumb[key] = s; else delete crumb[key];
  }
  crumb.level = value.level === undefined ? "info" : normalizeLevel(value.level);
  if (!isPlainObject(value.data)) delete crumb.data;
  return crumb;
}

/** `{{auto}}` IPs become the client's address (or vanish when inference is off). */
export function normalizeUser(value: unknown, clientIp: string | undefined): EventUser | undefined {
  if (!isPlainObject(value)) return undefined;
  const user: EventUser = { ...value };
  for (const key of ["id", "email", "username", "name", "ip_address", "segment"] as const) {
    const v = value[key];
    const s = typeof v === "number" ? String(v) : _string(v, 256);
    if (s !== undefined && s !== "") user[key] = s; else delete user[key];
  }
  if (user.ip_address === "{{auto}}") {
    if (clientIp) user.ip_address = clientIp; else delete user.ip_address;
  }
  return Object.keys(user).length ? user : undefined;
}

export function normalizeRequest(value: unknown, clientIp: string | undefined): EventRequest | undefined {
  if (!isPlainObject(value)) return undefined;
  const request: EventRequest = { ...value };
  for (const key of ["url", "method", "fragment"] as const) {
    const s = _string(value[key], 2048);
    if (s !== undefined) request[key] = key === "method" ? s.toUpperCase() : s; else delete request[key];
  }
  for (const key of ["headers", "query_string", "cookies"] as const) {
    const pairs = toPairs(value[key], key === "cookies" ? ";" : "&");
    if (pairs.length) request[key] = pairs; else delete request[key];
  }
  if (isPlainObject(value.env)) {
    const env = { ...value.env };
    if (env.REMOTE_ADDR === "{{auto}}") { if (clientIp) env.REMOTE_ADDR = clientIp; else delete env.REMOTE_ADDR; }
    request.env = env;
  } else delete request.env;
  return request;
}

/** Headers, query strings and cookies arrive as objects, `[k, v]` lists or raw strings. */
export function toPairs(value: unknown, separator: string): [string, string][] {
  if (Array.isArray(value)) {
    return value.filter((p): p is unknown[] => Array.isArray(p) && p.length === 2 && typeof p[0] === "string")
      .map((p) => [p[0] as string, typeof p[1] === "string" ? p[1] : JSON.stringify(p[1])]);
  }
  if (isPlainObject(value)) {
    return Object.entries(value).map(([k, v]) => [k, typeof v === "string" ? v : JSON.stringify(v)]);
  }
  if (typeof value === "string" && value) {
    return value.replace(/^\?/, "").split(separator).filter(Boolean).map((part) => {
      const i = part.indexOf("=");
      const k = i < 0 ? part : part.slice(0, i);
      const v = i < 0 ? "" : part.slice(i + 1);
      return [_safeDecode(k.trim()), _safeDecode(v)];
    });
  }
  return [];
}

export function normalizeFingerprint(value: unknown): string[] | undefined {
  if (!Array.isArray(value) || value.length === 0) return undefined;
  const present = value.filter((p) => p !== null && p !== undefined);
  // Relay reads a fingerprint of strings, numbers and booleans; one holding anything else (an object,
  // an array) is invalid as a whole and dropped, so the event groups by its default key
  if (!present.every((p) => typeof p === "string" || typeof p === "number" || typeof p === "boolean")) return undefined;
  const parts = present.map((p) => truncate(String(p), 512));
  return parts.length ? parts : undefined;
}

// --- Internal ---

function _string(value: unknown, max: number): string | undefined {
  if (typeof value === "string") return truncate(value, max);
  return undefined;
}

function _listOrValues(value: unknown): unknown[] {
  if (Array.isArray(value)) return value;
  if (isPlainObject(value) && Array.isArray(value.values)) return value.values;
  return [];
}

/** printf-style `%s` or `{0}`/`{name}` substitution, as the SDKs' logentry params intend. */
function _formatParams(message: string, params: unknown): string {
  if (Array.isArray(params)) {
    let i = 0;
    return message.replace(/%[sdif]|\{(\d+)\}/g, (m, idx: string | undefined) => {
      const p = idx !== undefined ? params[Number(idx)] : params[i++];
      return p === undefined ? m : String(p);
    });
  }
  if (isPlainObject(params)) return message.replace(/\{(\w+)\}|%\((\w+)\)s/g, (m, a: string, b: string) => {
    const p = params[a ?? b];
    return p === undefined ? m : String(p);
  });
  return message;
}

function _safeDecode(s: string): string {
  try { return decodeURIComponent(s.replace(/\+/g, " ")); } catch { return s; }
}
