import { describe, expect, it } from "vitest";
import { usageMonth } from "../../src/process/quota.ts";
import type { IngestJob } from "../../src/process/types.ts";
import type { Store } from "../../src/store/types.ts";
import { committerFor, commit, commitOne, eventId, job, newProject, NOW_MS, rawEvent, withFallback } from "./_ingest.ts";
import { freshDatabasePerTest, STORE_BACKENDS } from "./backends.ts";

/** Conformance: what ingest writes through the store, and the reads it plans with (every backend). */
describe.each(STORE_BACKENDS)("ingest write path ($name)", (backend) => {
  let store!: Store;
  freshDatabasePerTest(backend, async (database) => { store = await database.open(); });

  it("stores an event once per project and event id: resent, or twice in one batch", async () => {
    const projectId = await newProject(store);
    const committer = committerFor(store);
    const first = rawEvent("dedupe");
    const stored = await commitOne(committer, await job(store, projectId, [first]));
    expect(stored).toMatchObject({ isDuplicate: false, isNewIssue: true });
    const again = await commit(committer, [await job(store, projectId, [first]), await job(store, projectId, [rawEvent("dedupe", { event_id: first.event_id })])]);
    expect(again.flat().map((o) => o.isDuplicate)).toEqual([true, true]);
    const twice = rawEvent("dedupe");
    const inBatch = await commit(committer, [await job(store, projectId, [twice, { ...twice }])]);
    expect(inBatch[0]!.map((o) => o.isDuplicate)).toEqual([false, true]);
    expect((await store.getIssue(stored.issueId))!.eventCount).toBe(2);
    // the same id in another project is another event
    const other = await newProject(store);
    const elsewhere = await commitOne(committer, await job(store, other, [first]));
    expect(elsewhere.isDuplicate).toBe(false);
    const state = await store.readIngestState([{ projectId, eventIds: [String(first.event_id), eventId()], hashes: [] }]);
    expect([...state.get(projectId)!.storedEventIds]).toEqual([first.event_id]);
  });

  it("groups by hash, then by fallback hashes (claiming the new hash for the old issue), and opens one issue per new grouping", async () => {
    const projectId = await newProject(store);
    const committer = committerFor(store);
    const minified = await commitOne(committer, await job(store, projectId, [rawEvent("minified")]));
    // a symbolicated event: new grouping, the minified one as fallback → the same issue
    const symbolicated = await withFallback(store, "symbolicated", "minified");
    const viaFallback = await commitOne(committer, { projectId, events: [symbolicated], itemCounts: new Map(), receivedAtMs: NOW_MS });
    expect(viaFallback).toMatchObject({ issueId: minified.issueId, isNewIssue: false });
    const state = await store.readIngestState([{ projectId, eventIds: [], hashes: [symbolicated.grouping.hash, symbolicated.fallbackGroupings![0]!.hash] }]);
    expect([...state.get(projectId)!.groupings.values()].map((g) => g.issueId)).toEqual([minified.issueId, minified.issueId]);
    expect(state.get(projectId)!.groupings.get(symbolicated.grouping.hash)).toMatchObject({ status: "unresolved", statusChangedAtSec: null });

    // in one batch: a new issue, then an event that finds it through its fallback, then a plain repeat
    const fresh = await withFallback(store, "fresh-symbolicated", "fresh");
    const outcomes = await commit(committer, [await job(store, projectId, [rawEvent("fresh")]), { projectId, events: [fresh], itemCounts: new Map(), receivedAtMs: NOW_MS },
      await job(store, projectId, [rawEvent("fresh-symbolicated")])]);
    const [opened, found, repeat] = outcomes.flat();
    expect(opened).toMatchObject({ isNewIssue: true });
    expect(found).toMatchObject({ issueId: opened!.issueId, isNewIssue: false });
    expect(repeat).toMatchObject({ issueId: opened!.issueId, isNewIssue: false });
    expect((await store.getIssue(opened!.issueId))!.eventCount).toBe(3);
    // a new issue claims its fallback groupings too
    const both = await withFallback(store, "brand-new", "brand-new-minified");
    const created = await commitOne(committer, { projectId, events: [both], itemCounts: new Map(), receivedAtMs: NOW_MS });
    const later = await commitOne(committer, await job(store, projectId, [rawEvent("brand-new-minified")]));
    expect(later.issueId).toBe(created.issueId);
  });

  it("finds an issue through a lookup-only fallback (a key of earlier rules), which a new issue does not claim", async () => {
    const projectId = await newProject(store);
    const committer = committerFor(store);
    const made = await commitOne(committer, await job(store, projectId, [rawEvent("old-rules")]));
    const rekeyed = await withFallback(store, "new-rules", "old-rules");
    rekeyed.fallbackGroupings = rekeyed.fallbackGroupings!.map((g) => ({ ...g, lookupOnly: true as const }));
    expect(await commitOne(committer, { projectId, events: [rekeyed], itemCounts: new Map(), receivedAtMs: NOW_MS })).toMatchObject({ issueId: made.issueId, isNewIssue: false });
    // a bug first seen under the new rules: its old key finds nothing and is not claimed …
    const fresh = await withFallback(store, "fresh-new-rules", "fresh-old-rules");
    fresh.fallbackGroupings = fresh.fallbackGroupings!.map((g) => ({ ...g, lookupOnly: true as const }));
    const opened = await commitOne(committer, { projectId, events: [fresh], itemCounts: new Map(), receivedAtMs: NOW_MS });
    expect(opened.isNewIssue).toBe(true);
    const state = await store.readIngestState([{ projectId, eventIds: [], hashes: [fresh.grouping.hash, fresh.fallbackGroupings[0]!.hash] }]);
    expect([...state.get(projectId)!.groupings.keys()]).toEqual([fresh.grouping.hash]);
    // … so an event keyed the old way makes its own issue
    expect((await commitOne(committer, await job(store, projectId, [rawEvent("fresh-old-rules")]))).issueId).not.toBe(opened.issueId);
  });

  it("keeps counters exact: a batch writes what the same events written one by one write", async () => {
    // the same events into two projects: one batch of 40 jobs, and 40 batches of one job
    const raws = (projectOffset: number) => Array.from({ length: 40 }, (_, i) => rawEvent(`site${i % 3}`, {
      event_id: (i + 1 + projectOffset).toString(16).padStart(32, "0"),
      // three hours, out of order; two releases and environments; repeated users
      timestamp: NOW_MS / 1000 - [0, 7200, 3600][i % 3]! - i,
      release: i % 4 === 0 ? undefined : `web@1.${i % 2}.0`, environment: i % 5 === 0 ? "staging" : "production",
      user: { id: `u${i % 7}` }, tags: { region: ["eu", "us"][i % 2] },
      exception: { values: [{ type: "TypeError", value: `failed at site${i % 3} #${i}`, stacktrace: { frames: [{ filename: `/srv/site${i % 3}.js`, function: `site${i % 3}`, lineno: 3, in_app: true }] } }] },
    }));
    const extras = (): Partial<IngestJob> => ({ itemCounts: new Map([["attachment", 2]]), clientDiscards: [{ reason: "queue_overflow", category: "error", quantity: 3 }] });
    const batched = await newProject(store);
    const single = await newProject(store);
    const committer = committerFor(store);
    const batchJobs = await Promise.all(raws(0).map((r) => job(store, batched, [r], extras())));
    await commit(committer, batchJobs);
    for (const r of raws(1000)) await commit(committer, [await job(store, single, [r], extras())]);

    const issuesOf = async (projectId: number) => (await store.listIssues({ projectIds: [projectId], tags: [], text: [], sort: "new", offset: 0, limit: 10, nowMs: NOW_MS }))
      .sort((a, b) => a.title.localeCompare(b.title));
    const [a, b] = [await issuesOf(batched), await issuesOf(single)];
    expect(a.map((i) => i.eventCount)).toEqual([14, 13, 13]);
    const comparable = (i: (typeof a)[number]) => ({
      title: i.title, eventCount: i.eventCount, userCount: i.userCount, firstSeen: i.firstSeenSec, lastSeen: i.lastSeenSec, firstRelease: i.firstRelease,
      lastRelease: i.lastRelease, level: i.level, metadata: i.metadata, isUnhandled: i.isUnhandled, status: i.status,
    });
    expect(a.map(comparable)).toEqual(b.map(comparable));
    expect(a[0]!.userCount).toBe(7);
    for (const [x, y] of a.map((issue, n) => [issue, b[n]!] as const)) {
      expect(await store.issueTagSummary(x.id, 20)).toEqual(await store.issueTagSummary(y.id, 20));
      expect(await store.issueTagValues(x.id, "region", 10)).toEqual(await store.issueTagValues(y.id, "region", 10));
      expect((await store.hourlyCounts([x.id], 0)).map((h) => [h.hour, h.count])).toEqual((await store.hourlyCounts([y.id], 0)).map((h) => [h.hour, h.count]));
    }
    const perProject = async (projectId: number) => ({
      releases: (await store.releaseEventCounts([projectId], 0)).map(({ projectId: _, ...r }) => r).sort((x, y) => `${x.release}${x.environment}`.localeCompare(`${y.release}${y.environment}`)),
      usage: await store.monthlyUsage(projectId, usageMonth(NOW_MS)),
      items: (await store.itemCounts(projectId)).map(({ projectId: _, ...c }) => c),
      outcomes: await store.projectOutcomes(projectId, 0),
      releaseFirstSeen: [...(await store.readRegressionState(projectId, [], ["web@1.0.0", "web@1.1.0"])).releaseFirstSeenSec],
    });
    const [pa, pb] = [await perProject(batched), await perProject(single)];
    expect(pa).toEqual(pb);
    expect(pa.usage).toBe(40);
    expect(pa.releases.reduce((n, r) => n + r.events, 0)).toBe(30);
    expect(pa.items).toEqual([{ itemType: "attachment", day: Math.floor(NOW_MS / 86_400_000), count: 80 }]);
    expect(pa.outcomes).toEqual([{ outcome: "client_discard", reason: "queue_overflow", category: "error", quantity: 120 }]);
  });

  it("reads issue event totals over an hour range from the hourly counts", async () => {
    const projectId = await newProject(store);
    const hour = Math.floor(NOW_MS / 3_600_000);
    const raws = [0, 1, 1, 2, 2, 2].map((h) => rawEvent("totals", { timestamp: (hour - h) * 3600 + 10 }));
    const first = await commitOne(committerFor(store), await job(store, projectId, raws));
    expect([...(await store.issueEventTotals([first.issueId], hour - 2, hour))]).toEqual([[first.issueId, 5]]);
    expect([...(await store.issueEventTotals([first.issueId, 999_999], hour, hour + 1))]).toEqual([[first.issueId, 1]]);
  });
});
