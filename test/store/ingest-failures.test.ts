import { randomBytes } from "node:crypto";
import { describe, expect, it } from "vitest";
import { usageMonth } from "../../src/process/quota.ts";
import { StorageFullError } from "../../src/store/errors.ts";
import type { Store } from "../../src/store/types.ts";
import { committerFor, commit, commitOne, job, newProject, rawEvent } from "./_ingest.ts";
import { freshDatabasePerTest, STORE_BACKENDS, type TestDatabase } from "./backends.ts";

/** Conformance: failures stay where they belong (every backend). */
describe.each(STORE_BACKENDS)("ingest failures ($name)", (backend) => {
  let database!: TestDatabase;
  let store!: Store;
  freshDatabasePerTest(backend, async (created) => { database = created; store = await created.open(); });

  it("fails one bad job alone: the rest of its batch is committed", async () => {
    const projectId = await newProject(store);
    const good = [rawEvent("good-1"), rawEvent("good-2"), rawEvent("good-3"), rawEvent("good-4")];
    // a job for a project that does not exist (deleted while its request was in flight): the store refuses its rows
    const jobs = [await job(store, projectId, [good[0]!]), await job(store, projectId, [good[1]!]), await job(store, 999_999, [rawEvent("orphan")]),
      await job(store, projectId, [good[2]!, good[3]!])];
    const { results } = await committerFor(store).commit(jobs);
    expect(results.map((r) => r instanceof Error)).toEqual([false, false, true, false]);
    for (const raw of good) expect(await store.getEvent(projectId, String(raw.event_id))).toMatchObject({ eventId: raw.event_id });
    expect(await store.getEvent(999_999, String(jobs[2]!.events[0]!.eventId))).toBeUndefined();
    expect(await store.monthlyUsage(projectId, usageMonth(jobs[0]!.receivedAtMs))).toBe(4);
  });

  it("surfaces a full disk as StorageFullError, keeps nothing of the batch, and writes again once space returns", async () => {
    const projectId = await newProject(store);
    const committer = committerFor(store);
    await commit(committer, [await job(store, projectId, [rawEvent("before")])]);
    await database.exhaustStorage(store);
    // events of ~16 KB that do not compress: they need new pages
    const big = () => ({ breadcrumbs: Array.from({ length: 16 }, () => ({ message: randomBytes(500).toString("hex") })) });
    const jobs = [await job(store, projectId, [rawEvent("full-1", big())]), await job(store, projectId, [rawEvent("full-2", big())])];
    const { results } = await committer.commit(jobs);
    expect(results.map((r) => r instanceof StorageFullError)).toEqual([true, true]);
    for (const j of jobs) expect(await store.getEvent(projectId, j.events[0]!.eventId)).toBeUndefined();
    await database.freeStorage(store);
    const after = (await commit(committer, jobs))[0]![0];
    expect(after).toMatchObject({ isDuplicate: false, isNewIssue: true });
  });
});
