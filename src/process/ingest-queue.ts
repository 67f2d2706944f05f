import type { Logger } from "../logger.ts";
import type { Store } from "../store/types.ts";
import type { BatchCommitter, CommittedBatch } from "./commit-batch.ts";
import type { EventOutcome, IngestJob } from "./types.ts";

export class QueueFullError extends Error {
  override name = "QueueFullError";
}

export interface IngestQueueOptions {
  maxQueuedEvents: number;
  maxQueuedBytes: number;
  maxBatchSize: number;
  logger: Logger;
  /** plans and commits each batch (src/process/commit-batch.ts) */
  committer: Pick<BatchCommitter, "commit">;
  /** called after each commit with what it stored and what alerting made of it */
  onCommitted?: (outcomes: EventOutcome[], batch: CommittedBatch) => void;
}

interface Pending {
  job: IngestJob;
  /** what the job counted against `maxQueuedBytes` when it was handed in */
  bytes: number;
  resolve: (outcomes: EventOutcome[]) => void;
  reject: (err: Error) => void;
}

/**
 * Group commit: requests hand in jobs and wait; jobs that arrive while the writer is busy are
 * committed together in the next transaction. A request is answered only after the transaction
 * holding its job has committed, so nothing acknowledged can be lost. Bounded: past
 * `maxQueuedEvents` events or `maxQueuedBytes` of event payloads it refuses new work (ingest turns
 * that into 503 + Retry-After).
 */
export class IngestQueue {
  private pending: Pending[] = [];
  private queuedEvents = 0;
  private queuedBytes = 0;
  private flushing = false;
  private scheduled = false;
  private idleWaiters: (() => void)[] = [];

  private readonly store: Store;
  private readonly options: IngestQueueOptions;

  constructor(store: Store, options: IngestQueueOptions) {
    this.store = store;
    this.options = options;
  }

  async submit(job: IngestJob): Promise<EventOutcome[]> {
    const weight = Math.max(1, job.events.length);
    const bytes = _jobBytes(job);
    if (this.queuedEvents + weight > this.options.maxQueuedEvents || (this.queuedBytes > 0 && this.queuedBytes + bytes > this.options.maxQueuedBytes)) {
      throw new QueueFullError("ingest queue is full");
    }
    this.queuedEvents += weight;
    this.queuedBytes += bytes;
    try {
      // ingest workers hand in encoded payloads; JSON text (events prepared in this thread) is
      // encoded here, before the batch, so commits stay short
      await Promise.all(job.events.map(async (ev) => { if (typeof ev.payload === "string") ev.payload = await this.store.encodeEventPayload(ev.payload); }));
    } catch (err) {
      this.queuedEvents -= weight;
      this.queuedBytes -= bytes;
      this.notifyIfIdle();
      throw err;
    }
    return new Promise((resolve, reject) => {
      this.pending.push({ job, bytes, resolve, reject });
      this.schedule();
    });
  }

  get depth(): number {
    return this.queuedEvents;
  }

  /** Resolves once every job handed in so far (still encoding or queued) has been committed or failed. */
  drain(): Promise<void> {
    if (this.queuedEvents === 0 && !this.flushing) return Promise.resolve();
    return new Promise((resolve) => this.idleWaiters.push(resolve));
  }

  // --- Internal ---

  private schedule(): void {
    if (this.scheduled || this.flushing) return;
    this.scheduled = true;
    // setImmediate: let every request already read in this loop turn join the batch
    setImmediate(() => {
      this.scheduled = false;
      void this.flush();
    });
  }

  private async flush(): Promise<void> {
    this.flushing = true;
    try {
      while (this.pending.length > 0) {
        const batch = this.takeBatch();
        let committedBatch: CommittedBatch;
        try {
          committedBatch = await this.options.committer.commit(batch.map((p) => p.job));
        } catch (err) {
          this.options.logger.error("ingest batch failed to commit", { error: err, jobs: batch.length });
          const failure = err instanceof Error ? err : new Error(String(err));
          committedBatch = { results: batch.map(() => failure), alertsEnqueued: 0, alertErrors: [] };
        }
        const results = committedBatch.results;
        const committed: EventOutcome[] = [];
        // one failure for the whole batch (e.g. a full disk) is logged once, not once per job
        const batchError = results.length > 1 && results.every((r) => r === results[0]) && results[0] instanceof Error ? results[0] : undefined;
        if (batchError) this.options.logger.error("ingest batch failed to commit", { error: batchError, jobs: batch.length });
        batch.forEach((p, i) => {
          this.queuedEvents -= Math.max(1, p.job.events.length);
          this.queuedBytes -= p.bytes;
          const result = results[i]!;
          if (result instanceof Error) {
            if (!batchError) this.options.logger.error("ingest job failed", { error: result, projectId: p.job.projectId });
            p.reject(result);
          } else {
            committed.push(...result);
            p.resolve(result);
          }
        });
        if (this.options.onCommitted && (committed.length || committedBatch.alertErrors.length)) this.options.onCommitted(committed, committedBatch);
        if (this.pending.length > 0) await new Promise((r) => setImmediate(r)); // let new requests in
      }
    } finally {
      this.flushing = false;
      if (this.pending.length > 0) this.schedule();
      else this.notifyIfIdle();
    }
  }

  private notifyIfIdle(): void {
    if (this.queuedEvents === 0 && !this.flushing) for (const waiter of this.idleWaiters.splice(0)) waiter();
  }

  private takeBatch(): Pending[] {
    let events = 0;
    let n = 0;
    while (n < this.pending.length && (n === 0 || events < this.options.maxBatchSize)) {
      events += Math.max(1, this.pending[n]!.job.events.length);
      n++;
    }
    return this.pending.splice(0, n);
  }
}

// --- Internal ---

function _jobBytes(job: IngestJob): number {
  let bytes = 0;
  for (const ev of job.events) bytes += ev.payload.length;
  return bytes;
}
