/**
 * Entry point of an ingest worker thread (src/ingest/workers/pool.ts starts it; bundled on its own
 * by build.mjs and run with `eval: true`, or from this file when running from source). It runs
 * processBody for the jobs the pool hands it, several at a time (a streamed body waits for chunks
 * without blocking the others), and caches each project's settings snapshot by version.
 */
import { parentPort } from "node:worker_threads";
import type { ProjectConfigSnapshot } from "../../process/project-config.ts";
import { ChunkQueue } from "./chunk-queue.ts";
import { prepareSymbolicated, processBody } from "./process-body.ts";
import { serializeError, type ConfigMessage, type FromWorker, type ToWorker } from "./protocol.ts";

interface RunningJob {
  queue: ChunkQueue;
  /** set while the job waits for the main thread to check the envelope header's DSN */
  headerGate?: { resolve: () => void; reject: (err: unknown) => void };
}

const port = parentPort!;
const configs = new Map<number, { version: number; config: ProjectConfigSnapshot }>();
const jobs = new Map<number, RunningJob>();
const post = (msg: FromWorker, transfer: ArrayBuffer[] = []) => port.postMessage(msg, transfer);

port.on("message", (msg: ToWorker) => {
  switch (msg.type) {
    case "job":
      void _runJob(msg);
      break;
    case "chunk": {
      const job = jobs.get(msg.id);
      if (!job) break; // cancelled or failed already
      job.queue.push(_buffer(msg.body));
      if (!msg.more) job.queue.end();
      break;
    }
    case "resume": {
      const job = jobs.get(msg.id);
      job?.headerGate?.resolve();
      if (job) delete job.headerGate;
      break;
    }
    case "cancel": {
      const job = jobs.get(msg.id);
      if (!job) break;
      const cancelled = new Error("cancelled");
      job.queue.fail(cancelled);
      job.headerGate?.reject(cancelled);
      jobs.delete(msg.id);
      break;
    }
    case "prepare":
      try {
        const { event, payload } = prepareSymbolicated(msg.request, _config(msg.project));
        post({ type: "prepared", id: msg.id, event, payload: payload.buffer as ArrayBuffer }, [payload.buffer as ArrayBuffer]);
      } catch (err) {
        post({ type: "failed", id: msg.id, error: serializeError(err) });
      }
      break;
  }
});

// the code is loaded: from now on the pool sends jobs here instead of running them itself
post({ type: "ready" });

// --- Internal ---

async function _runJob(msg: Extract<ToWorker, { type: "job" }>): Promise<void> {
  const { id, spec } = msg;
  // a streamed body reports what it consumed, so the main thread sends more only as it is used
  const queue = new ChunkQueue(msg.more ? (bytes) => post({ type: "consumed", id, bytes }) : undefined);
  const job: RunningJob = { queue };
  jobs.set(id, job);
  queue.push(_buffer(msg.body));
  if (!msg.more) queue.end();
  const onHeader = spec.awaitHeaderAuth
    ? (headers: Record<string, unknown>) => new Promise<void>((resolve, reject) => {
      job.headerGate = { resolve, reject };
      post({ type: "header", id, headers });
    })
    : undefined;
  try {
    const body = await processBody(spec, _config(msg.project), queue, onHeader);
    if (jobs.get(id) !== job) return; // cancelled meanwhile: the main thread has answered
    post({ type: "done", id, body }, [body.payloads]);
  } catch (err) {
    if (jobs.get(id) === job) post({ type: "failed", id, error: serializeError(err) });
  } finally {
    if (jobs.get(id) === job) jobs.delete(id);
  }
}

function _config(msg: ConfigMessage): ProjectConfigSnapshot {
  if (msg.config) configs.set(msg.projectId, { version: msg.version, config: msg.config });
  const known = configs.get(msg.projectId);
  if (!known || known.version !== msg.version) throw new Error(`no settings snapshot v${msg.version} for project ${msg.projectId}`);
  return known.config;
}

/** A Buffer over a transferred Uint8Array (structured clone drops the Buffer prototype). */
function _buffer(bytes: Uint8Array): Buffer {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}
