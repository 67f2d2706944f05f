import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { errorEvent, eventEnvelope } from "../_helpers/envelopes.ts";
import { eventually } from "../_helpers/sdk.ts";
import { startTestServer, type TestServer } from "../_helpers/server.ts";
import { startTestSmtp, type TestSmtp } from "../_helpers/smtp.ts";

/**
 * MTTR through the real server with a clock the test moves: an issue first seen, mailed, resolved
 * an hour later, regressed by a new event, resolved again half an hour after; the project figures
 * and Sentry's team insight over the issues assigned to a team.
 */
describe("MTTR", () => {
  let t: TestServer;
  let smtp: TestSmtp;
  const base = Math.floor(Date.now() / 1000) * 1000;
  let nowMs = base;
  const put = (path: string, body: unknown) => t.api(path, { method: "PUT", body: JSON.stringify(body) });
  const send = async (ev: Record<string, unknown>) => {
    const res = await fetch(`${t.url}/api/${t.projectId}/envelope/?sentry_key=${t.publicKey}`, { method: "POST", body: new Uint8Array(eventEnvelope(ev)) });
    expect(res.status).toBe(200);
    return eventually(async () => (await t.api(`/api/0/projects/lighttrace/my-project/events/${ev.event_id}/`)).body?.groupID as string | undefined);
  };

  beforeAll(async () => {
    smtp = await startTestSmtp();
    t = await startTestServer({ smtpUrl: smtp.url, smtpFrom: "LightTrace <alerts@example.com>", alertTo: "ops@example.com" }, { now: () => nowMs });
  });
  afterAll(async () => {
    await t?.close();
    await smtp?.close();
  });

  it("measures time to resolve per open period and time to detect, per project and per team", async () => {
    const empty = (await t.api("/api/0/projects/lighttrace/my-project/mttr/")).body;
    expect(empty).toMatchObject({ statsPeriod: "30d", timeToResolve: { count: 0 }, timeToDetect: { count: 0 } });
    expect(empty.weekly.length).toBeGreaterThanOrEqual(5);

    const issueId = await send(errorEvent({ timestamp: base / 1000 }));
    await t.server.alerts.idle();
    await t.api("/api/0/organizations/lighttrace/teams/", { method: "POST", body: JSON.stringify({ slug: "billing" }) });
    await put(`/api/0/issues/${issueId}/`, { assignedTo: "team:billing" });
    nowMs = base + 3600_000;
    await put(`/api/0/issues/${issueId}/`, { status: "resolved" });
    // a new event reopens it (a regression): a second open period
    nowMs = base + 7200_000;
    await send(errorEvent({ timestamp: nowMs / 1000 }));
    await eventually(async () => ((await t.api(`/api/0/issues/${issueId}/`)).body.status === "unresolved" ? true : undefined));
    await t.server.alerts.idle(); // the regression is mailed at once: its period is detected at 0 s too
    nowMs = base + 9000_000;
    await put(`/api/0/issues/${issueId}/`, { status: "resolved", statusDetails: {} });

    const mttr = (await t.api("/api/0/projects/lighttrace/my-project/mttr/?statsPeriod=30d")).body;
    expect(mttr.timeToResolve).toEqual({ mean: 2700, p50: 1800, p90: 3600, count: 2 });
    expect(mttr.timeToDetect).toEqual({ mean: 0, p50: 0, p90: 0, count: 2 });
    expect(mttr.weekly.reduce((n: number, w: { count: number }) => n + w.count, 0)).toBe(2);
    expect(mttr.previousPeriod.timeToResolve.count).toBe(0);
    expect((await t.api("/api/0/projects/lighttrace/my-project/mttr/?statsPeriod=nope")).status).toBe(400);

    const team = (await t.api("/api/0/teams/lighttrace/billing/time-to-resolution/?statsPeriod=14d")).body;
    expect(Object.keys(team)).toHaveLength(15);
    const days = Object.values(team) as { avg: number; count: number }[];
    expect(days.reduce((n, d) => n + d.count, 0)).toBe(2);
    await t.api("/api/0/organizations/lighttrace/teams/", { method: "POST", body: JSON.stringify({ slug: "web" }) });
    expect(Object.values((await t.api("/api/0/teams/lighttrace/web/time-to-resolution/")).body).every((d) => (d as { count: number }).count === 0)).toBe(true);
    expect((await t.api("/api/0/teams/lighttrace/nope/time-to-resolution/")).status).toBe(404);
    expect(t.errors).toEqual([]);
  });
});
