import { Worker, type ResourceLimits } from "node:worker_threads";
import type { Logger } from "../../logger.ts";
import type { VersionedProjectConfig } from "../../process/project-config.ts";
import { WorkerCrashedError } from "./errors.ts";
import type { ConfigMessage, FromWorker, ToWorker } from "./protocol.ts";

export interface PoolWorkerOptions {
  logger: Logger;
  resourceLimits: ResourceLimits;
}

/** Replaced at build time with the bundled source of worker-main.ts (undefined when running from src). */
declare const __LIGHTTRACE_INGEST_WORKER__: string | undefined;

/** What a worker holds for a job: where its messages go, and how it fails when the worker stops. */
export interface WorkerJob {
  handle(msg: FromWorker): void;
  settle(outcome: Error): void;
}

/**
 * One ingest worker thread and the jobs it holds. It takes jobs once it has said it is ready (its
 * code is loaded); when it exits for any reason but an orderly stop, every job it held fails with
 * WorkerCrashedError, so no request waits forever.
 */
export class PoolWorker {
  private readonly worker: Worker;
  private readonly jobs = new Map<number, WorkerJob>();
  /** the settings version of each project this worker has been sent */
  private readonly knownConfigs = new Map<number, number>();
  private isReady = false;
  private stopping: string | undefined;
  private failure: string | undefined;
  private readonly logger: Logger;

  constructor(options: PoolWorkerOptions, onGone: (w: PoolWorker) => void) {
    this.logger = options.logger;
    const source = typeof __LIGHTTRACE_INGEST_WORKER__ === "string" ? __LIGHTTRACE_INGEST_WORKER__ : undefined;
    const workerOptions = { resourceLimits: options.resourceLimits, name: "lighttrace-ingest" };
    this.worker = source
      ? new Worker(source, { ...workerOptions, eval: true })
      : new Worker(new URL("./worker-main.ts", import.meta.url), workerOptions);
    this.worker.unref();
    this.worker.on("message", (msg: FromWorker) => {
      if (msg.type === "ready") this.isReady = true;
      else this.jobs.get(msg.id)?.handle(msg);
    });
    this.worker.on("error", (err) => (this.failure ??= err.message));
    this.worker.on("messageerror", (err) => (this.failure ??= `a message could not be read: ${err.message}`));
    this.worker.on("exit", (code) => {
      onGone(this);
      const why = this.stopping ?? this.failure ?? `exit code ${code}`;
      if (!this.stopping || this.jobs.size) this.logger.error("an ingest worker stopped; its requests failed", { reason: why, jobs: this.jobs.size });
      const err = new WorkerCrashedError(`the event could not be processed (${why}); nothing was stored`);
      for (const job of [...this.jobs.values()]) job.settle(err);
    });
  }

  /** Its code is loaded and it takes jobs (and it is not being stopped). */
  get ready(): boolean {
    return this.isReady && this.stopping === undefined;
  }

  get load(): number {
    return this.jobs.size;
  }

  /** Being stopped: takes no new jobs. */
  get stopped(): boolean {
    return this.stopping !== undefined;
  }

  track(id: number, job: WorkerJob): void {
    this.jobs.set(id, job);
  }

  untrack(id: number): void {
    this.jobs.delete(id);
  }

  post(msg: ToWorker, transfer: ArrayBuffer[] = []): void {
    this.worker.postMessage(msg, transfer);
  }

  /** The project's settings for a job: the snapshot itself only when this worker has not seen that version. */
  configMessage(project: VersionedProjectConfig): ConfigMessage {
    if (this.knownConfigs.get(project.projectId) === project.version) return { projectId: project.projectId, version: project.version };
    if (this.knownConfigs.size > 10_000) this.knownConfigs.clear();
    this.knownConfigs.set(project.projectId, project.version);
    return { projectId: project.projectId, version: project.version, config: project.config };
  }

  /** A job overran its time: the worker is stuck (a bug or a pathological input); replace it. */
  hung(why: string): void {
    void this.stop(why);
  }

  async stop(why: string): Promise<void> {
    this.stopping ??= why;
    await this.worker.terminate();
  }
}
