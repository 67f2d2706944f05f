import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { errorEvent, makeEnvelope } from "../_helpers/envelopes.ts";
import { startTestServer, type TestServer } from "../_helpers/server.ts";
import { eventually, runSdkScript } from "../_helpers/sdk.ts";
import { computeHealth, addTotals, EMPTY_TOTALS } from "../../src/sessions/health.ts";

/**
 * Release health end to end: hand-built per-session envelopes for every status (expected rates
 * computed by hand below), then the real @sentry/node in its three modes.
 */
describe("release health (sessions)", () => {
  let t: TestServer;
  const now = Date.now() / 1000;
  const iso = (s: number) => new Date(s * 1000).toISOString();

  const send = async (items: Record<string, unknown>[], type = "session", headers: Record<string, unknown> = {}) => {
    const body = makeEnvelope({ sent_at: iso(Date.now() / 1000), ...headers }, items.map((p) => ({ headers: { type }, payload: JSON.stringify(p) })));
    const res = await fetch(`${t.url}/api/${t.projectId}/envelope/?sentry_key=${t.publicKey}`, { method: "POST", body: new Uint8Array(body) });
    return { status: res.status, body: await res.json() as Record<string, unknown> };
  };
  const session = (sid: string | undefined, over: Record<string, unknown>) => ({
    ...(sid ? { sid } : {}), started: iso(now - 60), timestamp: iso(now), attrs: { release: "web@2.0.0", environment: "production" }, ...over,
  });
  const health = async (release: string) => {
    const rows = (await t.server.store.sessionHealth([t.projectId], Math.floor(now / 3600) - 24)).filter((r) => r.release === release);
    return { byEnv: Object.fromEntries(rows.map((r) => [r.environment, r])), total: rows.reduce((a, r) => addTotals(a, r), EMPTY_TOTALS) };
  };

  beforeAll(async () => {
    // a quota of 2 events a minute: sessions must not count against it
    t = await startTestServer({ eventsPerMinute: 2 });
  });
  afterAll(async () => {
    await t.close();
  });

  it("merges per-session updates by sid into crash-free rates", async () => {
    const updates = [
      // s1 (user u1): healthy, exits cleanly
      session("s1", { init: true, status: "ok", errors: 0, did: "u1" }),
      session("s1", { seq: 2, status: "exited", errors: 0, did: "u1", duration: 30 }),
      // s2 (u2): a handled error, then exits → errored
      session("s2", { init: true, did: "u2" }),
      session("s2", { seq: 1, errors: 1, did: "u2" }),
      session("s2", { seq: 2, status: "exited", errors: 1, did: "u2" }),
      // s3 (u3): crashes
      session("s3", { init: true, did: "u3" }),
      session("s3", { seq: 1, status: "crashed", errors: 1, did: "u3" }),
      // s4 (u4): first and only update is terminal and abnormal (no sid)
      session(undefined, { init: true, status: "abnormal", did: "u4" }),
      // s5 (u1 again): @sentry/browser's "unhandled" = crashed
      session("s5", { init: true, did: "u1" }),
      session("s5", { seq: 1, status: "unhandled", errors: 1, did: "u1" }),
      // s6 (no user): errored status
      session("s6", { init: true, status: "errored", errors: 1 }),
      // s7 (u2): the exit arrives before the init
      session("s7", { seq: 5, status: "exited", errors: 2, did: "u2" }),
      session("s7", { init: true, did: "u2" }),
    ];
    // one envelope per update, as SDKs send them; plus a retried init that must not count twice
    for (const u of updates) expect((await send([u])).status).toBe(200);
    expect((await send([session("s1", { init: true, status: "ok", did: "u1" })])).status).toBe(200);

    const { byEnv } = await health("web@2.0.0");
    // sessions 7; crashed s3, s5; abnormal s4; errored s2, s6, s7; users u1..u4, crashed u1 and u3
    expect(byEnv.production).toMatchObject({ sessions: 7, crashed: 2, abnormal: 1, errored: 3, users: 4, crashedUsers: 2 });
    const h = computeHealth(byEnv.production!);
    expect(h.crashFreeSessions).toBeCloseTo(100 * (1 - 2 / 7), 3);
    expect(h.crashFreeUsers).toBe(50);
    expect(h.healthy).toBe(1);
  });

  it("adds server-mode aggregates per environment, users by did", async () => {
    const res = await send([{
      aggregates: [
        { started: iso(now - 120), did: "u9", exited: 10, errored: 2, crashed: 1 },
        { started: iso(now - 60), exited: 5 },
      ],
      attrs: { release: "web@2.0.0", environment: "staging" },
    }], "sessions");
    expect(res).toEqual({ status: 200, body: {} });
    const { byEnv } = await health("web@2.0.0");
    expect(byEnv.staging).toMatchObject({ sessions: 18, errored: 2, crashed: 1, abnormal: 0, users: 1, crashedUsers: 1 });
    expect(computeHealth(byEnv.staging!).crashFreeSessions).toBeCloseTo(100 * (1 - 1 / 18), 3);
  });

  it("never counts sessions against the event quota", async () => {
    for (let i = 0; i < 5; i++) expect((await send([session(`q${i}`, { init: true })])).status).toBe(200);
    expect((await health("web@2.0.0")).byEnv.production!.sessions).toBe(12);
    // over quota, an envelope's events are refused (429) but its session is kept
    const mixed = (i: number) => makeEnvelope({}, [
      { headers: { type: "event" }, payload: JSON.stringify(errorEvent()) },
      { headers: { type: "session" }, payload: JSON.stringify(session(`m${i}`, { init: true })) },
    ]);
    const statuses: number[] = [];
    // (until a 429: the quota's one-minute window may roll over in between)
    while (!statuses.includes(429) && statuses.length < 6) {
      statuses.push((await fetch(`${t.url}/api/${t.projectId}/envelope/?sentry_key=${t.publicKey}`, { method: "POST", body: new Uint8Array(mixed(statuses.length)) })).status);
    }
    expect(statuses).toContain(429);
    expect((await health("web@2.0.0")).byEnv.production!.sessions).toBe(12 + statuses.length);
  });

  it("rejects a session without release (400 naming the field) and counts too-old ones", async () => {
    const bad = await send([{ sid: "x", started: iso(now), attrs: { environment: "production" } }]);
    expect(bad.status).toBe(400);
    expect(bad.body.detail).toMatch(/attrs\.release/);
    const old = await send([session("old", { init: true, started: iso(now - 6 * 86400), timestamp: iso(now - 6 * 86400) })]);
    expect(old.status).toBe(200);
    const counts = await t.server.store.itemCounts(t.projectId);
    expect(counts.find((c) => c.itemType === "session.too_old")?.count).toBe(1);
  });

  it("takes the real @sentry/node sessions: request-mode aggregates and process sessions", async () => {
    const env = { SENTRY_DSN: t.dsn, RELEASE: "api@3.0.0" };
    for (const scenario of ["server", "errored", "crash"]) {
      const run = await runSdkScript("node", "node-sessions.mjs", { ...env, SCENARIO: scenario });
      expect(run.code, run.stderr).toBe(scenario === "crash" ? 1 : 0);
    }
    // server: 6 requests, 2 of them captured an error; errored: 1 session with an error; crash: 1 crashed
    const { total } = await eventually(async () => {
      const h = await health("api@3.0.0");
      return h.total.sessions >= 8 ? h : undefined;
    });
    expect(total).toMatchObject({ sessions: 8, errored: 3, crashed: 1, abnormal: 0 });
    expect(computeHealth(total).crashFreeSessions).toBe(87.5);
    // the same figures through Sentry's API shape
    const release = (await t.api(`/api/0/organizations/lighttrace/releases/api@3.0.0/?health=1`)).body;
    expect(release.projects[0].healthData).toMatchObject({ crashFreeSessions: 87.5, sessionsCrashed: 1, sessionsErrored: 3, totalSessions: 8 });
  });
});
