import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { EventSearchFilter } from "../../src/store/model/event-search.ts";
import type { Store } from "../../src/store/types.ts";
import { commit, committerFor, job, newProject, NOW_MS, rawEvent } from "./_ingest.ts";
import { STORE_BACKENDS, type TestDatabase } from "./backends.ts";

/**
 * Conformance: the event search the Discover endpoint and the event lists read through —
 * column conditions (in, not in with NULLs kept, LIKE patterns, ranges, NULL tests), the issue
 * tag pre-filter, title words, time windows, the three orders, payloads on request, GROUP BY
 * aggregates and tag-key existence.
 */
describe.each(STORE_BACKENDS)("event search ($name)", (backend) => {
  let database: TestDatabase;
  let store: Store;
  let projectId: number;
  let ids: string[];
  const base = (): EventSearchFilter => ({ projectIds: [projectId], conditions: [], issueTags: [], text: [], timeRange: { startSec: 0, endSec: NOW_MS / 1000 + 10_000 } });
  const search = async (filter: EventSearchFilter, order: { by: "arrival" | "timestamp" | "level"; desc: boolean } = { by: "arrival", desc: false }) =>
    (await store.searchEvents(filter, { order, offset: 0, limit: 50, withPayload: false })).map((e) => ids.indexOf(e.eventId));

  beforeEach(async () => {
    database = await backend.create();
    store = await database.open();
    projectId = await newProject(store);
    const t = NOW_MS / 1000;
    const raws = [
      rawEvent("cart", { timestamp: t - 30, release: "shop@1", environment: "production", user: { id: "7" }, tags: { region: "eu" } }),
      rawEvent("cart", { timestamp: t - 10, release: "shop@2", environment: "staging", user: { email: "a@example.com" }, tags: { region: "us" } }),
      rawEvent("coupon", { timestamp: t - 20, level: "warning", release: "shop@2", environment: "production" }),
    ];
    ids = raws.map((r) => r.event_id as string);
    // one job per event: arrival order is the order above
    for (const raw of raws) await commit(committerFor(store), [await job(store, projectId, [raw])]);
  });
  afterEach(() => database.destroy());

  it("filters on columns: in, not in (NULL kept), LIKE, ranges, NULL tests", async () => {
    expect(await search({ ...base(), conditions: [{ column: "release", op: "in", values: ["shop@2"] }] })).toEqual([1, 2]);
    expect(await search({ ...base(), conditions: [{ column: "user_key", op: "not_in", values: ["id:7"] }] })).toEqual([1, 2]);
    expect(await search({ ...base(), conditions: [{ column: "release", op: "like", values: ["shop@%"] }, { column: "level", op: "in", values: ["warning"] }] })).toEqual([2]);
    expect(await search({ ...base(), conditions: [{ column: "user_key", op: "null", values: [] }] })).toEqual([2]);
    expect(await search({ ...base(), conditions: [{ column: "timestamp", op: "gte", values: [NOW_MS / 1000 - 20] }] })).toEqual([1, 2]);
    expect(await search({ ...base(), conditions: [{ column: "issue_id", op: "in", values: [] }] })).toEqual([]);
    expect(await search({ ...base(), text: ["coupon"] })).toEqual([2]);
    expect(await search({ ...base(), timeRange: { startSec: NOW_MS / 1000 - 15, endSec: NOW_MS / 1000 } })).toEqual([1]);
  });

  it("narrows to issues that have seen a tag value", async () => {
    expect(await search({ ...base(), issueTags: [{ key: "region", value: "us", like: false }] })).toEqual([0, 1]);
    expect(await search({ ...base(), issueTags: [{ key: "region", value: "e%", like: true }] })).toEqual([0, 1]);
    expect(await store.hasTagKey("region")).toBe(true);
    expect(await store.hasTagKey("regoin")).toBe(false);
  });

  it("orders by arrival, by timestamp or by a column, and returns payloads when asked", async () => {
    expect(await search(base(), { by: "arrival", desc: true })).toEqual([2, 1, 0]);
    expect(await search(base(), { by: "timestamp", desc: false })).toEqual([0, 2, 1]);
    // ties follow arrival in the same direction
    expect(await search(base(), { by: "level", desc: true })).toEqual([2, 1, 0]);
    const after = await store.searchEvents(base(), { order: { by: "arrival", desc: true }, offset: 0, limit: 5, withPayload: false });
    const rest = await store.searchEvents(base(), { order: { by: "arrival", desc: true }, offset: 0, limit: 5, withPayload: false, afterId: after[0]!.id });
    expect(rest.map((e) => ids.indexOf(e.eventId))).toEqual([1, 0]);
    const [row] = await store.searchEvents(base(), { order: { by: "arrival", desc: false }, offset: 2, limit: 1, withPayload: true });
    expect(row).toMatchObject({ eventId: ids[2], level: "warning", release: "shop@2", environment: "production", userKey: null });
    expect(row!.event!.exception!.values[0]!.value).toBe("failed at coupon");
  });

  it("aggregates groups of events", async () => {
    const rows = await store.aggregateEvents(base(), {
      groupBy: ["issue_id"],
      aggregates: [{ fn: "count" }, { fn: "count_unique", column: "user_key" }, { fn: "max", column: "timestamp" }],
      orderBy: [{ key: "a0", desc: true }],
      offset: 0,
      limit: 10,
    });
    expect(rows.map((r) => [Number(r.a0), Number(r.a1), Number(r.a2)])).toEqual([[2, 2, NOW_MS / 1000 - 10], [1, 0, NOW_MS / 1000 - 20]]);
    const total = await store.aggregateEvents(base(), { groupBy: [], aggregates: [{ fn: "count" }], orderBy: [], offset: 0, limit: 1 });
    expect(Number(total[0]!.a0)).toBe(3);
  });
});
