import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { Store } from "../../src/store/types.ts";
import { commit, committerFor, job, newProject, NOW_MS, rawEvent } from "./_ingest.ts";
import { STORE_BACKENDS, type TestDatabase } from "./backends.ts";

const NOW_SEC = NOW_MS / 1000;

/** Conformance: the SQL side of retention — counts, oldest-first deletes that spare pinned events, age cut-offs (every backend). */
describe.each(STORE_BACKENDS)("retention ($name)", (backend) => {
  let database: TestDatabase;
  let store: Store;
  let projectId: number;
  beforeEach(async () => {
    database = await backend.create();
    store = await database.open();
    projectId = await newProject(store);
  });
  afterEach(() => database.destroy());

  /** Events of one site at the given ages (seconds before now), in one commit; returns the issue id. */
  const events = async (site: string, agesSec: number[], project = projectId): Promise<number> => {
    const [outcomes] = await commit(committerFor(store), [await job(store, project, agesSec.map((age) => rawEvent(site, { timestamp: NOW_SEC - age })))]);
    return outcomes![0]!.issueId;
  };
  const eventTimes = async (issueId: number) =>
    (await store.listIssueEvents(issueId, { limit: 100, offset: 0, newestFirst: false })).map((e) => NOW_SEC - e.timestampSec).sort((a, b) => a - b);

  it("counts stored events per project and per issue with the pinned ones (each issue's first)", async () => {
    const a = await events("a", [50, 40, 30, 20, 10]);
    const b = await events("b", [5, 4]);
    const other = await newProject(store);
    await events("c", [1], other);
    expect(await store.storedEventCount(projectId)).toBe(7);
    expect(await store.storedEventCount(other)).toBe(1);
    expect(await store.issueStoredCounts(projectId)).toEqual([
      { issueId: Math.min(a, b), storedEvents: a < b ? 5 : 2, pinnedEvents: 1 },
      { issueId: Math.max(a, b), storedEvents: a < b ? 2 : 5, pinnedEvents: 1 },
    ]);
    expect(await store.issueStoredCounts(await newProject(store))).toEqual([]);
  });

  it("deletes an issue's oldest unpinned events, at most `limit` per call, never the pinned first one", async () => {
    const a = await events("a", [50, 40, 30, 20, 10]);
    const b = await events("b", [45, 5]);
    const before = (await store.getIssue(a))!;
    expect(await store.deleteOldestEvents(a, 2)).toBe(2);
    // the first event (age 50) is pinned: ages 40 and 30 went
    expect(await eventTimes(a)).toEqual([10, 20, 50]);
    expect(await store.deleteOldestEvents(a, 100)).toBe(2);
    expect(await eventTimes(a)).toEqual([50]);
    expect(await store.deleteOldestEvents(a, 100)).toBe(0);
    expect(await eventTimes(b)).toEqual([5, 45]);
    // counters are not derived from stored events
    expect((await store.getIssue(a))!.eventCount).toBe(before.eventCount);
    expect(await store.storedEventCount(projectId)).toBe(3);
  });

  it("deletes the project's unpinned events older than a cut-off, in bounded batches", async () => {
    const a = await events("a", [900, 800, 700, 100]);
    const b = await events("b", [600, 10]);
    const other = await newProject(store);
    const c = await events("c", [900, 800], other);
    const cutoff = NOW_SEC - 500;
    expect(await store.deleteEventsOlderThan(projectId, cutoff, 1)).toBe(1);
    expect(await store.deleteEventsOlderThan(projectId, cutoff, 100)).toBe(1);
    expect(await store.deleteEventsOlderThan(projectId, cutoff, 100)).toBe(0);
    expect(await eventTimes(a)).toEqual([100, 900]);
    // b's first event (600) is pinned and stays
    expect(await eventTimes(b)).toEqual([10, 600]);
    expect(await eventTimes(c)).toEqual([800, 900]);
  });
});
