import type { IncomingMessage } from "node:http";
import type { PreparedSummary } from "../../process/symbolicate-job.ts";
import type { VersionedProjectConfig } from "../../process/project-config.ts";
import type { IngestJob, PreparedEvent } from "../../process/types.ts";
import { tooLarge } from "../../http/errors.ts";
import type { BodyJob } from "./jobs.ts";
import type { IngestWorkerPool } from "./pool.ts";
import { transferableCopy, type BodySpec, type ProcessedBody } from "./protocol.ts";

/** Bodies up to this size are read whole and handed over in one message; larger ones stream. */
const ONE_MESSAGE_BYTES = 256 * 1024;

/**
 * Reads a request body off the socket into an ingest worker and resolves with what the worker made
 * of it. Small bodies (nearly all) go over in one transferred buffer; a large or unsized one, or one
 * whose envelope header must be checked first, streams chunk by chunk with flow control, so the
 * socket is read only as fast as the worker decodes and nothing piles up. The wire cap is enforced
 * here as bytes arrive; the decompressed caps in the worker. When the worker fails the body early
 * (413, 400, a refused DSN) the answer goes out at once and the rest of the body is read and
 * dropped (up to the wire cap), so the client sees the answer rather than a reset connection.
 */
export async function processRequestBody(
  req: IncomingMessage, pool: IngestWorkerPool, spec: BodySpec, project: VersionedProjectConfig,
  onHeader?: (headers: Record<string, unknown>) => Promise<void>,
): Promise<ProcessedBody> {
  const declared = Number(req.headers["content-length"]);
  if (Number.isFinite(declared) && declared > spec.maxCompressedBytes) {
    throw tooLarge(`request body of ${declared} bytes exceeds the limit of ${spec.maxCompressedBytes} bytes`);
  }
  const streamAtOnce = Boolean(onHeader) || !(declared <= ONE_MESSAGE_BYTES);
  const chunks = (req as AsyncIterable<Buffer>)[Symbol.asyncIterator]();
  let job: BodyJob | undefined;
  let jobSettled: Promise<typeof SETTLED> | undefined;
  let held: Buffer[] = [];
  let heldBytes = 0;
  let wireBytes = 0;
  let pending = chunks.next();
  try {
    for (;;) {
      // a streamed job may be answered (refused) while the client is still sending: answer then
      const next = job?.settled ? SETTLED : jobSettled ? await Promise.race([pending, jobSettled]) : await pending;
      if (next === SETTLED) {
        // the answer goes out now; the rest of the body is read and dropped meanwhile
        void _discardRest(chunks, pending, spec.maxCompressedBytes - wireBytes);
        return job!.result;
      }
      if (next.done) break;
      pending = chunks.next();
      const chunk = next.value;
      wireBytes += chunk.length;
      if (wireBytes > spec.maxCompressedBytes) throw tooLarge(`request body exceeds the limit of ${spec.maxCompressedBytes} bytes`);
      if (job) {
        await job.push(transferableCopy([chunk], chunk.length));
        continue;
      }
      held.push(chunk);
      heldBytes += chunk.length;
      if (streamAtOnce || heldBytes > ONE_MESSAGE_BYTES) {
        job = pool.startBody(spec, project, transferableCopy(held, heldBytes), true, onHeader);
        jobSettled = job.whenSettled.then(() => SETTLED);
        held = [];
      }
    }
  } catch (err) {
    job?.cancel();
    await chunks.return?.(); // stops reading (the connection closes after the answer)
    throw err;
  }
  if (!job) job = pool.startBody(spec, project, transferableCopy(held, heldBytes), false, onHeader);
  else job.end();
  return job.result;
}

/**
 * The writer's job for a processed body: each event's payload is a view into the one transferred
 * buffer; events the worker sent back as JSON are symbolicated (main thread: source maps live in
 * the store) and prepared again.
 */
export async function toIngestJob(
  body: ProcessedBody, symbolicate: ((sourceJson: string, before: PreparedSummary) => Promise<PreparedEvent>) | undefined,
): Promise<IngestJob> {
  const { payloads, itemCounts, eventId: _eventId, events: processed, ...rest } = body;
  let offset = 0;
  const events: PreparedEvent[] = [];
  for (const { payloadBytes, sourceJson, ...ev } of processed) {
    if (sourceJson !== undefined) {
      if (!symbolicate) throw new Error("an ingest worker asked for symbolication, which is not set up");
      events.push(await symbolicate(sourceJson, ev));
      continue;
    }
    events.push({ ...ev, payload: Buffer.from(payloads, offset, payloadBytes) });
    offset += payloadBytes;
  }
  return { ...rest, events, itemCounts: new Map(itemCounts) };
}

// --- Internal ---

const SETTLED = Symbol("settled");

/** Reads what is left of a body and drops it, up to `budget` bytes; past that the connection is closed. */
async function _discardRest(chunks: AsyncIterator<Buffer>, pending: Promise<IteratorResult<Buffer>>, budget: number): Promise<void> {
  try {
    for (let next = await pending; !next.done; next = await chunks.next()) {
      budget -= next.value.length;
      if (budget < 0) {
        await chunks.return?.();
        return;
      }
    }
  } catch {
    // the client went away: nothing to drop
  }
}
