import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestServer, type TestServer } from "../_helpers/server.ts";
import { eventually } from "../_helpers/sdk.ts";

/**
 * The triage order over real ingest: events posted through /store/ with their own timestamps
 * (up to 30 days back is kept as sent), then `sort=priority` and `isSpiking` read over HTTP.
 */
describe("triage priority and spike detection", () => {
  let t: TestServer;
  const now = Date.now() / 1000;
  const ids: Record<string, string> = {};

  const send = async (fingerprint: string, timestamp: number, user: string) => {
    const res = await fetch(`${t.url}/api/${t.projectId}/store/`, {
      method: "POST",
      headers: { "Content-Type": "application/json", "X-Sentry-Auth": `Sentry sentry_version=7, sentry_key=${t.publicKey}` },
      body: JSON.stringify({
        event_id: randomUUID().replace(/-/g, ""), timestamp, level: "error", fingerprint: [fingerprint],
        message: `issue ${fingerprint}`, user: { id: user },
      }),
    });
    expect(res.status).toBe(200);
  };
  const list = async (sort: string) => {
    const res = await t.api(`/api/0/projects/lighttrace/my-project/issues/?sort=${sort}&statsPeriod=24h`);
    expect(res.status).toBe(200);
    return res.body as { title: string; isSpiking: boolean; userCount: number; count: string; substatus: string }[];
  };

  beforeAll(async () => {
    t = await startTestServer();
    const days = 24 * 3600;
    // old and quiet, five users
    for (let i = 0; i < 5; i++) await send("steady", now - 3 * days + i * 60, `steady-${i}`);
    // old, eight users, quiet since
    for (let i = 0; i < 8; i++) await send("crowd", now - 2 * days + i * 60, `crowd-${i}`);
    // old, then 15 events in the last 5 minutes: a spike against a baseline of zero
    await send("spike", now - 3 * days, "spike-0");
    for (let i = 0; i < 15; i++) await send("spike", now - 300 + i * 20, "spike-1");
    // first seen now: new
    await send("fresh", now - 10, "fresh-0");
    const byTitle = async () => {
      const issues = await t.api("/api/0/projects/lighttrace/my-project/issues/?query=");
      const total = (issues.body as { count: string }[]).reduce((s, i) => s + Number(i.count), 0);
      return total === 30 ? issues.body : undefined;
    };
    for (const issue of await eventually(byTitle)) ids[issue.title] = issue.id;
  });
  afterAll(async () => t?.close());

  it("puts new, regressed and spiking issues first, then sorts by affected users", async () => {
    expect((await list("user")).map((i) => i.title)).toEqual(["issue crowd", "issue steady", "issue spike", "issue fresh"]);
    const priority = await list("priority");
    expect(priority.map((i) => i.title)).toEqual(["issue spike", "issue fresh", "issue crowd", "issue steady"]);
    expect(priority.map((i) => i.isSpiking)).toEqual([true, false, false, false]);
  });

  it("flags the spike with its last-hour count and baseline on the issue detail", async () => {
    const detail = await t.api(`/api/0/issues/${ids["issue spike"]}/`);
    expect(detail.body.isSpiking).toBe(true);
    expect(detail.body.lastHourCount).toBeGreaterThanOrEqual(13.7); // 15 events, at worst partly in the previous clock hour
    expect(detail.body.lastHourCount).toBeLessThanOrEqual(15);
    expect(detail.body.baselinePerHour).toBe(0);
    const quiet = await t.api(`/api/0/issues/${ids["issue crowd"]}/`);
    expect([quiet.body.isSpiking, quiet.body.lastHourCount, quiet.body.baselinePerHour]).toEqual([false, 0, 0]);
  });

  it("ranks a regression first once a resolved issue happens again", async () => {
    expect((await t.api(`/api/0/issues/${ids["issue crowd"]}/`, { method: "PUT", body: '{"status":"resolved"}' })).status).toBe(200);
    await send("crowd", now - 5, "crowd-0");
    const priority = await eventually(async () => {
      const rows = await list("priority");
      return rows[0]?.title === "issue crowd" ? rows : undefined;
    });
    expect(priority.map((i) => [i.title, i.substatus])).toEqual([
      ["issue crowd", "regressed"], ["issue spike", "new"], ["issue fresh", "new"], ["issue steady", "new"],
    ]);
  });

  it("rejects an unknown sort in words", async () => {
    const res = await t.api("/api/0/organizations/lighttrace/issues/?sort=hot");
    expect(res.status).toBe(400);
    expect(res.body.detail).toMatch(/^invalid query parameter "sort": /);
  });
});
