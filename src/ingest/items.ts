import { randomUUID } from "node:crypto";
import { parseFeedback } from "./feedback-items.ts";
import type { Envelope } from "./envelope.ts";
import { badRequest } from "../http/errors.ts";
import { InvalidEventError, normalizeEvent } from "../events/normalize.ts";
import { parseTimestamp } from "../events/timestamps.ts";
import { normalizeEventId } from "../events/values.ts";
import { prepareEvent, type PreparedEventWithSource } from "../process/prepare-event.ts";
import type { ClientDiscard, IngestJob } from "../process/types.ts";
import { parseTraceItem, TRACE_ITEM_TYPES } from "../traces/trace-items.ts";
import { collectSessionItem, SESSION_ITEM_TYPES } from "./session-items.ts";
import { scrubEvent, type ScrubOptions } from "../events/scrub.ts";
import { DEFAULT_GROUPING_CONFIG, type GroupingConfig } from "../grouping/mechanisms.ts";
import { parseClientReport } from "./client-report.ts";
import { countedItemType, MAX_UNKNOWN_TYPES_PER_REQUEST } from "./item-types.ts";
import { MAX_NESTING_DEPTH, tooDeeplyNestedField } from "../events/nesting.ts";
import { parseCheckInItem } from "./check-in-items.ts";

/**
 * Item types processed now (events into issues, transactions and spans into traces, sessions into
 * release health, check-ins into cron monitors). Every type is counted per project.
 */
export const PROCESSED_ITEM_TYPES = new Set(["event", "check_in", "feedback", "user_report", ...TRACE_ITEM_TYPES, ...SESSION_ITEM_TYPES]);

export interface RequestContext {
  projectId: number;
  /** when the request arrived (the injected Clock) */
  receivedAtMs: number;
  clientIp?: string;
  /** data scrubbing for this project; undefined = off */
  scrub?: ScrubOptions;
  /** the project's grouping configuration (stack-trace rules); undefined = the defaults */
  grouping?: GroupingConfig;
}

/** A writer job whose events still carry the event they were prepared from (their payload is JSON text). */
export type BuiltJob = Omit<IngestJob, "events"> & { events: PreparedEventWithSource[] };

/**
 * Turns a parsed envelope into a writer job: events prepared, other items counted by type (unknown
 * types as "other"; their names, up to a few, come back in `unknownItemTypes`).
 */
export function buildEnvelopeJob(envelope: Envelope, ctx: RequestContext): { job: BuiltJob; eventId?: string; unknownItemTypes?: string[] } {
  const headerEventId = envelope.headers.event_id;
  let envelopeEventId: string | undefined;
  if (headerEventId !== undefined && headerEventId !== null) {
    envelopeEventId = normalizeEventId(headerEventId);
    if (!envelopeEventId) throw badRequest(`envelope header event_id ${JSON.stringify(headerEventId)} is not a UUID`);
  }
  const sentAtSec = parseTimestamp(envelope.headers.sent_at);
  const events: PreparedEventWithSource[] = [];
  const itemCounts = new Map<string, number>();
  const traces: IngestJob["traces"] = [];
  const job: BuiltJob = { projectId: ctx.projectId, events, itemCounts, receivedAtMs: ctx.receivedAtMs };
  const clientDiscards: ClientDiscard[] = [];
  const unknownItemTypes = new Set<string>();
  const count = (type: string) => {
    const counted = countedItemType(type);
    if (counted !== type && unknownItemTypes.size < MAX_UNKNOWN_TYPES_PER_REQUEST) unknownItemTypes.add(type);
    itemCounts.set(counted, (itemCounts.get(counted) ?? 0) + 1);
  };
  for (const item of envelope.items) {
    if (item.type === "client_report" && item.payload) clientDiscards.push(...parseClientReport(item.payload).discards);
    if (!PROCESSED_ITEM_TYPES.has(item.type) || TRACE_ITEM_TYPES.has(item.type)) {
      count(item.type);
      if (TRACE_ITEM_TYPES.has(item.type)) traces.push(parseTraceItem(item, ctx.receivedAtMs, sentAtSec, ctx.scrub));
      continue;
    }
    if (item.type === "check_in") {
      count(item.type);
      (job.checkIns ??= []).push(parseCheckInItem(_parseJson(item.payload, "\"check_in\" item")));
      continue;
    }
    if (item.type === "feedback" || item.type === "user_report") {
      count(item.type);
      (job.feedback ??= []).push(parseFeedback(item.type, _parseJson(item.payload, `"${item.type}" item`), envelopeEventId, ctx.receivedAtMs / 1000));
      continue;
    }
    if (SESSION_ITEM_TYPES.has(item.type)) {
      count(item.type);
      collectSessionItem(item.type, _parseJson(item.payload, `"${item.type}" item`), job, sentAtSec);
      continue;
    }
    const raw = _parseJson(item.payload, `"${item.type}" item`);
    events.push(_prepare(raw, ctx, sentAtSec, events.length === 0 ? envelopeEventId : undefined));
  }
  const eventId = events[0]?.eventId ?? envelopeEventId;
  if (traces.length) job.traces = traces;
  if (clientDiscards.length) job.clientDiscards = clientDiscards;
  return { job, ...(eventId ? { eventId } : {}), ...(unknownItemTypes.size ? { unknownItemTypes: [...unknownItemTypes] } : {}) };
}

/** The legacy /store/ endpoint: the body is one event. */
export function buildStoreJob(body: Buffer, ctx: RequestContext): { job: BuiltJob; eventId: string } {
  const raw = _parseJson(body, "request body");
  const event = _prepare(raw, ctx, undefined, undefined);
  return { job: { projectId: ctx.projectId, events: [event], itemCounts: new Map(), receivedAtMs: ctx.receivedAtMs }, eventId: event.eventId };
}

// --- Internal ---

function _parseJson(payload: Buffer | undefined, what: string): unknown {
  if (!payload || payload.length === 0) throw badRequest(`${what} is empty`);
  let value: unknown;
  try {
    value = JSON.parse(payload.toString("utf8"));
  } catch (err) {
    throw badRequest(`${what} is not valid JSON: ${(err as Error).message}`);
  }
  const deep = tooDeeplyNestedField(value);
  if (deep !== undefined) throw badRequest(`${what}: "${deep}" is nested more than ${MAX_NESTING_DEPTH} levels deep`);
  return value;
}

function _prepare(raw: unknown, ctx: RequestContext, sentAtSec: number | undefined, envelopeEventId: string | undefined): PreparedEventWithSource {
  try {
    const event = normalizeEvent(raw, {
      receivedAtMs: ctx.receivedAtMs,
      newEventId: () => randomUUID().replace(/-/g, ""),
      ...(envelopeEventId ? { envelopeEventId } : {}),
      ...(sentAtSec !== undefined ? { sentAtSec } : {}),
      ...(ctx.clientIp ? { clientIp: ctx.clientIp } : {}),
    });
    return prepareEvent(ctx.scrub ? scrubEvent(event, ctx.scrub) : event, ctx.grouping ?? DEFAULT_GROUPING_CONFIG);
  } catch (err) {
    if (err instanceof InvalidEventError) throw badRequest(err.message);
    throw err;
  }
}
