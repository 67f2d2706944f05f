import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { SessionAggregate, SessionUpdate } from "../../src/sessions/parse.ts";
import type { Store } from "../../src/store/types.ts";
import { emptyPlan, newProject, NOW_MS } from "./_ingest.ts";
import { STORE_BACKENDS, type TestDatabase } from "./backends.ts";

const H_MS = 3_600_000;
const HOUR = Math.floor(NOW_MS / H_MS);

/** Conformance: release health written through ingest plans, read as health, buckets and series (every backend). */
describe.each(STORE_BACKENDS)("release-health sessions ($name)", (backend) => {
  let database: TestDatabase;
  let store: Store;
  let projectId: number;
  beforeEach(async () => {
    database = await backend.create();
    store = await database.open();
    projectId = await newProject(store);
  });
  afterEach(() => database.destroy());

  const update = (sid: string, over: Partial<SessionUpdate> = {}): SessionUpdate => ({
    sid, init: true, seq: 0, started: NOW_MS / 1000, timestamp: NOW_MS / 1000, status: "ok", errors: 0, release: "app@1", environment: "production", ...over,
  });
  const write = async (s: Store, updates: SessionUpdate[], opts: { receivedAtMs?: number; aggregates?: SessionAggregate[]; project?: number } = {}) => {
    const result = await s.executeWritePlan({
      ...emptyPlan(),
      sessions: [{ projectId: opts.project ?? projectId, updates, aggregates: opts.aggregates ?? [], receivedAtMs: opts.receivedAtMs ?? NOW_MS }],
    });
    expect(result.committed).toBe(true);
  };

  it("counts a session once, by its worst outcome, whatever order and how often its updates arrive", async () => {
    await write(store, [update("a", { status: "ok" }), update("b", { status: "exited", errors: 2 }), update("a", { init: false, seq: 2, status: "crashed", errors: 1 })]);
    // a retry and a stale update change nothing; a late abnormal for b moves it from errored to abnormal
    await write(store, [update("a", { init: false, seq: 1, status: "ok" }), update("a", { init: false, seq: 2, status: "crashed", errors: 1 }),
      update("b", { init: false, seq: 3, status: "abnormal" })]);
    expect(await store.sessionHealth([projectId], HOUR)).toEqual([{
      projectId, release: "app@1", environment: "production", sessions: 2, errored: 0, abnormal: 1, crashed: 1, users: 0, crashedUsers: 0,
    }]);
    expect(await store.sessionSeries(projectId, "app@1", HOUR - 5)).toEqual([{ hour: HOUR, sessions: 2, errored: 0, abnormal: 1, crashed: 1 }]);
  });

  it("keeps buckets per release, environment and start hour; series per release or all", async () => {
    const other = await newProject(store);
    await write(store, [
      update("a"), update("b", { started: NOW_MS / 1000 - 3600, status: "errored", errors: 1 }), update("c", { release: "app@2" }),
      update("d", { environment: "staging", status: "crashed", errors: 1 }),
    ]);
    await write(store, [update("e", { release: "other@1" })], { project: other });
    expect(await store.sessionBuckets(projectId, HOUR - 1)).toEqual([
      { release: "app@1", environment: "production", hour: HOUR - 1, sessions: 1, errored: 1, abnormal: 0, crashed: 0 },
      { release: "app@1", environment: "production", hour: HOUR, sessions: 1, errored: 0, abnormal: 0, crashed: 0 },
      { release: "app@1", environment: "staging", hour: HOUR, sessions: 1, errored: 0, abnormal: 0, crashed: 1 },
      { release: "app@2", environment: "production", hour: HOUR, sessions: 1, errored: 0, abnormal: 0, crashed: 0 },
    ]);
    expect(await store.sessionBuckets(projectId, HOUR)).toHaveLength(3);
    expect(await store.sessionSeries(projectId, undefined, HOUR - 1)).toEqual([
      { hour: HOUR - 1, sessions: 1, errored: 1, abnormal: 0, crashed: 0 },
      { hour: HOUR, sessions: 3, errored: 0, abnormal: 0, crashed: 1 },
    ]);
    expect(await store.sessionSeries(projectId, "app@2", HOUR - 1)).toEqual([{ hour: HOUR, sessions: 1, errored: 0, abnormal: 0, crashed: 0 }]);
    const health = await store.sessionHealth([other, projectId], HOUR - 1);
    expect(health.map((h) => [h.projectId, h.release, h.environment, h.sessions])).toEqual([
      [other, "other@1", "production", 1], [projectId, "app@1", "production", 2], [projectId, "app@1", "staging", 1], [projectId, "app@2", "production", 1],
    ]);
    expect(await store.sessionHealth([], 0)).toEqual([]);
  });

  it("counts a user once per window by their latest session, crashed by their latest crash; aggregates too", async () => {
    const t0 = NOW_MS - 100 * H_MS;
    const at = (ms: number) => ({ started: ms / 1000, timestamp: ms / 1000 });
    await write(store, [update("a", { did: "u1", status: "crashed", errors: 1, ...at(t0) }), update("b", { did: "u1", status: "exited", ...at(t0 + 50 * H_MS) }),
      update("c", { did: "u2", status: "exited", ...at(t0 + 50 * H_MS) })], { receivedAtMs: t0 + 50 * H_MS });
    const since = async (hours: number) => (await store.sessionHealth([projectId], Math.floor((t0 + hours * H_MS) / H_MS)))[0]!;
    expect(await since(0)).toMatchObject({ sessions: 3, crashed: 1, users: 2, crashedUsers: 1 });
    expect(await since(1)).toMatchObject({ sessions: 2, crashed: 0, users: 2, crashedUsers: 0 });
    // server-mode aggregates: a did seen again moves its mark; a crash in the aggregate is a crashed user
    await write(store, [], {
      receivedAtMs: t0 + 60 * H_MS,
      aggregates: [{ started: (t0 + 60 * H_MS) / 1000, did: "u2", exited: 2, errored: 0, abnormal: 0, crashed: 1, release: "app@1", environment: "production" }],
    });
    expect(await since(0)).toMatchObject({ sessions: 6, crashed: 2, users: 2, crashedUsers: 2 });
    expect(await since(55)).toMatchObject({ sessions: 3, crashed: 1, users: 1, crashedUsers: 1 });
  });

  it("makes the releases sessions name known, dated by the write that named them first", async () => {
    await write(store, [update("a", { release: "fresh@1" })], { receivedAtMs: NOW_MS + 5_000 });
    await write(store, [update("b", { release: "fresh@1" })], { receivedAtMs: NOW_MS + 9_000 });
    const org = (await store.getOrganization())!;
    const release = await store.getRelease(org.id, "fresh@1");
    expect(release).toMatchObject({ version: "fresh@1", dateCreated: (NOW_MS + 5_000) / 1000 });
    expect(release!.projects.map((p) => p.id)).toEqual([projectId]);
  });

  it("forgets session states after six days and users after 91, keeping the counts", async () => {
    const t0 = NOW_MS - 10 * 24 * H_MS;
    const at = { started: t0 / 1000, timestamp: t0 / 1000 };
    await write(store, [update("old", { did: "u1", ...at })], { receivedAtMs: t0 });
    // within six days, a resent update of the session is merged into its state
    await write(store, [update("old", { did: "u1", ...at, seq: 1 })], { receivedAtMs: t0 + 24 * H_MS });
    expect((await store.sessionHealth([projectId], 0))[0]).toMatchObject({ sessions: 1, users: 1 });
    // a write seven days later prunes the state: the same sid counts as a new session (its update came too late to be merged)
    await write(store, [update("new", { did: "u2" })], { receivedAtMs: t0 + 7 * 24 * H_MS });
    await write(store, [update("old", { did: "u1", ...at, seq: 2 })], { receivedAtMs: t0 + 7 * 24 * H_MS });
    expect((await store.sessionHealth([projectId], 0))[0]).toMatchObject({ sessions: 3, users: 2 });
    // 92 days on, u1's row is gone: its next session adds a mark without taking back the old one
    const later = t0 + 92 * 24 * H_MS;
    await write(store, [update("x", { did: "u3", started: later / 1000, timestamp: later / 1000 })], { receivedAtMs: later });
    await write(store, [update("y", { did: "u1", started: later / 1000, timestamp: later / 1000 })], { receivedAtMs: later });
    expect((await store.sessionHealth([projectId], 0))[0]).toMatchObject({ sessions: 5, users: 4 });
  });

  it("merges one session written by two nodes at once exactly once", async () => {
    const other = await database.open();
    const writers = [store, other, store, other, store, other];
    await Promise.all(writers.map((s, i) => write(s, [
      update("shared", { did: "same-user", init: i === 0, seq: i, status: i === 5 ? "crashed" : "ok", errors: i === 5 ? 1 : 0 }),
      update(`own-${i}`, { did: "same-user" }),
    ])));
    expect((await store.sessionHealth([projectId], HOUR))[0]).toMatchObject({ sessions: 7, crashed: 1, users: 1, crashedUsers: 1 });
  });
});
