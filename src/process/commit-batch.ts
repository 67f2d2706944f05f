import { StorageUnavailableError } from "../store/errors.ts";
import type { IngestStore } from "../store/types.ts";
import type { AlertDecider } from "./decide-alerts.ts";
import { planBatch } from "./plan-batch.ts";
import type { EventOutcome, IngestJob } from "./types.ts";

/** What committing a batch did: each job's outcomes (or its error), and what alerting made of it. */
export interface CommittedBatch {
  results: (EventOutcome[] | Error)[];
  /** outbox rows written (the dispatcher wakes when there are any) */
  alertsEnqueued: number;
  /** alert rule failures to log */
  alertErrors: unknown[];
}

/** The batch kept conflicting with other writers: it is failed (unacknowledged), the SDKs retry. */
export class BatchConflictError extends Error {
  override name = "BatchConflictError";
}

/**
 * Commits ingest batches: plans each (src/process/plan-batch.ts), has the store persist the plan in
 * one transaction, and handles what can go wrong.
 * - A conflict (another writer claimed a grouping, changed an issue or stored an event since the
 *   reads) is planned again from fresh reads, up to `maxAttempts` times. SQLite in one process
 *   never conflicts; PostgreSQL nodes do when they open the same issue at once.
 * - One bad job fails alone: when a batch fails for a reason other than the database itself
 *   (`StorageUnavailableError`, e.g. a full disk), it is split in halves and each half is
 *   committed on its own, down to the single job that fails.
 */
export class BatchCommitter {
  private readonly store: IngestStore;
  private readonly decider: AlertDecider | undefined;
  private readonly maxAttempts: number;

  constructor(deps: { store: IngestStore; alerts?: AlertDecider; maxAttempts?: number }) {
    this.store = deps.store;
    this.decider = deps.alerts;
    this.maxAttempts = deps.maxAttempts ?? 5;
  }

  async commit(jobs: readonly IngestJob[]): Promise<CommittedBatch> {
    const out: CommittedBatch = { results: new Array(jobs.length), alertsEnqueued: 0, alertErrors: [] };
    await this._isolating(jobs, 0, out);
    return out;
  }

  // --- Internal ---

  private async _isolating(jobs: readonly IngestJob[], offset: number, out: CommittedBatch): Promise<void> {
    try {
      const outcomes = await this._commitWithRetries(jobs, out);
      outcomes.forEach((o, i) => (out.results[offset + i] = o));
    } catch (err) {
      if (jobs.length === 1 || err instanceof StorageUnavailableError || err instanceof BatchConflictError) {
        const error = err instanceof Error ? err : new Error(String(err));
        for (let i = 0; i < jobs.length; i++) out.results[offset + i] = error;
        return;
      }
      const half = Math.ceil(jobs.length / 2);
      await this._isolating(jobs.slice(0, half), offset, out);
      await this._isolating(jobs.slice(half), offset + half, out);
    }
  }

  private async _commitWithRetries(jobs: readonly IngestJob[], out: CommittedBatch): Promise<EventOutcome[][]> {
    for (let attempt = 1; ; attempt++) {
      const planned = await planBatch(this.store, this.decider, jobs);
      const result = await this.store.executeWritePlan(planned.plan);
      if (result.committed) {
        out.alertsEnqueued += result.outboxRowsInserted;
        out.alertErrors.push(...planned.alertErrors);
        return planned.committed(result.issueIds);
      }
      if (attempt >= this.maxAttempts) {
        throw new BatchConflictError(`the batch conflicted with other writers ${attempt} times (last: ${result.lostGroupings.length} groupings lost, `
          + `${result.changedIssueIds.length} issues changed, ${result.storedEvents.length} events stored meanwhile)`);
      }
    }
  }
}
