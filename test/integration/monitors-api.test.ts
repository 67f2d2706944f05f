import { describe, expect, it } from "vitest";
import { startTestServer, type TestServer } from "../_helpers/server.ts";

/** Sentry's monitor web API over a real server: shapes, filters, updates, check-ins, mutes, deletes, bad input. */
describe("monitor web API", () => {
  // each test starts its own server (closed by the harness) and makes the monitors it reads
  const checkIn = (t: TestServer, slug: string, query: string, body?: unknown) => fetch(`${t.localUrl}/api/${t.projectId}/cron/${slug}/${t.publicKey}/${query}`, body === undefined ? {} : { method: "POST", headers: { "Content-Type": "application/json" }, body: JSON.stringify(body) });

  const NIGHTLY = { project: "my-project", name: "Nightly Report", type: "cron_job", config: { schedule_type: "crontab", schedule: "0 3 * * *", checkin_margin: 5, max_runtime: 30, timezone: "Europe/Berlin", failure_issue_threshold: 2 }, owner: "team:ops" };
  const createNightly = async (t: TestServer) => expect((await t.api("/api/0/organizations/lighttrace/monitors/", { method: "POST", body: JSON.stringify(NIGHTLY) })).status).toBe(201);
  const createHourly = async (t: TestServer) => expect((await checkIn(t, "hourly", "", { status: "in_progress", monitor_config: { schedule: { type: "interval", value: 1, unit: "hour" } } })).status).toBe(202);

  it("creates a monitor with Sentry's body and answers Sentry's monitor shape", async () => {
    const t = await startTestServer();
    const res = await t.api("/api/0/organizations/lighttrace/monitors/", { method: "POST", body: JSON.stringify(NIGHTLY) });
    expect(res.status, JSON.stringify(res.body)).toBe(201);
    expect(res.body).toMatchObject({
      slug: "nightly-report", name: "Nightly Report", status: "active", isMuted: false, type: "cron_job", environments: [],
      config: { schedule_type: "crontab", schedule: "0 3 * * *", checkin_margin: 5, max_runtime: 30, timezone: "Europe/Berlin", failure_issue_threshold: 2, recovery_threshold: 1, alert_rule_id: null },
      project: { slug: "my-project" }, owner: { type: "team", id: "ops" }, scheduleDescription: "every day at 03:00 (Europe/Berlin)",
    });
    expect(res.body.id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/);
    const again = await t.api("/api/0/organizations/lighttrace/monitors/", { method: "POST", body: JSON.stringify({ project: "my-project", name: "Nightly Report", config: { schedule_type: "crontab", schedule: "0 3 * * *" } }) });
    expect(again.status).toBe(400);
    expect(again.body.detail).toMatch(/slug.*already exists/);
  });

  it("refuses a bad config with 400 naming the field", async () => {
    const t = await startTestServer();
    await createNightly(t);
    const bad = async (config: unknown) => (await t.api("/api/0/projects/lighttrace/my-project/monitors/", { method: "POST", body: JSON.stringify({ name: "x", config }) })).body.detail;
    expect(await bad({ schedule_type: "crontab", schedule: "0 3 * *" })).toMatch(/^config\.schedule: .*5-field/);
    expect(await bad({ schedule_type: "interval", schedule: [1, "fortnight"] })).toMatch(/^config\.schedule\.unit: /);
    expect(await bad({ schedule_type: "crontab", schedule: "0 3 * * *", timezone: "Atlantis" })).toMatch(/^config\.timezone: /);
    expect(await bad({ schedule_type: "crontab", schedule: "0 3 * * *", recovery_threshold: 721 })).toMatch(/^config\.recovery_threshold: /);
    expect((await t.api("/api/0/organizations/lighttrace/monitors/")).body.map((m: { slug: string }) => m.slug)).toEqual(["nightly-report"]);
  });

  it("lists monitors with their environments' status and expected times; filters by project, environment and query", async () => {
    const t = await startTestServer();
    await createNightly(t);
    expect((await checkIn(t, "nightly-report", "?status=ok&environment=staging")).status).toBe(202);
    await createHourly(t);
    const all = await t.api("/api/0/organizations/lighttrace/monitors/?project=my-project");
    expect(all.body.map((m: { slug: string }) => m.slug)).toEqual(["hourly", "nightly-report"]);
    const nightly = all.body[1];
    expect(nightly.environments).toHaveLength(1);
    expect(nightly.environments[0]).toMatchObject({ name: "staging", status: "ok", isMuted: false, activeIncident: null });
    expect(Date.parse(nightly.environments[0].nextCheckInLatest) - Date.parse(nightly.environments[0].nextCheckIn)).toBe(5 * 60_000);
    expect((await t.api("/api/0/organizations/lighttrace/monitors/?environment=staging")).body.map((m: { slug: string }) => m.slug)).toEqual(["nightly-report"]);
    expect((await t.api("/api/0/organizations/lighttrace/monitors/?query=hour")).body.map((m: { slug: string }) => m.slug)).toEqual(["hourly"]);
    expect((await t.api("/api/0/projects/lighttrace/my-project/monitors/")).body).toHaveLength(2);
  });

  it("reads, updates (name, config merge, mute) and lists check-ins in Sentry's shape", async () => {
    const t = await startTestServer();
    await createHourly(t);
    const detail = await t.api("/api/0/organizations/lighttrace/monitors/hourly/");
    expect(detail.body).toMatchObject({ slug: "hourly", config: { schedule_type: "interval", schedule: [1, "hour"] }, environments: [{ name: "production", status: "active" }] });
    const put = await t.api("/api/0/organizations/lighttrace/monitors/hourly/", { method: "PUT", body: JSON.stringify({ name: "Hourly sync", isMuted: true, config: { max_runtime: 5 } }) });
    expect(put.status, JSON.stringify(put.body)).toBe(200);
    expect(put.body).toMatchObject({ name: "Hourly sync", isMuted: true, config: { schedule_type: "interval", schedule: [1, "hour"], max_runtime: 5 } });
    expect((await t.api("/api/0/organizations/lighttrace/monitors/hourly/", { method: "PUT", body: JSON.stringify({ config: { schedule_type: "crontab", schedule: "bad" } }) })).status).toBe(400);
    expect((await checkIn(t, "hourly", "?status=ok&duration=1.25")).status).toBe(202);
    const checkIns = await t.api("/api/0/projects/lighttrace/my-project/monitors/hourly/checkins/?statsPeriod=1h");
    expect(checkIns.status).toBe(200);
    expect(checkIns.body).toHaveLength(1);
    expect(checkIns.body[0]).toMatchObject({ environment: "production", status: "ok", duration: 1250, expectedTime: null, monitorConfig: { max_runtime: 5 } });
    expect(checkIns.body[0].id).toMatch(/^[0-9a-f-]{36}$/);
    const env = await t.api("/api/0/organizations/lighttrace/monitors/hourly/environments/production/", { method: "PUT", body: JSON.stringify({ isMuted: true }) });
    expect(env.body.environments[0].isMuted).toBe(true);
    expect((await t.api("/api/0/organizations/lighttrace/monitors/nope/")).status).toBe(404);
  });

  it("shows check-ins that could not be processed, and deletes an environment or a whole monitor", async () => {
    const t = await startTestServer();
    await createNightly(t);
    expect((await checkIn(t, "nightly-report", "?status=ok&environment=staging")).status).toBe(202);
    await createHourly(t);
    expect((await checkIn(t, "ghost", "?status=ok")).status).toBe(202);
    const errors = await t.api("/api/0/projects/lighttrace/my-project/processing-errors/");
    expect(errors.body[0]).toMatchObject({ monitorSlug: "ghost", errors: [{ type: "monitor_not_found" }] });
    expect((await t.api("/api/0/organizations/lighttrace/monitors/nightly-report/?environment=staging", { method: "DELETE" })).status).toBe(202);
    expect((await t.api("/api/0/organizations/lighttrace/monitors/nightly-report/")).body.environments).toEqual([]);
    expect((await t.api("/api/0/organizations/lighttrace/monitors/hourly/", { method: "DELETE" })).status).toBe(202);
    expect((await t.api("/api/0/organizations/lighttrace/monitors/hourly/")).status).toBe(404);
    expect(t.errors).toEqual([]);
  });
});
