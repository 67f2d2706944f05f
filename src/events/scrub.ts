import type { NormalizedEvent } from "./types.ts";

/** What replaces a scrubbed value (Sentry's marker, so SDK users recognise it). */
export const FILTERED = "[Filtered]";

/**
 * Key fragments that mark a value as sensitive (Sentry's default data scrubber list). A key
 * matches when its lowercased form, with `-`, `_`, `.` and spaces removed, contains a fragment.
 */
export const DEFAULT_SENSITIVE_FIELDS = [
  "password", "passwd", "secret", "token", "apikey", "auth", "credentials", "cookie", "authorization", "session",
] as const;

export interface ScrubOptions {
  /** extra key fragments to treat as sensitive (project setting) */
  sensitiveFields?: readonly string[];
}

/**
 * Replaces sensitive values with "[Filtered]" in the parts of an event that carry user data:
 * request data, headers, cookies and query, `extra`, `contexts`, breadcrumb data and messages'
 * card numbers, and stack-frame variables. A value is sensitive when its key looks like a secret
 * (DEFAULT_SENSITIVE_FIELDS plus `sensitiveFields`); card-like numbers (13-19 digits that pass
 * the Luhn check) are filtered wherever they appear in those parts. Mutates and returns `event`.
 * @example scrubEvent({ ...ev, extra: { password: "hunter2" } }).extra // { password: "[Filtered]" }
 */
export function scrubEvent(event: NormalizedEvent, options: ScrubOptions = {}): NormalizedEvent {
  const isSensitive = _sensitivityTest(options.sensitiveFields ?? []);
  const scrub = (value: unknown, depth = 0) => _scrubValue(value, isSensitive, depth);

  // 1. request: header/cookie/query pairs, body (object or form/JSON string), env
  const request = event.request;
  if (request) {
    for (const key of ["headers", "cookies", "query_string"] as const) {
      const pairs = request[key];
      if (pairs) request[key] = pairs.map(([k, v]) => [k, isSensitive(k) ? FILTERED : _scrubString(v)]);
    }
    if (request.data !== undefined) request.data = typeof request.data === "string" ? _scrubBodyString(request.data, isSensitive) : scrub(request.data);
    const requestAny = request as Record<string, unknown>;
    if (requestAny.env !== undefined) requestAny.env = scrub(requestAny.env);
    if (typeof requestAny.url === "string") requestAny.url = _scrubUrl(requestAny.url, isSensitive);
  }
  // 2. extra and contexts
  if (event.extra) event.extra = scrub(event.extra) as Record<string, unknown>;
  if (event.contexts) event.contexts = scrub(event.contexts) as Record<string, Record<string, unknown>>;
  // 3. breadcrumbs: data by key, messages for card numbers (a logged request line may carry one)
  for (const crumb of event.breadcrumbs?.values ?? []) {
    if (crumb.data) crumb.data = scrub(crumb.data) as Record<string, unknown>;
    if (typeof crumb.message === "string") crumb.message = _scrubString(crumb.message);
  }
  // 4. stack-frame local variables, in exceptions and threads
  const stacks = [...(event.exception?.values ?? []), ...(((event as Record<string, unknown>).threads as { values?: unknown[] } | undefined)?.values ?? [])];
  for (const holder of stacks) {
    const frames = (holder as { stacktrace?: { frames?: { vars?: Record<string, unknown> }[] } } | null)?.stacktrace?.frames;
    if (!Array.isArray(frames)) continue;
    for (const frame of frames) if (frame && frame.vars) frame.vars = scrub(frame.vars) as Record<string, unknown>;
  }
  return event;
}

/** True for a run of 13-19 digits (spaces or dashes allowed between) that passes the Luhn check. */
export function isCardNumber(candidate: string): boolean {
  const digits = candidate.replace(/[\s-]/g, "");
  if (!/^\d{13,19}$/.test(digits)) return false;
  let sum = 0;
  for (let i = 0; i < digits.length; i++) {
    let d = digits.charCodeAt(digits.length - 1 - i) - 48;
    if (i % 2 === 1) {
      d *= 2;
      if (d > 9) d -= 9;
    }
    sum += d;
  }
  return sum % 10 === 0;
}

// --- Internal ---

/** Deeper than any real payload; past it values are filtered rather than walked (bounded work). */
const MAX_DEPTH = 20;
const CARD_PATTERN = /\b\d(?:[ -]?\d){12,18}\b/g;
/** cheap pre-check: four digits in a row appear in every card number (in any grouping) */
const CARD_CANDIDATE = /\d\d\d\d/;

function _squash(key: string): string {
  return key.toLowerCase().replace(/[-_.\s]/g, "");
}

/**
 * The key test for a set of extra fields, built once per field list and memoised per key: events
 * repeat the same few dozen keys, and this runs on every key of every event.
 */
const _tests = new Map<string, (key: string) => boolean>();
function _sensitivityTest(extra: readonly string[]): (key: string) => boolean {
  const id = extra.join("\u0000");
  let test = _tests.get(id);
  if (test) return test;
  const fields = [...DEFAULT_SENSITIVE_FIELDS, ...extra.map(_squash).filter(Boolean)];
  const pattern = new RegExp(fields.map((f) => f.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")).join("|"));
  const memo = new Map<string, boolean>();
  test = (key: string) => {
    let hit = memo.get(key);
    if (hit === undefined) {
      hit = pattern.test(_squash(key));
      if (memo.size > 2_000) memo.clear();
      memo.set(key, hit);
    }
    return hit;
  };
  if (_tests.size > 100) _tests.clear();
  _tests.set(id, test);
  return test;
}

function _scrubValue(value: unknown, isSensitive: (key: string) => boolean, depth: number): unknown {
  if (typeof value === "string") return _scrubString(value);
  if (typeof value === "number") return Number.isInteger(value) && isCardNumber(String(value)) ? FILTERED : value;
  if (value === null || typeof value !== "object") return value;
  if (depth >= MAX_DEPTH) return FILTERED;
  // (values are replaced in place: the event is ours, freshly parsed, and copying it costs more than the scrub)
  if (Array.isArray(value)) {
    // [key, value] pairs (Sentry's header/tag form) are scrubbed by their key
    if (value.length === 2 && typeof value[0] === "string" && isSensitive(value[0]) && typeof value[1] !== "object") {
      value[1] = FILTERED;
      return value;
    }
    for (let i = 0; i < value.length; i++) value[i] = _scrubValue(value[i], isSensitive, depth + 1);
    return value;
  }
  const obj = value as Record<string, unknown>;
  for (const k in obj) {
    const v = obj[k];
    obj[k] = isSensitive(k) && v !== null && v !== undefined && v !== "" ? FILTERED : _scrubValue(v, isSensitive, depth + 1);
  }
  return obj;
}

function _scrubString(value: string): string {
  if (value.length < 13 || !CARD_CANDIDATE.test(value)) return value;
  return value.replace(CARD_PATTERN, (m) => (isCardNumber(m) ? FILTERED : m));
}

/** A request body as a string: JSON is scrubbed by key, `a=b&c=d` forms by field name. */
function _scrubBodyString(body: string, isSensitive: (key: string) => boolean): unknown {
  const trimmed = body.trim();
  if (trimmed.startsWith("{") || trimmed.startsWith("[")) {
    try {
      return JSON.stringify(_scrubValue(JSON.parse(trimmed), isSensitive, 0));
    } catch {
      // not JSON after all: treat as text
    }
  }
  if (/^[^=&\s]+=[^&]*(&[^=&\s]+=[^&]*)*$/.test(trimmed)) return _scrubForm(trimmed, isSensitive);
  return _scrubString(body);
}

function _scrubForm(form: string, isSensitive: (key: string) => boolean): string {
  return form.split("&").map((part) => {
    const eq = part.indexOf("=");
    const key = part.slice(0, eq);
    let name = key;
    try {
      name = decodeURIComponent(key.replace(/\+/g, " "));
    } catch {
      // keep the raw name
    }
    return isSensitive(name) ? `${key}=${encodeURIComponent(FILTERED)}` : `${key}=${_scrubString(part.slice(eq + 1))}`;
  }).join("&");
}

function _scrubUrl(url: string, isSensitive: (key: string) => boolean): string {
  const q = url.indexOf("?");
  if (q < 0) return _scrubString(url);
  const hash = url.indexOf("#", q);
  const query = hash < 0 ? url.slice(q + 1) : url.slice(q + 1, hash);
  const scrubbed = /^[^=&]+=[^&]*(&[^=&]+=[^&]*)*$/.test(query) ? _scrubForm(query, isSensitive) : query;
  return _scrubString(url.slice(0, q)) + "?" + scrubbed + (hash < 0 ? "" : url.slice(hash));
}
