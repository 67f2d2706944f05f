import type { ProjectConfigSnapshot } from "../../process/project-config.ts";
import { ChunkQueue } from "./chunk-queue.ts";
import type { PoolWorker, WorkerJob } from "./pool-worker.ts";
import { processBody } from "./process-body.ts";
import { deserializeError, type BodySpec, type FromWorker, type ProcessedBody, type ProcessedEvent } from "./protocol.ts";

/** A request body being processed; fed with `push`/`end` when it was started with more to come. */
export interface BodyJob {
  readonly result: Promise<ProcessedBody>;
  /** resolves when the job is answered or failed, whichever way */
  readonly whenSettled: Promise<void>;
  /** answered (or failed) already: reading the rest of the body is pointless then */
  readonly settled: boolean;
  /** Hands over a chunk (transferred); resolves once little enough is waiting, or the job settled. */
  push(chunk: Buffer): Promise<void>;
  end(): void;
  /** Abandons the job (the request failed on the main thread). */
  cancel(): void;
}

export type HeaderCheck = (headers: Record<string, unknown>) => Promise<void>;

/** Body bytes handed to a worker and not yet taken by its decoder, past which the request stops being read. */
const STREAM_WINDOW_BYTES = 1024 * 1024;

/** A body processed in a worker thread. */
export class WorkerBodyJob implements BodyJob, WorkerJob {
  readonly result: Promise<ProcessedBody>;
  readonly whenSettled: Promise<void>;
  private settledFlag = false;
  private waitingBytes = 0;
  private drained: (() => void) | undefined;
  private timer: NodeJS.Timeout | undefined;
  private resolveResult!: (body: ProcessedBody) => void;
  private rejectResult!: (err: Error) => void;
  private readonly worker: PoolWorker;
  private readonly id: number;
  private readonly onHeader: HeaderCheck | undefined;
  private readonly timeoutMs: number;

  constructor(worker: PoolWorker, id: number, onHeader: HeaderCheck | undefined, timeoutMs: number) {
    this.worker = worker;
    this.id = id;
    this.onHeader = onHeader;
    this.timeoutMs = timeoutMs;
    this.result = new Promise((resolve, reject) => {
      this.resolveResult = resolve;
      this.rejectResult = reject;
    });
    this.result.catch(() => {}); // the route awaits it; a failure before then is not unhandled
    this.whenSettled = this.result.then(() => {}, () => {});
  }

  get settled(): boolean {
    return this.settledFlag;
  }

  async push(chunk: Buffer): Promise<void> {
    if (this.settledFlag) return;
    this.waitingBytes += chunk.length;
    this.worker.post({ type: "chunk", id: this.id, body: chunk, more: true }, [chunk.buffer as ArrayBuffer]);
    if (this.waitingBytes > STREAM_WINDOW_BYTES) await new Promise<void>((resolve) => (this.drained = resolve));
  }

  end(): void {
    if (this.settledFlag) return;
    this.worker.post({ type: "chunk", id: this.id, body: new Uint8Array(0), more: false });
    this.bodyComplete();
  }

  cancel(): void {
    if (this.settledFlag) return;
    this.worker.post({ type: "cancel", id: this.id });
    this.settle(new Error("cancelled"));
  }

  /** The whole body is with the worker: from now on the job must finish in time, or the worker is stuck. */
  bodyComplete(): void {
    this.timer = setTimeout(() => this.worker.hung(`a job ran for more than ${this.timeoutMs} ms`), this.timeoutMs);
    this.timer.unref();
  }

  handle(msg: FromWorker): void {
    switch (msg.type) {
      case "header":
        // the DSN check; a refusal fails the request and drops the job in the worker
        Promise.resolve(msg.headers).then(this.onHeader!).then(
          () => { if (!this.settledFlag) this.worker.post({ type: "resume", id: this.id }); },
          (err: unknown) => {
            if (this.settledFlag) return;
            this.worker.post({ type: "cancel", id: this.id });
            this.settle(err instanceof Error ? err : new Error(String(err)));
          },
        );
        break;
      case "consumed":
        this.waitingBytes -= msg.bytes;
        if (this.waitingBytes <= STREAM_WINDOW_BYTES) this.wakeReader();
        break;
      case "done":
        this.settle(msg.body);
        break;
      case "failed":
        this.settle(deserializeError(msg.error));
        break;
      default:
        break;
    }
  }

  settle(outcome: ProcessedBody | Error): void {
    if (this.settledFlag) return;
    this.settledFlag = true;
    clearTimeout(this.timer);
    this.worker.untrack(this.id);
    this.wakeReader();
    if (outcome instanceof Error) this.rejectResult(outcome);
    else this.resolveResult(outcome);
  }

  // --- Internal ---

  private wakeReader(): void {
    const drained = this.drained;
    this.drained = undefined;
    drained?.();
  }
}

/**
 * A body processed on the main thread, by the same stages, while no worker is ready yet (the first
 * requests after start-up, or after the pool was stopped as idle): nobody waits for a thread to load.
 */
export class InlineBodyJob implements BodyJob {
  readonly result: Promise<ProcessedBody>;
  readonly whenSettled: Promise<void>;
  private settledFlag = false;
  private readonly queue = new ChunkQueue();

  constructor(spec: BodySpec, config: ProjectConfigSnapshot, first: Buffer, more: boolean, onHeader: HeaderCheck | undefined) {
    this.queue.push(first);
    if (!more) this.queue.end();
    this.result = processBody(spec, config, this.queue, onHeader);
    this.result.catch(() => {});
    this.whenSettled = this.result.then(() => {}, () => {}).finally(() => (this.settledFlag = true));
  }

  get settled(): boolean {
    return this.settledFlag;
  }

  async push(chunk: Buffer): Promise<void> {
    this.queue.push(chunk);
  }

  end(): void {
    this.queue.end();
  }

  cancel(): void {
    this.queue.fail(new Error("cancelled"));
  }
}

/** A symbolicated event being prepared again in a worker. */
export class WorkerPrepareJob implements WorkerJob {
  readonly result: Promise<{ event: ProcessedEvent; payload: Buffer }>;
  private resolve!: (r: { event: ProcessedEvent; payload: Buffer }) => void;
  private reject!: (err: Error) => void;
  private readonly timer: NodeJS.Timeout;
  private readonly worker: PoolWorker;
  private readonly id: number;

  constructor(worker: PoolWorker, id: number, timeoutMs: number) {
    this.worker = worker;
    this.id = id;
    this.result = new Promise((resolve, reject) => {
      this.resolve = resolve;
      this.reject = reject;
    });
    this.timer = setTimeout(() => this.worker.hung(`a job ran for more than ${timeoutMs} ms`), timeoutMs);
    this.timer.unref();
  }

  handle(msg: FromWorker): void {
    if (msg.type === "prepared") this.settle({ event: msg.event, payload: Buffer.from(msg.payload) });
    else if (msg.type === "failed") this.settle(deserializeError(msg.error));
  }

  settle(outcome: { event: ProcessedEvent; payload: Buffer } | Error): void {
    clearTimeout(this.timer);
    this.worker.untrack(this.id);
    if (outcome instanceof Error) this.reject(outcome);
    else this.resolve(outcome);
  }
}
