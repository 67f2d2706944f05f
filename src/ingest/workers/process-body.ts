import type { ProjectConfigSnapshot } from "../../process/project-config.ts";
import { prepareEvent, type PreparedEventWithSource } from "../../process/prepare-event.ts";
import { hasCandidateFrames } from "../../sourcemaps/candidate-frames.ts";
import { encodeEventData } from "../../store/event-codec.ts";
import { decodeBody } from "../body.ts";
import { MAX_CLIENT_REPORT_BYTES } from "../client-report.ts";
import { EnvelopeParser } from "../envelope.ts";
import { buildEnvelopeJob, buildStoreJob, PROCESSED_ITEM_TYPES, type BuiltJob, type RequestContext } from "../items.ts";
import type { BodySpec, PrepareRequest, ProcessedBody, ProcessedEvent } from "./protocol.ts";
import { transferableCopy } from "./protocol.ts";

/**
 * The ingest stages a worker thread runs for one request body: decode (with both caps) → parse the
 * envelope → normalise → scrub → group → encode each event's payload for the store. Runs in the
 * worker (worker-main.ts); pure apart from `onHeader`, so it is tested and fuzzed in-process too.
 * @param onHeader when the spec asks for it: called with the envelope header before any item is
 *   read further; decoding waits until the returned promise settles (rejecting cancels the job)
 */
export async function processBody(
  spec: BodySpec, config: ProjectConfigSnapshot, source: AsyncIterable<Buffer>,
  onHeader?: (headers: Record<string, unknown>) => Promise<void>,
): Promise<ProcessedBody> {
  const limits = { maxCompressed: spec.maxCompressedBytes, maxDecompressed: spec.endpoint === "store" ? spec.maxEventBytes : spec.maxDecompressedBytes };
  const ctx: RequestContext = {
    projectId: spec.projectId, receivedAtMs: spec.receivedAtMs, grouping: config.grouping, ...(spec.clientIp ? { clientIp: spec.clientIp } : {}),
  };
  if (config.scrub) ctx.scrub = config.scrub;

  let built: { job: BuiltJob; eventId?: string; unknownItemTypes?: string[] };
  if (spec.endpoint === "store") {
    const chunks: Buffer[] = [];
    await decodeBody(source, spec.encoding, limits, (c) => void chunks.push(c));
    built = buildStoreJob(chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks), ctx);
  } else {
    const keepPayload = (type: string) => (PROCESSED_ITEM_TYPES.has(type) ? spec.maxEventBytes : type === "client_report" ? MAX_CLIENT_REPORT_BYTES : 0);
    // with a header to check, the parser stops after the header line until the check is done:
    // an unauthenticated envelope never gets its items parsed or held
    const parser = new EnvelopeParser(keepPayload, { maxKeptBytes: spec.maxEnvelopeItemBytes, pauseAfterHeader: Boolean(onHeader) });
    let headerChecked = false;
    const checkHeader = async () => {
      headerChecked = true;
      await onHeader!(parser.envelopeHeaders!);
    };
    await decodeBody(source, spec.encoding, limits, (chunk) => {
      parser.push(chunk);
      if (parser.isPaused) return checkHeader().then(() => parser.resume());
    }, { streamOnly: Boolean(onHeader) });
    const envelope = parser.end();
    if (onHeader && !headerChecked) await checkHeader(); // a header-only envelope
    built = buildEnvelopeJob(envelope, ctx);
  }
  return _encode(built, config);
}

/**
 * Prepares and encodes an event the main thread symbolicated. When its grouping changed, the one
 * before goes first among the fallbacks (then the earlier rules' keys, then those it had before),
 * so events that arrived before the source map keep their issue.
 */
export function prepareSymbolicated(request: PrepareRequest, config: ProjectConfigSnapshot): { event: ProcessedEvent; payload: Buffer } {
  const prepared = prepareEvent(request.event, config.grouping);
  const { before } = request;
  if (prepared.grouping.hash !== before.grouping.hash) {
    const candidates = [before.grouping, ...(prepared.fallbackGroupings ?? []), ...(before.fallbackGroupings ?? [])];
    const seen = new Set([prepared.grouping.hash]);
    prepared.fallbackGroupings = candidates.filter((g) => !seen.has(g.hash) && seen.add(g.hash));
  }
  const payload = encodeEventData(prepared.payload);
  const { payload: _json, event: _event, ...rest } = prepared;
  return { event: { ...rest, payloadBytes: payload.length }, payload: transferableCopy([payload], payload.length) };
}

// --- Internal ---

/** Encodes every event's payload into one transferable buffer; events to symbolicate go back as JSON. */
function _encode(built: { job: BuiltJob; eventId?: string; unknownItemTypes?: string[] }, config: ProjectConfigSnapshot): ProcessedBody {
  const { job } = built;
  const encoded: Buffer[] = [];
  let total = 0;
  const events = job.events.map((prepared: PreparedEventWithSource): ProcessedEvent => {
    const { payload: json, event, ...rest } = prepared;
    if (config.hasSourceMaps && hasCandidateFrames(event)) return { ...rest, payloadBytes: 0, sourceJson: json };
    const payload = encodeEventData(json);
    encoded.push(payload);
    total += payload.length;
    return { ...rest, payloadBytes: payload.length };
  });
  const body: ProcessedBody = {
    projectId: job.projectId, receivedAtMs: job.receivedAtMs, events, itemCounts: [...job.itemCounts], payloads: transferableCopy(encoded, total).buffer as ArrayBuffer,
  };
  if (built.eventId) body.eventId = built.eventId;
  if (built.unknownItemTypes?.length) body.unknownItemTypes = built.unknownItemTypes;
  if (job.traces) body.traces = job.traces;
  if (job.sessions) body.sessions = job.sessions;
  if (job.sessionAggregates) body.sessionAggregates = job.sessionAggregates;
  if (job.clientDiscards) body.clientDiscards = job.clientDiscards;
  if (job.checkIns) body.checkIns = job.checkIns;
  if (job.feedback) body.feedback = job.feedback;
  return body;
}
