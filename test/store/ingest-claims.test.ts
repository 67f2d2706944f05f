import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { Store } from "../../src/store/types.ts";
import { committerFor, commit, commitOne, emptyPlan, job, newProject, NOW_MS, rawEvent, interleaved } from "./_ingest.ts";
import { STORE_BACKENDS, type TestDatabase } from "./backends.ts";

/**
 * Conformance: exactly-once effects when another writer (a second node, or the API) changes the
 * database between a batch's reads and its write. Two connections to one database stand for two
 * nodes; the second one's write is held until the first has committed.
 */
describe.each(STORE_BACKENDS)("ingest claims and conflicts ($name)", (backend) => {
  let database: TestDatabase;
  let a: Store;
  let b: Store;
  beforeEach(async () => {
    database = await backend.create();
    a = await database.open();
    b = await database.open();
  });
  afterEach(() => database.destroy());

  const newIssueRows = async (projectId: number) => (await a.alerts.listOutbox(projectId, 100)).filter((r) => r.trigger === "new_issue");
  const regressionRows = async (projectId: number) => (await a.alerts.listOutbox(projectId, 100)).filter((r) => r.trigger === "regression");

  it("opens a new issue exactly once when two nodes see its first events at once", async () => {
    const projectId = await newProject(a);
    const fromA = rawEvent("race");
    const fromB = rawEvent("race");
    // node B reads (no such grouping yet), then node A commits the issue, then B writes
    const nodeB = interleaved(b, async () => void (await commit(committerFor(a), [await job(a, projectId, [fromA])])));
    const outcomeB = await commitOne(committerFor(nodeB.node), await job(b, projectId, [fromB]));
    // B's first plan lost the grouping claim and was planned again onto A's issue
    expect(nodeB.results.map((r) => r.committed)).toEqual([false, true]);
    expect(nodeB.results[0]).toMatchObject({ committed: false, lostGroupings: [{ projectId }] });
    expect(outcomeB).toMatchObject({ isNewIssue: false, isDuplicate: false });
    const issues = await a.listIssues({ projectIds: [projectId], tags: [], text: [], sort: "date", offset: 0, limit: 10, nowMs: NOW_MS });
    expect(issues.map((i) => [i.id, i.eventCount])).toEqual([[outcomeB.issueId, 2]]);
    expect((await newIssueRows(projectId)).map((r) => r.issueId)).toEqual([outcomeB.issueId]);
  });

  it("reopens a resolved issue exactly once when two nodes see its next events at once", async () => {
    const projectId = await newProject(a);
    const first = await commitOne(committerFor(a), await job(a, projectId, [rawEvent("again")]));
    await a.setIssueStatus(first.issueId, "resolved", NOW_MS / 1000 + 1);
    const later = { receivedAtMs: NOW_MS + 60_000 };
    const nodeB = interleaved(b, async () => {
      const outcomeA = await commitOne(committerFor(a), await job(a, projectId, [rawEvent("again", { timestamp: NOW_MS / 1000 + 60 })], later));
      expect(outcomeA).toMatchObject({ isRegression: true });
    });
    const outcomeB = await commitOne(committerFor(nodeB.node), await job(b, projectId, [rawEvent("again", { timestamp: NOW_MS / 1000 + 60 })], later));
    expect(nodeB.results[0]).toMatchObject({ committed: false, changedIssueIds: [first.issueId] });
    expect(outcomeB).toMatchObject({ isRegression: false, issueId: first.issueId });
    expect(await a.getIssue(first.issueId)).toMatchObject({ status: "unresolved", substatus: "regressed", eventCount: 3, regressedAtSec: NOW_MS / 1000 + 60 });
    expect(await regressionRows(projectId)).toHaveLength(1);
  });

  it("regresses an issue resolved by the API between a batch's reads and its write", async () => {
    const projectId = await newProject(a);
    const first = await commitOne(committerFor(a), await job(a, projectId, [rawEvent("resolved-meanwhile")]));
    const nodeB = interleaved(b, async () => void (await a.setIssueStatus(first.issueId, "resolved", NOW_MS / 1000 + 1)));
    const outcome = await commitOne(committerFor(nodeB.node), await job(b, projectId, [rawEvent("resolved-meanwhile")], { receivedAtMs: NOW_MS + 5_000 }));
    expect(nodeB.results.map((r) => r.committed)).toEqual([false, true]);
    expect(outcome).toMatchObject({ isRegression: true });
    expect((await a.getIssue(first.issueId))!.status).toBe("unresolved");
  });

  it("does not reopen an issue resolved in a release newer than the event's; does for that release or a newer one", async () => {
    const projectId = await newProject(a);
    const committer = committerFor(a);
    const first = await commitOne(committer, await job(a, projectId, [rawEvent("in-release", { release: "web@1.1.0" })]));
    await a.setIssueStatus(first.issueId, "resolved", NOW_MS / 1000 + 1);
    await a.setIssueResolution(first.issueId, { type: "in_release", release: "web@1.2.0" }, NOW_MS / 1000 + 1);
    const t = (s: number) => ({ receivedAtMs: NOW_MS + s * 1000 });
    const older = await commitOne(committer, await job(a, projectId, [rawEvent("in-release", { release: "web@1.1.9", timestamp: NOW_MS / 1000 + 10 })], t(10)));
    expect(older).toMatchObject({ isRegression: false });
    expect(await a.getIssue(first.issueId)).toMatchObject({ status: "resolved", eventCount: 2 });
    // in one batch: another old one (no), then the fixed release (yes), then more (ordinary events)
    const outcomes = await commit(committer, [await job(a, projectId, ["web@1.0.0", "web@1.10.0", "web@1.1.0"].map((release, i) =>
      rawEvent("in-release", { release, timestamp: NOW_MS / 1000 + 20 + i })), t(20))]);
    expect(outcomes[0]!.map((o) => o.isRegression)).toEqual([false, true, false]);
    expect(await a.getIssue(first.issueId)).toMatchObject({ status: "unresolved", substatus: "regressed", eventCount: 5 });
    expect(await a.releaseIssueIds(projectId, "web@1.10.0", 10)).toMatchObject({ regressedIssueIds: [first.issueId] });
    expect(await regressionRows(projectId)).toHaveLength(1);
  });

  it("claims a cooldown atomically: a claim within the cooldown is lost and writes no outbox row", async () => {
    const projectId = await newProject(a);
    const first = await commitOne(committerFor(a), await job(a, projectId, [rawEvent("cooldown")]));
    const [rule] = await a.alerts.listRules(projectId);
    const existing = { kind: "existing" as const, projectId, issueId: first.issueId, expected: { status: "unresolved" as const, statusChangedAtSec: null },
      regression: null, eventCount: 0, userKeys: [], firstSeenSec: NOW_MS / 1000, lastSeenSec: NOW_MS / 1000,
      latest: { title: "t", culprit: "c", level: "error", metadata: {} }, lastRelease: null, firstRelease: null, isUnhandled: false, hotUntilSec: 0 };
    const planAt = (sec: number, suffix = `${rule!.id}:spike:${sec}:0`) => ({
      ...emptyPlan(), issues: [existing],
      alerts: [{
        cooldown: { issue: 0, ruleId: rule!.id, trigger: "spike" as const, firedAtSec: sec, cooldownSec: 1800 },
        outbox: [{ idempotencySuffix: suffix, projectId, ruleId: rule!.id, issue: 0, eventId: String(first.eventId), trigger: "spike" as const,
          action: rule!.definition.actions[0]!, actionKey: "k", payload: { eventsInWindow: 9 }, createdAtSec: sec }],
      }],
    });
    const t0 = NOW_MS / 1000;
    // two nodes claim the same cooldown: one wins
    const [x, y] = [await a.executeWritePlan(planAt(t0)), await b.executeWritePlan(planAt(t0 + 1))];
    expect([x, y].map((r) => r.committed && r.alertClaimsTaken)).toEqual([[true], [false]]);
    expect([x, y].map((r) => r.committed && r.outboxRowsInserted)).toEqual([1, 0]);
    // after the cooldown the claim is taken again; a row whose key exists is not written twice
    const later = await a.executeWritePlan(planAt(t0 + 1800, `${rule!.id}:spike:${t0}:0`));
    expect(later).toMatchObject({ committed: true, alertClaimsTaken: [true], outboxRowsInserted: 0 });
    const spikes = (await a.alerts.listOutbox(projectId, 100)).filter((r) => r.trigger === "spike");
    expect(spikes.map((r) => [r.idempotencyKey, r.payload])).toEqual([[`${first.issueId}:${rule!.id}:spike:${t0}:0`, { eventsInWindow: 9 }]]);
  });
});
