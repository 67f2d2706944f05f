import { describe, expect, it } from "vitest";
import type { Store } from "../../src/store/types.ts";
import { commitOne, committerFor, job, newProject, rawEvent } from "./_ingest.ts";
import { freshDatabasePerTest, STORE_BACKENDS } from "./backends.ts";

/**
 * Conformance: text an SDK sends with U+0000 in it (a C string's terminator in a message, a tag)
 * is stored, never a failed batch. SQLite keeps the character; PostgreSQL text cannot hold it and
 * stores U+FFFD in its place (the payload, bytea, keeps it on both).
 */
describe.each(STORE_BACKENDS)("U+0000 in event text ($name)", (backend) => {
  let store!: Store;
  freshDatabasePerTest(backend, async (database) => { store = await database.open(); });

  it("stores an event whose title, culprit, tags and release carry U+0000, and finds it by them", async () => {
    const projectId = await newProject(store);
    const raw = rawEvent("nul", {
      release: "app\u0000@1", tags: { "k\u0000ey": "va\u0000lue" }, transaction: "GET /a\u0000b",
      exception: { values: [{ type: "Err\u0000or", value: "bad\u0000byte", stacktrace: { frames: [{ filename: "/srv/x\u0000.js", function: "f\u0000n", lineno: 1, in_app: true }] } }] },
    });
    const made = await commitOne(committerFor(store), await job(store, projectId, [raw]));
    const issue = (await store.getIssue(made.issueId))!;
    const expectedChar = backend.name === "postgres" ? "\uFFFD" : "\u0000";
    expect(issue.title).toContain(`bad${expectedChar}byte`);
    const event = (await store.getEvent(projectId, made.eventId))!;
    expect(JSON.stringify(event.event)).toContain("bad\\u0000byte");
    // the release's tag value reads back the way it was stored, and a lookup by the original text finds it
    const releases = await store.issueReleaseCounts(made.issueId);
    expect(releases.map((r) => r.version)).toEqual([`app${expectedChar}@1`]);
    expect((await store.issueTagValues(made.issueId, "k\u0000ey", 10)).map((v) => v.value)).toEqual([`va${expectedChar}lue`]);
  });
});
