import type { NormalizedEvent } from "../../events/types.ts";
import type { Grouping } from "../../grouping/mechanisms.ts";
import type { ProjectConfigSnapshot } from "../../process/project-config.ts";
import type { IngestJob, PreparedEvent } from "../../process/types.ts";
import { answerForError, httpError } from "../../http/errors.ts";
import { WorkerJobError } from "./errors.ts";

/**
 * The messages between the main thread and an ingest worker (pool.ts ⇄ worker-main.ts). Only plain
 * data crosses; bodies and payloads travel as transferred ArrayBuffers (no copy, no re-encoding).
 */

/** What a worker needs to process one request body besides the body itself. */
export interface BodySpec {
  endpoint: "envelope" | "store";
  /** Content-Encoding, lower-cased, "" for none (already checked: ingest decodes it) */
  encoding: string;
  maxCompressedBytes: number;
  maxDecompressedBytes: number;
  /** kept bytes of one event (or transaction, span, session) item */
  maxEventBytes: number;
  /** kept bytes of all the items of one envelope together */
  maxEnvelopeItemBytes: number;
  projectId: number;
  /** when the server received the request */
  receivedAtMs: number;
  clientIp?: string;
  /** the request carried no key: report the envelope header (its DSN) and wait before reading items */
  awaitHeaderAuth: boolean;
}

/** One event as a worker returns it: prepared, with its stored payload in the job's payload buffer. */
export type ProcessedEvent = Omit<PreparedEvent, "payload"> & {
  /** bytes of this event's payload in `ProcessedBody.payloads`, which holds them back to back in event order */
  payloadBytes: number;
  /**
   * Set instead of a payload when the event must be symbolicated first (the project has source
   * maps, the event has JavaScript frames): the normalised event's JSON, for the main thread.
   */
  sourceJson?: string;
};

/** A processed request body: an IngestJob but for its events' payloads, which come in one buffer. */
export interface ProcessedBody extends Omit<IngestJob, "events" | "itemCounts"> {
  /** the id the response names (first event, else the envelope header's) */
  eventId?: string;
  /** item types LightTrace does not know (counted as "other"), a few names for the log */
  unknownItemTypes?: string[];
  events: ProcessedEvent[];
  itemCounts: [string, number][];
  payloads: ArrayBuffer;
}

/** An event the main thread symbolicated, to be prepared and encoded again. */
export interface PrepareRequest {
  event: NormalizedEvent;
  /** its groupings before symbolication: kept as fallbacks when symbolication changed the grouping */
  before: { grouping: Grouping; fallbackGroupings?: Grouping[] };
}

/** A project's settings as a worker caches them: sent with a job only when the worker lacks this version. */
export interface ConfigMessage { projectId: number; version: number; config?: ProjectConfigSnapshot }

export type ToWorker =
  | { type: "job"; id: number; spec: BodySpec; project: ConfigMessage; body: Uint8Array; more: boolean }
  | { type: "chunk"; id: number; body: Uint8Array; more: boolean }
  | { type: "resume"; id: number }
  | { type: "cancel"; id: number }
  | { type: "prepare"; id: number; project: ConfigMessage; request: PrepareRequest };

export type FromWorker =
  | { type: "ready"; id?: undefined }
  | { type: "header"; id: number; headers: Record<string, unknown> }
  | { type: "consumed"; id: number; bytes: number }
  | { type: "done"; id: number; body: ProcessedBody }
  | { type: "prepared"; id: number; event: ProcessedEvent; payload: ArrayBuffer }
  | { type: "failed"; id: number; error: SerializedError };

/** An error as it crosses threads: its HTTP answer (src/http/errors.ts), or for an unexpected one what the log needs. */
export interface SerializedError { status: number; detail: string; headers: Record<string, string>; unexpected?: { message: string; stack?: string } }

export function serializeError(err: unknown): SerializedError {
  const answer = answerForError(err);
  if (!answer.unexpected) return { status: answer.status, detail: answer.detail, headers: answer.headers };
  const e = err instanceof Error ? err : new Error(String(err));
  return { ...answer, unexpected: { message: e.message, ...(e.stack ? { stack: e.stack } : {}) } };
}

/** The error to throw on the main thread: the same answer, or a WorkerJobError (a logged 500) with the worker's stack. */
export function deserializeError(e: SerializedError): Error {
  if (!e.unexpected) return httpError(e.status, e.detail, e.headers);
  const err = new WorkerJobError(e.unexpected.message);
  if (e.unexpected.stack) err.stack = e.unexpected.stack;
  return err;
}

/** `parts` copied into one Buffer with an ArrayBuffer of its own, safe to transfer (pooled Buffers are not). */
export function transferableCopy(parts: readonly Uint8Array[], total: number): Buffer {
  const out = Buffer.allocUnsafeSlow(total);
  let offset = 0;
  for (const p of parts) {
    out.set(p, offset);
    offset += p.length;
  }
  return out;
}
