import { DEFAULT_SENSITIVE_FIELDS, FILTERED, isCardNumber, type ScrubOptions } from "../events/scrub.ts";
import type { TraceSegment } from "./parse-trace-items.ts";

/**
 * Data scrubbing for spans, with the same key list as events: span descriptions and transaction
 * names often hold URLs (`GET /api/users?token=…`), so sensitive query values, bearer credentials
 * and card-like numbers become "[Filtered]". Mutates and returns the segment.
 */
export function scrubTraceSegment(segment: TraceSegment, options: ScrubOptions): TraceSegment {
  const fields = [...DEFAULT_SENSITIVE_FIELDS, ...(options.sensitiveFields ?? []).map(_squash).filter(Boolean)];
  const scrub = (text: string | null) => (text === null ? null : scrubSpanText(text, fields));
  segment.transaction = scrub(segment.transaction);
  for (const span of segment.spans) span.description = scrub(span.description);
  return segment;
}

/** @example scrubSpanText("GET /a?api_key=1&page=2", ["apikey"]) // "GET /a?api_key=[Filtered]&page=2" */
export function scrubSpanText(text: string, fields: readonly string[]): string {
  let out = text.replace(/([?&;])([^=&;\s#]+)=([^&;\s#]*)/g, (m, sep: string, key: string) => {
    const k = _squash(key);
    return fields.some((f) => k.includes(f)) ? `${sep}${key}=${FILTERED}` : m;
  });
  out = out.replace(/\b(Bearer|Basic)\s+[A-Za-z0-9._~+/=-]{8,}/g, (_m, scheme: string) => `${scheme} ${FILTERED}`);
  if (/\d{13}|\d[ -]\d/.test(out)) out = out.replace(/\b\d(?:[ -]?\d){12,18}\b/g, (m) => (isCardNumber(m) ? FILTERED : m));
  return out;
}

// --- Internal ---

function _squash(key: string): string {
  return key.toLowerCase().replace(/[-_.\s]/g, "");
}
