import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Issue, IssueFilter, IssueSort, Store } from "../../src/store/types.ts";
import { committerFor, commit, job, newProject, NOW_MS, rawEvent } from "./_ingest.ts";
import { STORE_BACKENDS, type TestDatabase } from "./backends.ts";

const HOUR_MS = 3_600_000;
const DAY_MS = 24 * HOUR_MS;

/**
 * Conformance: issue lists (every backend). Issues made by the real write path; each sort paged
 * forwards and backwards by keyset anchors against the order computed here from the issues'
 * fields; the triage order from the write path's triage state; free text over title, culprit,
 * message and tag values.
 */
describe.each(STORE_BACKENDS)("issue lists ($name)", (backend) => {
  let database: TestDatabase;
  let store: Store;
  let projectId: number;
  let otherProjectId: number;
  const ids: Record<string, number> = {};

  /** `count` events of issue `site` received at `atMs`, each from one of `users` users. */
  const send = async (site: string, atMs: number, count: number, users: number, extra: Record<string, unknown> = {}, project = projectId) => {
    const raws = Array.from({ length: count }, (_, i) => rawEvent(site, { timestamp: atMs / 1000 - i, user: { id: `${site}-u${i % users}` }, ...extra }));
    const [outcomes] = await commit(committerFor(store), [await job(store, project, raws, { receivedAtMs: atMs })]);
    ids[site] = outcomes![0]!.issueId;
  };
  const list = (overrides: Partial<IssueFilter>): Promise<Issue[]> =>
    store.listIssues({ projectIds: [projectId, otherProjectId], statuses: ["unresolved"], tags: [], text: [], sort: "date", offset: 0, limit: 100, nowMs: NOW_MS, ...overrides });
  const titles = (issues: Issue[]) => issues.map((i) => i.title.replace("TypeError: failed at ", ""));

  beforeAll(async () => {
    database = await backend.create();
    store = await database.open();
    projectId = await newProject(store);
    otherProjectId = await newProject(store);
    const old = NOW_MS - 3 * DAY_MS;
    // old and quiet, with users and events in several amounts
    await send("steady", old, 5, 5);
    await send("crowd", old + HOUR_MS, 9, 8);
    await send("tie-a", old + 2 * HOUR_MS, 3, 3, { tags: { customer: "Acme-Corp", note: "needle in the Haystack" } });
    await send("tie-b", old + 2 * HOUR_MS, 3, 3, {}, otherProjectId);
    await send("single", old + 3 * HOUR_MS, 1, 1, { transaction: "checkout/submitOrder" });
    // old, then 15 events in the current hour: a spike (the write path makes it a candidate)
    await send("spike", old, 1, 1);
    await send("spike", NOW_MS - 60_000, 15, 2);
    // old, resolved, then seen again now: regressed
    await send("comeback", old, 4, 4);
    await store.setIssueStatus(ids.comeback!, "resolved", (old + DAY_MS) / 1000);
    await send("comeback", NOW_MS - 120_000, 1, 1);
    // first seen now: new
    await send("fresh", NOW_MS - 30_000, 2, 2);
    // resolved and quiet: only with its status
    await send("gone", old, 6, 6);
    await store.setIssueStatus(ids.gone!, "resolved", (old + DAY_MS) / 1000);
  });
  afterAll(() => database.destroy());

  const keyOf: Record<Exclude<IssueSort, "priority">, (i: Issue) => number[]> = {
    date: (i) => [i.lastSeenSec, i.id],
    new: (i) => [i.firstSeenSec, i.id],
    freq: (i) => [i.eventCount, i.id],
    user: (i) => [i.userCount, i.eventCount, i.lastSeenSec, i.id],
  };

  it.each(["date", "new", "freq", "user"] as const)("sorts by %s, and pages forwards and back by keyset anchors to the same order", async (sort) => {
    const all = await list({ sort });
    const expected = [...all].sort((a, b) => {
      const [ka, kb] = [keyOf[sort](a), keyOf[sort](b)];
      for (let i = 0; i < ka.length; i++) if (ka[i] !== kb[i]) return kb[i]! - ka[i]!;
      return 0;
    });
    expect(all.map((i) => i.id)).toEqual(expected.map((i) => i.id));
    expect(all).toHaveLength(8);
    await _expectPaging(list, sort, all.map((i) => i.id));
  });

  it("puts new, regressed and spiking issues first, then orders by affected users, and pages through both parts", async () => {
    const triage = await list({ sort: "priority" });
    // hot: comeback (4 users), spike (2 users, 16 events), fresh (2 users, 2 events); then the rest by users, events, last seen
    expect(titles(triage)).toEqual(["comeback", "spike", "fresh", "crowd", "steady", "tie-b", "tie-a", "single"]);
    expect(triage.find((i) => i.id === ids.comeback)?.substatus).toBe("regressed");
    await _expectPaging(list, "priority", triage.map((i) => i.id));
  });

  it("lets the triage state expire: two days on, nothing is new, regressed or spiking any more but the regression", async () => {
    const later = await list({ sort: "priority", nowMs: NOW_MS + 2 * DAY_MS });
    expect(titles(later)).toEqual(["comeback", "crowd", "steady", "tie-b", "tie-a", "spike", "fresh", "single"]);
    const muchLater = await list({ sort: "priority", nowMs: NOW_MS + 8 * DAY_MS });
    expect(titles(muchLater)).toEqual(["crowd", "steady", "comeback", "tie-b", "tie-a", "spike", "fresh", "single"]);
  });

  it("finds free text in the title, culprit, message and tag values, any case and as a substring; every word must match", async () => {
    const search = async (text: string[], sort: IssueSort = "date") => titles(await list({ text, sort })).sort();
    expect(await search(["haystack"])).toEqual(["tie-a"]);
    expect(await search(["acme-corp"])).toEqual(["tie-a"]);
    expect(await search(["CORP", "needle"], "priority")).toEqual(["tie-a"]);
    expect(await search(["failed at single"], "freq")).toEqual(["single"]);
    expect(await search(["submitorder"])).toEqual(["single"]);
    expect(await search(["steady"])).toEqual(["steady"]);
    expect(await search(["needle", "steady"])).toEqual([]);
    // shorter than a trigram, and characters LIKE would treat as wildcards
    expect(await search(["ik"])).toEqual(["spike"]);
    expect(await search(["%"])).toEqual([]);
    expect(await search(["fail"])).toHaveLength(8);
  });

  it("combines statuses, projects, levels and tags with every sort", async () => {
    const resolved = await list({ statuses: ["resolved"], sort: "priority" });
    expect(titles(resolved)).toEqual(["gone"]);
    const anyStatus = await store.listIssues({ tags: [], text: [], sort: "freq", offset: 0, limit: 100, nowMs: NOW_MS });
    expect(anyStatus).toHaveLength(9);
    const otherOnly = await list({ projectIds: [otherProjectId], sort: "user" });
    expect(titles(otherOnly)).toEqual(["tie-b"]);
    const tagged = await list({ tags: [{ key: "customer", value: "Acme-*", negate: false }], sort: "priority" });
    expect(titles(tagged)).toEqual(["tie-a"]);
    const untagged = await list({ tags: [{ key: "customer", value: "Acme-Corp", negate: true }], sort: "freq" });
    expect(untagged).toHaveLength(7);
    expect(await list({ levels: ["warning"], sort: "priority" })).toEqual([]);
    // an offset still skips rows (cursors from before keyset paging)
    expect((await list({ sort: "freq", offset: 6 })).map((i) => i.id)).toEqual((await list({ sort: "freq" })).slice(6).map((i) => i.id));
  });
});

/**
 * The triage order read a chunk at a time: more new issues than one chunk of a walk, spike
 * candidates that are not spiking (steadily noisy: ten events an hour for a day) mixed in, real
 * spikes and cold issues; the list and every page of three agree with the order computed here from
 * the issues' fields and spike stats.
 */
describe.each(STORE_BACKENDS)("the triage order in chunks ($name)", (backend) => {
  let database: TestDatabase;
  let store: Store;
  let projectId: number;

  /** one job received now-ish: `hours` past hours of `perHour` events each, then `recent` in the current hour */
  const send = async (site: string, atMs: number, opts: { hours?: number; perHour?: number; recent: number; users: number }) => {
    const stamps: number[] = [];
    for (let h = opts.hours ?? 0; h >= 1; h--) for (let e = 0; e < (opts.perHour ?? 0); e++) stamps.push(atMs / 1000 - h * 3600 - e);
    for (let e = 0; e < opts.recent; e++) stamps.push(atMs / 1000 - e);
    const raws = stamps.map((ts, i) => rawEvent(site, { timestamp: ts, user: { id: `${site}-u${i % opts.users}` } }));
    await commit(committerFor(store), [await job(store, projectId, raws, { receivedAtMs: atMs })]);
  };

  beforeAll(async () => {
    database = await backend.create();
    store = await database.open();
    projectId = await newProject(store);
    const old = NOW_MS - 3 * DAY_MS;
    for (let k = 0; k < 12; k++) await send(`fresh-${k}`, NOW_MS - (k + 1) * 60_000, { recent: k + 1, users: k + 1 });
    for (let k = 0; k < 10; k++) await send(`noisy-${k}`, NOW_MS - 30_000, { hours: 26, perHour: 10, recent: 12, users: 2 * k + 3 });
    for (let k = 0; k < 3; k++) {
      await send(`spike-${k}`, old, { recent: 1, users: 1 });
      await send(`spike-${k}`, NOW_MS - 90_000, { recent: 20, users: 3 * k + 2 });
    }
    for (let k = 0; k < 8; k++) await send(`cold-${k}`, old + k * HOUR_MS, { recent: k + 2, users: k + 1 });
  });
  afterAll(() => database.destroy());

  const list = (overrides: Partial<IssueFilter>): Promise<Issue[]> =>
    store.listIssues({ projectIds: [projectId], statuses: ["unresolved"], tags: [], text: [], sort: "priority", offset: 0, limit: 100, nowMs: NOW_MS, ...overrides });

  it("walks the hot part and the rest in key order across chunks, forwards and back", async () => {
    const all = await list({});
    expect(all).toHaveLength(33);
    const spiking = new Set((await store.spikeStats(all.map((i) => i.id), NOW_MS)).filter((s) => s.isSpiking).map((s) => s.issueId));
    const isHot = (i: Issue) => i.firstSeenSec >= NOW_MS / 1000 - DAY_MS / 1000 || spiking.has(i.id);
    const byKey = (a: Issue, b: Issue) => b.userCount - a.userCount || b.eventCount - a.eventCount || b.lastSeenSec - a.lastSeenSec || b.id - a.id;
    const expected = [...all.filter(isHot).sort(byKey), ...all.filter((i) => !isHot(i)).sort(byKey)];
    expect(all.map((i) => i.title)).toEqual(expected.map((i) => i.title));
    // the hot part: the 12 new issues and the 3 spikes, none of the noisy ones
    expect(expected.slice(0, 15).every((i) => /fresh|spike/.test(i.title))).toBe(true);
    await _expectPaging(list, "priority", expected.map((i) => i.id));
  });
});

// --- Internal ---

/** Pages of 3 forwards from the start, then backwards from the last row: both give `expected`. */
async function _expectPaging(list: (f: Partial<IssueFilter>) => Promise<Issue[]>, sort: IssueSort, expected: number[]): Promise<void> {
  const forwards: number[] = [];
  let anchor: number | undefined;
  for (let page = 0; page < 20; page++) {
    const rows = await list({ sort, limit: 3, ...(anchor ? { anchor: { issueId: anchor, before: false } } : {}) });
    forwards.push(...rows.map((r) => r.id));
    if (rows.length < 3) break;
    anchor = rows.at(-1)!.id;
  }
  expect(forwards).toEqual(expected);
  const backwards: number[] = [expected.at(-1)!];
  let before = expected.at(-1)!;
  for (let page = 0; page < 20; page++) {
    const rows = await list({ sort, limit: 3, anchor: { issueId: before, before: true } });
    backwards.unshift(...rows.map((r) => r.id));
    if (rows.length < 3) break;
    before = rows[0]!.id;
  }
  expect(backwards).toEqual(expected);
}
