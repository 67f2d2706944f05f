import type { IngestStore, RegressionState } from "../store/types.ts";
import type { WritePlan } from "../store/write-plan.ts";
import { aggregateCounters } from "./aggregate-counters.ts";
import type { AlertDecider } from "./decide-alerts.ts";
import { decideRegressions, regressionQueries } from "./decide-regressions.ts";
import { ingestStateQueries, resolveGroupings } from "./resolve-groupings.ts";
import { planTriageState } from "./triage-state.ts";
import type { EventOutcome, IngestJob } from "./types.ts";

/** A batch's write plan, and how to read its result. */
export interface PlannedBatch {
  plan: WritePlan;
  /** rule failures met while deciding alerts (the events are stored regardless) */
  alertErrors: unknown[];
  /** once committed, with the ids the store gave the plan's issues: each job's event outcomes, in order */
  committed(issueIds: readonly number[]): EventOutcome[][];
}

/**
 * One batch through every processing stage: reads (stored event ids, groupings) → where each
 * event goes (src/process/resolve-groupings.ts) → which resolved issues reopen
 * (decide-regressions.ts) → counters per key (aggregate-counters.ts) → the triage state
 * (triage-state.ts) → alerts (decide-alerts.ts).
 * The store reads happen here, before the write; the plan carries the state it was decided on.
 */
export async function planBatch(store: IngestStore, decider: AlertDecider | undefined, jobs: readonly IngestJob[]): Promise<PlannedBatch> {
  const queries = ingestStateQueries(jobs);
  const resolution = resolveGroupings(jobs, queries.length ? await store.readIngestState(queries) : new Map());
  const regressionState = new Map<number, RegressionState>();
  for (const q of regressionQueries(resolution)) regressionState.set(q.projectId, await store.readRegressionState(q.projectId, q.issueIds, q.releases));
  const reopening = decideRegressions(resolution, regressionState);
  const counters = aggregateCounters(jobs, resolution, reopening);
  await planTriageState(store, jobs, counters);
  const alerts = decider ? await decider.decide(resolution, reopening) : undefined;
  return {
    plan: { ...counters, alerts: alerts?.alerts ?? [] },
    alertErrors: alerts?.errors ?? [],
    committed(issueIds) {
      alerts?.commit(issueIds);
      return jobs.map((job, j) => job.events.map((ev, e): EventOutcome => {
        const placed = resolution.placements[j]![e];
        if (!placed) return { eventId: ev.eventId, issueId: 0, isNewIssue: false, isRegression: false, isDuplicate: true };
        return { eventId: ev.eventId, issueId: issueIds[placed.issue]!, isNewIssue: placed.opensIssue, isRegression: reopening.get(placed.issue) === placed, isDuplicate: false };
      }));
    },
  };
}
