import type { EnvelopeItem } from "../ingest/envelope.ts";
import { computeClockDrift } from "../events/timestamps.ts";
import type { ScrubOptions } from "../events/scrub.ts";
import { InvalidTraceItemError, parseSpanItem, parseTransactionItem, type TraceSegment } from "./parse-trace-items.ts";
import { scrubTraceSegment } from "./scrub-spans.ts";
import { MAX_NESTING_DEPTH, tooDeeplyNestedField } from "../events/nesting.ts";

/** Envelope item types that feed the trace view. */
export const TRACE_ITEM_TYPES: ReadonlySet<string> = new Set(["transaction", "span"]);

/**
 * Parses one `transaction` or `span` item into a segment for the writer. Client times get the same
 * clock-drift correction as events, so errors and spans of one trace line up, and the project's
 * data scrubbing (`scrub`, undefined = off). A malformed item is refused with 400 naming what was
 * wrong, as a malformed event is.
 */
export function parseTraceItem(item: EnvelopeItem, receivedAtMs: number, sentAtSec: number | undefined, scrub?: ScrubOptions): TraceSegment {
  const what = `"${item.type}" item`;
  if (!item.payload || item.payload.length === 0) throw new InvalidTraceItemError(`${what} is empty`);
  let raw: unknown;
  try {
    raw = JSON.parse(item.payload.toString("utf8"));
  } catch (err) {
    throw new InvalidTraceItemError(`${what} is not valid JSON: ${(err as Error).message}`);
  }
  const deep = tooDeeplyNestedField(raw);
  if (deep !== undefined) throw new InvalidTraceItemError(`${what}: "${deep}" is nested more than ${MAX_NESTING_DEPTH} levels deep`);
  const drift = computeClockDrift(receivedAtMs / 1000, sentAtSec);
  const segment = item.type === "transaction" ? parseTransactionItem(raw, drift) : parseSpanItem(raw, drift);
  return scrub ? scrubTraceSegment(segment, scrub) : segment;
}
