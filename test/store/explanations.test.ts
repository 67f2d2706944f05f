import { describe, expect, it } from "vitest";
import type { Store } from "../../src/store/types.ts";
import { commitOne, committerFor, job, newProject, rawEvent } from "./_ingest.ts";
import { freshDatabasePerTest, STORE_BACKENDS } from "./backends.ts";

/** Conformance: cached Explain results per issue and event (every backend). */
describe.each(STORE_BACKENDS)("explanations ($name)", (backend) => {
  let store!: Store;
  freshDatabasePerTest(backend, async (database) => { store = await database.open(); });

  it("keeps one result per issue and event, replaced when regenerated", async () => {
    const projectId = await newProject(store);
    const made = await commitOne(committerFor(store), await job(store, projectId, [rawEvent("explain-me")]));
    expect(await store.getExplanation(made.issueId, made.eventId)).toBeUndefined();
    const first = { issueId: made.issueId, eventId: made.eventId, provider: "offline", result: JSON.stringify({ summary: "first" }), createdAtSec: 100.5 };
    await store.saveExplanation(first);
    expect(await store.getExplanation(made.issueId, made.eventId)).toEqual(first);
    const again = { ...first, provider: "anthropic", result: JSON.stringify({ summary: "again" }), createdAtSec: 200 };
    await store.saveExplanation(again);
    expect(await store.getExplanation(made.issueId, made.eventId)).toEqual(again);
    expect(await store.getExplanation(made.issueId, "0".repeat(32))).toBeUndefined();
  });
});
