import { describe, expect, it } from "vitest";
import type { Store } from "../../src/store/types.ts";
import { committerFor, commitOne, job, newProject, NOW_MS, rawEvent, withFallback } from "./_ingest.ts";
import { freshDatabasePerTest, STORE_BACKENDS } from "./backends.ts";

/** Conformance: a project's grouping settings and the keys that lead to an issue (every backend). */
describe.each(STORE_BACKENDS)("grouping settings and issue keys ($name)", (backend) => {
  let store!: Store;
  freshDatabasePerTest(backend, async (database) => { store = await database.open(); });

  it("stores a project's stack-trace rules with the earlier texts, replacing them as a whole", async () => {
    const projectId = await newProject(store);
    expect(await store.getGroupingSettings(projectId)).toBeUndefined();
    const first = await store.setGroupingSettings(projectId, { stackRules: "stack.module:a.* +app", previousStackRules: [{ rules: "", replacedAt: 100 }] }, 100.5);
    expect(first).toEqual({ projectId, stackRules: "stack.module:a.* +app", previousStackRules: [{ rules: "", replacedAt: 100 }], updatedAtSec: 100.5 });
    const second = await store.setGroupingSettings(projectId, { stackRules: "", previousStackRules: [] }, 200);
    expect(second).toMatchObject({ stackRules: "", previousStackRules: [], updatedAtSec: 200 });
    expect(await store.getGroupingSettings(projectId)).toEqual(second);
    // another project is not touched
    expect(await store.getGroupingSettings(await newProject(store))).toBeUndefined();
  });

  it("lists every key of an issue, oldest first, with the mechanism that made it", async () => {
    const projectId = await newProject(store);
    const committer = committerFor(store);
    const made = await commitOne(committer, await job(store, projectId, [rawEvent("old-key")]));
    const rekeyed = await withFallback(store, "new-key", "old-key");
    rekeyed.grouping = { ...rekeyed.grouping, mechanism: "lt-v9" };
    await commitOne(committer, { projectId, events: [rekeyed], itemCounts: new Map(), receivedAtMs: NOW_MS });
    const keys = await store.listIssueGroupings(made.issueId);
    expect(keys.map((k) => [k.hash, k.mechanism])).toEqual([[rekeyed.fallbackGroupings![0]!.hash, "lt-v2"], [rekeyed.grouping.hash, "lt-v9"]]);
    expect(keys[1]!.key).toBe(rekeyed.grouping.key);
    expect(keys[1]!.createdAtSec).toBe(rekeyed.receivedAtSec);
    expect(await store.listIssueGroupings(made.issueId + 1000)).toEqual([]);
  });
});
