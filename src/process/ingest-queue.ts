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
  /**
   * Whether more jobs are on their way (e.g. bodies still being processed by the ingest workers):
   * then a batch waits for them, up to `maxCommitWaitMs`. Without it every batch commits at once.
   */
  moreComing?: () => boolean;
  /** how long the oldest job of a batch may wait for more to join it while `moreComing` says so; default 5 ms */
  maxCommitWaitMs?: number;
}

interface Pending {
  job: IngestJob;
  /** what the job counted against `maxQueuedBytes` when it was handed in */
  bytes: number;
  /** when it joined the queue (performance.now()) */
  queuedAtMs: number;
  resolve: (outcomes: EventOutcome[]) => void;
  reject: (err: Error) => void;
}

/**
 * Group commit: requests hand in jobs and wait; jobs that arrive while the writer is busy are
 * committed together in the next transaction. While more jobs are on their way (`moreComing`), a
 * batch waits for them up to `maxCommitWaitMs`: each transaction rewrites every page it touches
 * (issue rows and their seven indexes, counters, usage), so the pages per event fall as batches
 * grow (bench:ingest-stages: 28 KB of WAL and 200 µs of commit CPU per event in batches of 6,
 * 14 KB and 145 µs in batches of 32; bench:ingest, 32 connections: ~6 events per commit without
 * the wait, 10–16 with it; 5 ms wrote a little less per event than 2 ms at the same rate). A
 * request is answered only after the transaction
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
  /** set while a batch waits for more jobs */
  private waitTimer: NodeJS.Timeout | undefined;
  /** events of the jobs in `pending` (a job without events counts as one, as in a batch) */
  private pendingEvents = 0;
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
      this.pending.push({ job, bytes, queuedAtMs: performance.now(), resolve, reject });
      this.pendingEvents += Math.max(1, job.events.length);
      // a waiting batch goes as soon as it is full or nothing more is coming
      if (this.waitTimer && this._waitMs() === 0) this._stopWaiting();
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
      const waitMs = this._waitMs();
      if (waitMs > 0) {
        this.waitTimer = setTimeout(() => this._stopWaiting(), waitMs);
        return;
      }
      this.scheduled = false;
      void this.flush();
    });
  }

  /** Ends a batch's wait: it is committed now. */
  private _stopWaiting(): void {
    clearTimeout(this.waitTimer);
    this.waitTimer = undefined;
    this.scheduled = false;
    void this.flush();
  }

  /** How much longer the pending jobs wait for more to join them: 0 when the batch is full or nothing more is coming. */
  private _waitMs(): number {
    if (!this.options.moreComing || this.pending.length === 0 || this.pendingEvents >= this.options.maxBatchSize || !this.options.moreComing()) return 0;
    const waited = performance.now() - this.pending[0]!.queuedAtMs;
    return Math.max(0, (this.options.maxCommitWaitMs ?? DEFAULT_MAX_COMMIT_WAIT_MS) - waited);
  }

  private async flush(): Promise<void> {
    if (this.flushing) return;
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
        // what arrived meanwhile is the next batch, which may wait for more like the first (schedule)
        if (this.options.moreComing) break;
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
    const batch = this.pending.splice(0, n);
    this.pendingEvents -= events;
    return batch;
  }
}

// --- Internal ---

const DEFAULT_MAX_COMMIT_WAIT_MS = 5;

function _jobBytes(job: IngestJob): number {
  let bytes = 0;
  for (const ev of job.events) bytes += ev.payload.length;
  return bytes;
}
