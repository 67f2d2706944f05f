import type { ResourceLimits } from "node:worker_threads";
import type { Logger } from "../../logger.ts";
import type { VersionedProjectConfig } from "../../process/project-config.ts";
import { WorkerCrashedError } from "./errors.ts";
import { InlineBodyJob, WorkerBodyJob, WorkerPrepareJob, type BodyJob, type HeaderCheck } from "./jobs.ts";
import { PoolWorker } from "./pool-worker.ts";
import { prepareSymbolicated } from "./process-body.ts";
import type { BodySpec, PrepareRequest, ProcessedEvent } from "./protocol.ts";

export interface IngestWorkerPoolOptions {
  /** most workers at once; they start on demand, one more whenever every running one is busy */
  size: number;
  logger: Logger;
  /** V8 heap limits of each worker (they bound its memory; a job that needs more fails alone) */
  resourceLimits: ResourceLimits;
  /** workers stop after this long without a job (an idle server does not carry them) */
  idleStopMs?: number;
  /** a job still running this long after its body was complete stops its worker */
  jobTimeoutMs?: number;
}

/**
 * Heap limits of each worker. The young generation is what grows RSS under load (V8 sizes it by
 * the machine's memory otherwise); the old generation bounds what one body may cost (a 1 MiB event
 * and its normalised copy fit many times over), so a pathological one fails alone.
 */
export const WORKER_RESOURCE_LIMITS: ResourceLimits = { maxYoungGenerationSizeMb: 24, maxOldGenerationSizeMb: 256 };

/**
 * Workers by default: one per core but the one the main thread (HTTP, auth, the commit) keeps busy,
 * at least one. Measured with bench:ingest on 2 cores: one worker answers as many events per second
 * as two, and the server peaks ~35 MB lower (each worker is a V8 isolate with its own heap and
 * malloc arena: 195–214 MB against 237–245 MB).
 */
export function defaultPoolSize(cores: number): number {
  return Math.max(1, cores - 1);
}

/**
 * The ingest worker threads (src/ingest/workers/worker-main.ts): request bodies are decoded,
 * parsed, normalised, scrubbed, grouped and encoded in them, so the main thread keeps only HTTP
 * and the commit. Bodies go over as transferred buffers and payloads come back the same way. A job
 * goes to the ready worker with the fewest jobs in hand; another worker starts (up to `size`)
 * whenever all are busy. Until the first one has loaded, the main thread runs the same stages
 * itself, so nobody waits for a thread to start. A worker that crashes fails only the jobs it
 * held (they are answered, never left hanging) and a fresh one takes its place.
 */
export class IngestWorkerPool {
  private readonly workers = new Set<PoolWorker>();
  private nextJobId = 1;
  private lastJobAt = Date.now();
  private closed = false;
  private readonly idleTimer: NodeJS.Timeout;
  private readonly options: Required<IngestWorkerPoolOptions>;

  constructor(options: IngestWorkerPoolOptions) {
    this.options = { idleStopMs: 60_000, jobTimeoutMs: 30_000, ...options, size: Math.max(1, options.size) };
    this.idleTimer = setInterval(() => this.stopIdleWorkers(), this.options.idleStopMs / 4);
    this.idleTimer.unref();
  }

  /**
   * Starts processing a body: `first` (transferred: do not reuse it) and, when `more` is set, the
   * rest through the returned job's `push`/`end`.
   */
  startBody(spec: BodySpec, project: VersionedProjectConfig, first: Buffer, more: boolean, onHeader?: HeaderCheck): BodyJob {
    const worker = this.pick();
    if (!worker) return new InlineBodyJob(spec, project.config, first, more, onHeader);
    const id = this.nextJobId++;
    const job = new WorkerBodyJob(worker, id, onHeader, this.options.jobTimeoutMs);
    worker.track(id, job);
    worker.post({ type: "job", id, spec, project: worker.configMessage(project), body: first, more }, [first.buffer as ArrayBuffer]);
    if (!more) job.bodyComplete();
    return job;
  }

  /** Prepares and encodes an event the main thread symbolicated. */
  async prepare(project: VersionedProjectConfig, request: PrepareRequest): Promise<{ event: ProcessedEvent; payload: Buffer }> {
    const worker = this.pick();
    if (!worker) return prepareSymbolicated(request, project.config);
    const id = this.nextJobId++;
    const job = new WorkerPrepareJob(worker, id, this.options.jobTimeoutMs);
    worker.track(id, job);
    worker.post({ type: "prepare", id, project: worker.configMessage(project), request });
    return job.result;
  }

  /** Workers running now (they start on demand and stop when idle). */
  get running(): number {
    return this.workers.size;
  }

  /** Jobs the workers hold now (bodies being processed, events being prepared): requests that will hand in work soon. */
  get jobsInFlight(): number {
    let n = 0;
    for (const w of this.workers) n += w.load;
    return n;
  }

  /** Workers loaded and taking jobs. */
  get ready(): number {
    let n = 0;
    for (const w of this.workers) if (w.ready) n++;
    return n;
  }

  /** Stops every worker; jobs still held fail. Call after the HTTP server has drained. */
  async close(): Promise<void> {
    this.closed = true;
    clearInterval(this.idleTimer);
    await Promise.all([...this.workers].map((w) => w.stop("the server is shutting down")));
  }

  // --- Internal ---

  /** The ready worker with the fewest jobs, starting another when all are busy; undefined while none is ready. */
  private pick(): PoolWorker | undefined {
    if (this.closed) throw new WorkerCrashedError("the server is shutting down");
    this.lastJobAt = Date.now();
    let best: PoolWorker | undefined;
    let running = 0;
    let starting = 0;
    for (const w of this.workers) {
      if (w.stopped) continue;
      running++;
      if (!w.ready) starting++;
      else if (!best || w.load < best.load) best = w;
    }
    if ((!best || best.load > 0) && running < this.options.size && starting === 0) {
      this.workers.add(new PoolWorker(this.options, (w) => this.workers.delete(w)));
    }
    return best;
  }

  private stopIdleWorkers(): void {
    if (Date.now() - this.lastJobAt < this.options.idleStopMs) return;
    for (const w of this.workers) if (w.load === 0 && !w.stopped) void w.stop("idle");
  }
}
