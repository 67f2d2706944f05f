import { describe, expect, it } from "vitest";
import { fixtureEventPayload } from "../_helpers/fixtures.ts";
import { InvalidSessionError, parseSessionAggregates, parseSessionUpdate, type SessionUpdate } from "../../src/sessions/parse.ts";
import { ABNORMAL, CRASHED, ERRORED, HEALTHY, mergeSessionUpdate, type SessionState } from "../../src/sessions/merge.ts";
import { computeHealth } from "../../src/sessions/health.ts";

const NOW = Date.parse("2026-11-28T04:10:06Z") / 1000;

describe("parseSessionUpdate", () => {
  it("reads the real @sentry/node process session", () => {
    const s = parseSessionUpdate(fixtureEventPayload("node-session-envelope.txt"), { receivedAtSec: NOW })!;
    expect(s).toMatchObject({
      sid: "ac84d3cdb794425981427db738e6c133", init: true, seq: 0, status: "ok", errors: 1,
      release: "lighttrace-demo@1.0.0", environment: "feasibility", started: Date.parse("2026-11-28T04:10:05.373Z") / 1000,
    });
    expect(s.duration).toBeCloseTo(0.0214, 3);
  });

  it("reads the real python session (dashed sid, exited with an error)", () => {
    const s = parseSessionUpdate(fixtureEventPayload("python-session-envelope.txt"), { receivedAtSec: NOW + 40 })!;
    expect(s).toMatchObject({ sid: "5716ffd1-6d72-42df-8c3f-b903a2f62a0c", status: "exited", errors: 1, release: "lighttrace-py@1.0.0" });
  });

  it("maps @sentry/browser's `unhandled` to crashed and counts a crash as an error", () => {
    const s = parseSessionUpdate({ sid: "a", status: "unhandled", errors: 0, started: NOW, attrs: { release: "web@1" } }, { receivedAtSec: NOW })!;
    expect(s).toMatchObject({ status: "crashed", errors: 1, environment: "production" });
  });

  it("gives a lone terminal update without sid one, and seq the update time when absent", () => {
    const s = parseSessionUpdate({ status: "abnormal", started: NOW - 5, timestamp: NOW - 1, attrs: { release: "web@1" } }, { receivedAtSec: NOW })!;
    expect(s.sid).toMatch(/^[0-9a-f-]{36}$/);
    expect(s.seq).toBe(Math.round((NOW - 1) * 1000));
  });

  it("names what is wrong, and drops sessions older than five days", () => {
    expect(() => parseSessionUpdate({ sid: "a", started: NOW, attrs: {} }, { receivedAtSec: NOW })).toThrow(/attrs\.release/);
    expect(() => parseSessionUpdate({ sid: "a", attrs: { release: "x" } }, { receivedAtSec: NOW })).toThrow(InvalidSessionError);
    expect(() => parseSessionUpdate({ sid: "a", started: "yesterday", attrs: { release: "x" } }, { receivedAtSec: NOW })).toThrow(/"started"/);
    expect(parseSessionUpdate({ sid: "a", started: NOW - 6 * 86400, attrs: { release: "x" } }, { receivedAtSec: NOW })).toBeUndefined();
  });

  it("corrects a client clock that is more than 55 minutes off by sent_at", () => {
    const s = parseSessionUpdate({ sid: "a", started: NOW - 7200, attrs: { release: "x" } }, { receivedAtSec: NOW, sentAtSec: NOW - 7200 })!;
    expect(s.started).toBe(NOW);
  });
});

describe("parseSessionAggregates", () => {
  it("reads the real @sentry/node request-mode aggregates", () => {
    const { aggregates, tooOld } = parseSessionAggregates(fixtureEventPayload("node-sessions-aggregate-envelope.txt"), { receivedAtSec: NOW + 20 });
    expect(tooOld).toBe(0);
    expect(aggregates).toEqual([{
      started: Date.parse("2026-11-28T04:10:00Z") / 1000, exited: 2, errored: 1, abnormal: 0, crashed: 0,
      release: "lighttrace-demo@1.0.1", environment: "feasibility",
    }]);
  });
});

describe("mergeSessionUpdate", () => {
  const update = (over: Partial<SessionUpdate>): SessionUpdate => ({
    sid: "s", init: false, seq: 1, started: NOW, timestamp: NOW, status: "ok", errors: 0, release: "web@1", environment: "production", ...over,
  });
  const apply = (updates: SessionUpdate[]) => {
    let state: SessionState | undefined;
    const total = { sessions: 0, errored: 0, abnormal: 0, crashed: 0 };
    for (const u of updates) {
      const r = mergeSessionUpdate(state, u);
      state = r.next;
      for (const k of ["sessions", "errored", "abnormal", "crashed"] as const) total[k] += r.counts[k];
    }
    return { state: state!, total };
  };

  it("counts a session once and by its worst outcome: ok → errored → crashed", () => {
    const { state, total } = apply([
      update({ init: true, seq: 0 }), update({ seq: 1, errors: 1 }), update({ seq: 2, errors: 2, status: "crashed" }),
    ]);
    expect(total).toEqual({ sessions: 1, errored: 0, abnormal: 0, crashed: 1 });
    expect(state.health).toBe(CRASHED);
  });

  it("gives the same counts whatever order the updates arrive in", () => {
    const updates = [update({ init: true, seq: 0 }), update({ seq: 5, errors: 1, status: "exited", duration: 12 }), update({ seq: 3, errors: 1 })];
    const forward = apply(updates);
    const reversed = apply([...updates].reverse());
    expect(forward.total).toEqual({ sessions: 1, errored: 1, abnormal: 0, crashed: 0 });
    expect(reversed.total).toEqual(forward.total);
    // status and duration follow the highest seq
    expect(reversed.state).toMatchObject({ status: "exited", duration: 12, seq: 5, health: ERRORED });
  });

  it("keeps the first update's attributes and counts an `errored` status without an error count", () => {
    const { state, total } = apply([update({ init: true, seq: 0, did: "u1" }), update({ seq: 1, status: "errored", release: "other" })]);
    expect(state).toMatchObject({ release: "web@1", did: "u1", health: ERRORED });
    expect(total.errored).toBe(1);
  });

  it("reports the user, crashed or not", () => {
    expect(mergeSessionUpdate(undefined, update({ did: "u1" })).user).toMatchObject({ did: "u1", crashed: false });
    expect(mergeSessionUpdate(undefined, update({ did: "u1", status: "abnormal" })).next.health).toBe(ABNORMAL);
    expect(mergeSessionUpdate(undefined, update({ did: "u1", status: "crashed", errors: 1 })).user).toMatchObject({ crashed: true });
    expect(mergeSessionUpdate(undefined, update({})).next.health).toBe(HEALTHY);
  });
});

describe("computeHealth", () => {
  it("computes Sentry's crash-free rates as percentages", () => {
    const h = computeHealth({ sessions: 7, errored: 3, abnormal: 1, crashed: 2, users: 4, crashedUsers: 2 });
    expect(h.crashFreeSessions).toBe(71.4286);
    expect(h.crashFreeUsers).toBe(50);
    expect(h.healthy).toBe(1);
    expect(computeHealth({ sessions: 0, errored: 0, abnormal: 0, crashed: 0, users: 0, crashedUsers: 0 }).crashFreeSessions).toBeNull();
  });
});
