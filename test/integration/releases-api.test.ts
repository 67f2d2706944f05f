import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { errorEvent, eventEnvelope, makeEnvelope } from "../_helpers/envelopes.ts";
import { startTestServer, type TestServer } from "../_helpers/server.ts";

/**
 * The release list and detail over the real API: Sentry's `projects[].healthData` with rates
 * computed by hand below, semver order, new and regressed issues, event counts, adoption, deploys.
 */
describe("releases API (list, detail, health)", () => {
  let t: TestServer;
  const now = Date.now() / 1000;
  const iso = (s: number) => new Date(s * 1000).toISOString();
  const post = (body: Buffer) => fetch(`${t.url}/api/${t.projectId}/envelope/?sentry_key=${t.publicKey}`, { method: "POST", body: new Uint8Array(body) });
  const sendEvent = async (group: string, release: string) => {
    const ev = errorEvent({ fingerprint: [group], release, environment: "production" });
    expect((await post(eventEnvelope(ev))).status).toBe(200);
    return ev.event_id as string;
  };
  const sendSessions = async (release: string, sessions: { status: string; errors?: number; did?: string }[]) => {
    const items = sessions.map((s, i) => ({
      headers: { type: "session" },
      payload: JSON.stringify({ sid: `${release}-${i}`, init: true, started: iso(now - 30), status: s.status, errors: s.errors ?? 0, did: s.did, attrs: { release, environment: "production" } }),
    }));
    expect((await post(makeEnvelope({}, items))).status).toBe(200);
  };
  const org = "/api/0/organizations/lighttrace";

  beforeAll(async () => {
    t = await startTestServer();
    // web@1.9.0: 4 sessions (1 crashed, 1 errored) by 2 users (u1 crashed); issues A and B
    await sendSessions("web@1.9.0", [{ status: "exited", did: "u1" }, { status: "crashed", errors: 1, did: "u1" }, { status: "exited", errors: 2, did: "u2" }, { status: "exited" }]);
    const firstA = await sendEvent("A", "web@1.9.0");
    await sendEvent("B", "web@1.9.0");
    // web@1.10.0 (newer by semver): 12 healthy sessions by 3 users, issue C new, A resolved in 1.10.0 then regressed by it
    await sendSessions("web@1.10.0", Array.from({ length: 12 }, (_, i) => ({ status: "exited", did: `v${i % 3}` })));
    await sendEvent("C", "web@1.10.0");
    const a = (await t.api(`/api/0/projects/lighttrace/my-project/events/${firstA}/`)).body.groupID;
    expect((await t.api(`/api/0/issues/${a}/`, { method: "PUT", body: JSON.stringify({ status: "resolved", statusDetails: { inRelease: "web@1.10.0" } }) })).status).toBe(200);
    await sendEvent("A", "web@1.9.0"); // older: stays resolved
    await sendEvent("A", "web@1.10.0"); // regression in 1.10.0
    // a deploy of 1.10.0 to production (sentry-cli deploys new)
    expect((await t.api(`${org}/releases/web@1.10.0/deploys/`, { method: "POST", body: JSON.stringify({ environment: "production" }) })).status).toBe(201);
  });
  afterAll(async () => {
    await t.close();
  });

  it("lists releases newest first by semver with Sentry's healthData", async () => {
    const res = await t.api(`${org}/releases/?project=${t.projectId}&health=1`);
    expect(res.status).toBe(200);
    expect(res.body.map((r: any) => r.version)).toEqual(["web@1.10.0", "web@1.9.0"]);
    const [newer, older] = res.body;
    // web@1.9.0: 4 sessions, 1 crashed → 75 %; users u1, u2 with u1 crashed → 50 %; errored: 1 (the crashed one is not errored)
    expect(older.projects[0].healthData).toMatchObject({
      crashFreeSessions: 75, crashFreeUsers: 50, sessionsCrashed: 1, sessionsErrored: 1, totalSessions: 4, totalUsers: 2, hasHealthData: true,
    });
    expect(newer.projects[0].healthData).toMatchObject({ crashFreeSessions: 100, crashFreeUsers: 100, sessionsCrashed: 0, totalSessions: 12, totalUsers: 3 });
    // adoption: 12 of the project's 16 sessions in the last 24 h
    expect(newer.projects[0].healthData.sessionsAdoption).toBe(75);
    expect(newer.adoption).toBe(75);
    const stats = newer.projects[0].healthData.stats["24h"];
    expect(stats).toHaveLength(24);
    expect(stats.reduce((n: number, p: [number, number]) => n + p[1], 0)).toBe(12);
    expect(newer).toMatchObject({ newGroups: 1, regressedGroups: 1, eventCount: 2 });
    expect(older).toMatchObject({ newGroups: 2, regressedGroups: 0, eventCount: 3 });
    expect(newer.deploysByEnvironment).toEqual([expect.objectContaining({ environment: "production", deployCount: 1 })]);
    // without health=1 there is no healthData (Sentry's default)
    expect((await t.api(`${org}/releases/`)).body[0].projects[0].healthData).toBeUndefined();
  });

  it("shows a release's detail: new and regressed issues, chart, deploys", async () => {
    const res = await t.api(`${org}/releases/${encodeURIComponent("web@1.10.0")}/?health=1`);
    expect(res.status).toBe(200);
    expect(res.body.version).toBe("web@1.10.0");
    expect(res.body.newIssues.map((i: any) => i.firstRelease.version)).toEqual(["web@1.10.0"]);
    expect(res.body.regressedIssues).toHaveLength(1);
    expect(res.body.regressedIssues[0]).toMatchObject({ status: "unresolved", substatus: "regressed", firstRelease: { version: "web@1.9.0" } });
    expect(res.body.deploys.map((d: any) => d.environment)).toEqual(["production"]);
    const series = res.body.projects[0].healthSeries;
    expect(series).toHaveLength(24);
    expect(series.at(-1).time * 1000).toBeLessThanOrEqual(Date.now());
    expect(series.reduce((n: number, p: any) => n + p.sessions, 0)).toBe(12);
    expect((await t.api(`${org}/releases/web@9.9.9/`)).status).toBe(404);
    expect((await t.api(`/api/0/projects/lighttrace/my-project/releases/web@1.9.0/`)).body.version).toBe("web@1.9.0");
  });

  it("filters by environment and validates its query", async () => {
    const staging = await t.api(`${org}/releases/?project=${t.projectId}&health=1&environment=staging`);
    expect(staging.body[0].projects[0].healthData).toMatchObject({ totalSessions: 0, crashFreeSessions: null, hasHealthData: false });
    const bad = await t.api(`${org}/releases/?summaryStatsPeriod=3w`);
    expect(bad.status).toBe(400);
    expect(bad.body.detail).toMatch(/summaryStatsPeriod/);
  });
});
