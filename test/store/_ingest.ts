import { normalizeEvent } from "../../src/events/normalize.ts";
import { computeGrouping, DEFAULT_GROUPING_CONFIG } from "../../src/grouping/mechanisms.ts";
import { BatchCommitter } from "../../src/process/commit-batch.ts";
import { AlertDecider } from "../../src/process/decide-alerts.ts";
import { prepareEvent } from "../../src/process/prepare-event.ts";
import type { EventOutcome, IngestJob, PreparedEvent } from "../../src/process/types.ts";
import { createProject } from "../../src/projects/create-project.ts";
import type { IngestStore, Store } from "../../src/store/types.ts";
import type { WritePlan, WriteResult } from "../../src/store/write-plan.ts";

/** The suite's clock: every job is received at a fixed time (plus offsets the tests choose). */
export const NOW_MS = 1_795_850_000_000;

let counter = 0;

/** A fresh event id (32 hex). */
export function eventId(): string {
  return (++counter).toString(16).padStart(8, "0") + "e".repeat(24);
}

/** A raw SDK error event thrown at `site` (same site = same grouping = same issue). */
export function rawEvent(site: string, overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    event_id: eventId(), timestamp: NOW_MS / 1000, platform: "node", level: "error",
    exception: { values: [{ type: "TypeError", value: `failed at ${site}`, stacktrace: { frames: [{ filename: `/srv/${site}.js`, function: site, lineno: 3, in_app: true }] } }] },
    ...overrides,
  };
}

/** An event as ingest prepares it (normalise → prepare → the store's payload encoding). */
export async function prepared(store: IngestStore, raw: Record<string, unknown>, receivedAtMs = NOW_MS): Promise<PreparedEvent> {
  const ev = prepareEvent(normalizeEvent(raw, { receivedAtMs: receivedAtMs, newEventId: eventId }), DEFAULT_GROUPING_CONFIG);
  return { ...ev, payload: await store.encodeEventPayload(ev.payload) };
}

/** A job of prepared events (and extra job fields). */
export async function job(store: IngestStore, projectId: number, raws: Record<string, unknown>[], extra: Partial<IngestJob> = {}): Promise<IngestJob> {
  const receivedAtMs = extra.receivedAtMs ?? NOW_MS;
  return { projectId, events: await Promise.all(raws.map((r) => prepared(store, r, receivedAtMs))), itemCounts: new Map(), receivedAtMs, ...extra };
}

/** An event whose grouping changed (as a symbolicated one's does) and which names its old grouping as fallback. */
export async function withFallback(store: IngestStore, site: string, fallbackSite: string, overrides: Record<string, unknown> = {}): Promise<PreparedEvent> {
  const ev = await prepared(store, rawEvent(site, overrides));
  ev.fallbackGroupings = [computeGrouping(normalizeEvent(rawEvent(fallbackSite), { receivedAtMs: NOW_MS, newEventId: eventId }), DEFAULT_GROUPING_CONFIG)];
  return ev;
}

/** A project with the default alert rule (new issues and regressions), as every path creates one. */
export async function newProject(store: Store, slug = `p${++counter}`): Promise<number> {
  const org = await store.ensureOrganization("conformance", "Conformance");
  return (await createProject(store, { slug, name: slug, platform: "node", organizationId: org.id })).project.id;
}

/** Commits jobs through processing (plan → store) as ingest does; throws if any job failed. */
export async function commit(committer: BatchCommitter, jobs: IngestJob[]): Promise<EventOutcome[][]> {
  const { results } = await committer.commit(jobs);
  return results.map((r) => {
    if (r instanceof Error) throw r;
    return r;
  });
}

/** The committer ingest builds: alerts decided by a batch-shaped decider. */
export function committerFor(store: IngestStore): BatchCommitter {
  return new BatchCommitter({ store, alerts: new AlertDecider(store) });
}

/**
 * Another node: the same store, except that between its reads and its write, `meanwhile` runs
 * once (another node committing, the API changing an issue). Its write results are recorded.
 */
export function interleaved(store: Store, meanwhile: () => Promise<void>): { node: IngestStore; results: WriteResult[] } {
  let pending: (() => Promise<void>) | undefined = meanwhile;
  const results: WriteResult[] = [];
  const node: IngestStore = {
    readIngestState: (q) => store.readIngestState(q),
    readRegressionState: (p, i, r) => store.readRegressionState(p, i, r),
    alertRulesVersion: () => store.alertRulesVersion(),
    activeAlertRules: (p) => store.activeAlertRules(p),
    issueEventTotals: (i, f, t) => store.issueEventTotals(i, f, t),
    encodeEventPayload: (json) => store.encodeEventPayload(json),
    async executeWritePlan(plan: WritePlan) {
      const run = pending;
      pending = undefined;
      if (run) await run();
      const result = await store.executeWritePlan(plan);
      results.push(result);
      return result;
    },
  };
  return { node, results };
}

/** An empty plan to add rows to. */
export function emptyPlan(): WritePlan {
  return {
    issues: [], groupings: [], events: [], tagValues: [], hourlyCounts: [], releases: [], releaseHourlyEvents: [], releaseRegressions: [],
    usage: [], itemCounts: [], outcomes: [], sessions: [], traces: [], alerts: [],
  };
}

/** Commits one job and returns its first event's outcome. */
export async function commitOne(committer: BatchCommitter, one: IngestJob): Promise<EventOutcome> {
  return (await commit(committer, [one]))[0]![0]!;
}
