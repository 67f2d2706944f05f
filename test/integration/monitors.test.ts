import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestServer, type TestServer } from "../_helpers/server.ts";
import { eventually, runSdkScript } from "../_helpers/sdk.ts";
import { runSentryCli } from "../_helpers/sentry-cli.ts";
import { startTestSmtp, type TestSmtp } from "../_helpers/smtp.ts";

/** A clock that runs with real time and can be moved forward (the monitor clock is driven through it). */
function movableClock() {
  let offsetMs = 0;
  return { now: () => Date.now() + offsetMs, advance: (ms: number) => void (offsetMs += ms) };
}

describe("cron monitors over real clients", () => {
  let t: TestServer;
  let smtp: TestSmtp;
  const clock = movableClock();
  beforeAll(async () => {
    smtp = await startTestSmtp();
    t = await startTestServer({ smtpUrl: smtp.url, alertTo: "ops@example.com" }, clock);
  });
  afterAll(async () => {
    await t?.close();
    await smtp?.close();
  });
  const monitors = () => t.server.store.monitors;
  /** moves the clock `minutes` forward a minute at a time, ticking each; the sums of what the ticks did */
  const tickFor = async (minutes: number) => {
    const sum = { missed: 0, unknown: 0, timeouts: 0, failureEvents: 0 };
    for (let i = 0; i < minutes; i++) {
      clock.advance(60_000);
      const r = (await t.server.monitorClock.runOnce())!;
      for (const k of Object.keys(sum) as (keyof typeof sum)[]) sum[k] += r[k];
    }
    return sum;
  };
  const cronUrl = (slug: string, query = "", key = t.publicKey) => `${t.localUrl}/api/${t.projectId}/cron/${slug}/${key}/${query}`;

  it("stores @sentry/node check-ins: withMonitor (ok, then error) with its config, captureCheckIn by id, an unknown slug as a processing error", async () => {
    const run = await runSdkScript("node", "node-crons.mjs", { SENTRY_DSN: t.dsn }, 30_000);
    expect(run.code, run.stderr).toBe(0);
    const { checkInId } = JSON.parse(run.stdout.trim().split("\n").pop()!);
    const nightly = (await monitors().getMonitor(t.projectId, "nightly-report"))!;
    expect(nightly.config).toEqual({ schedule: { type: "crontab", value: "0 3 * * *" }, checkinMarginMin: 5, maxRuntimeMin: 30, timezone: "Europe/Berlin", failureIssueThreshold: 2, recoveryThreshold: 1, owner: null });
    const runs = await monitors().listCheckIns(nightly.id, { limit: 10, offset: 0 });
    expect(runs.map((c) => [c.status, c.environment])).toEqual([["error", "production"], ["ok", "production"]]);
    expect(runs[1]!.durationMs).toBeGreaterThanOrEqual(25);
    const hourly = (await monitors().getMonitor(t.projectId, "hourly-sync"))!;
    expect(hourly.config).toMatchObject({ schedule: { type: "interval", value: 1, unit: "hour" }, checkinMarginMin: 2, maxRuntimeMin: 15 });
    expect(await monitors().findCheckIn(hourly.id, checkInId)).toMatchObject({ status: "ok", durationMs: 2500 });
    expect(await monitors().getMonitor(t.projectId, "unknown-job")).toBeUndefined();
    expect((await monitors().listProcessingErrors(t.projectId, 5)).map((e) => [e.type, e.monitorSlug])).toEqual([["monitor_not_found", "unknown-job"]]);
  });

  it("monitors node-cron jobs through @sentry/node's instrumentNodeCron (schedule and timezone from the job)", async () => {
    const run = await runSdkScript("node", "node-cron-jobs.mjs", { SENTRY_DSN: t.dsn }, 30_000);
    expect(run.code, run.stderr).toBe(0);
    const cleanup = (await monitors().getMonitor(t.projectId, "cleanup"))!;
    expect(cleanup.config).toMatchObject({ schedule: { type: "crontab", value: "*/5 * * * *" }, timezone: "Europe/Berlin" });
    expect((await monitors().listCheckIns(cleanup.id, { limit: 5, offset: 0 })).map((c) => c.status)).toEqual(["ok"]);
    // node-cron's day name is sent as a number (the SDK's replaceCronNames)
    const weekly = (await monitors().getMonitor(t.projectId, "weekly-report"))!;
    expect(weekly.config.schedule).toEqual({ type: "crontab", value: "0 9 * * 1" });
    expect((await monitors().listCheckIns(weekly.id, { limit: 5, offset: 0 })).map((c) => c.status)).toEqual(["error"]);
    // the exception node-cron would swallow is an issue of its own, beside the monitor's failure issue
    const titles = await eventually(async () => {
      const list: { title: string }[] = (await t.api("/api/0/projects/lighttrace/my-project/issues/?query=weekly")).body;
      return list.length === 2 ? list.map((i) => i.title).sort() : undefined;
    });
    expect(titles).toEqual(["Error: weekly report failed", "Monitor failure: weekly-report"]);
  });

  it("monitors a job of the cron library through @sentry/node's instrumentCron", async () => {
    const run = await runSdkScript("node", "cron-jobs.mjs", { SENTRY_DSN: t.dsn }, 30_000);
    expect(run.code, run.stderr).toBe(0);
    const invoices = (await monitors().getMonitor(t.projectId, "invoice-run"))!;
    expect(invoices.config).toMatchObject({ schedule: { type: "crontab", value: "15 4 * * 0" }, timezone: "America/New_York" });
    const [checkIn] = await monitors().listCheckIns(invoices.id, { limit: 5, offset: 0 });
    expect(checkIn).toMatchObject({ status: "ok", environment: "production" });
    expect(checkIn!.durationMs).toBeGreaterThanOrEqual(15);
  });

  it("wraps a command with sentry-cli monitors run (schedule upserted, ok and error runs)", async () => {
    const env = { SENTRY_DSN: t.dsn };
    const ok = await runSentryCli(["monitors", "run", "-s", "*/5 * * * *", "--check-in-margin", "2", "--timezone", "Europe/Vienna", "cli-job", "--", "true"], { url: t.localUrl, token: t.token, env });
    expect(ok.code, ok.stderr).toBe(0);
    const failed = await runSentryCli(["monitors", "run", "cli-job", "--", "false"], { url: t.localUrl, token: t.token, env });
    expect(failed.code).toBe(1);
    const job = await eventually(async () => monitors().getMonitor(t.projectId, "cli-job"));
    expect(job.config).toMatchObject({ schedule: { type: "crontab", value: "*/5 * * * *" }, checkinMarginMin: 2, timezone: "Europe/Vienna" });
    const runs = await eventually(async () => {
      const list = await monitors().listCheckIns(job.id, { limit: 10, offset: 0 });
      return list.length === 2 && list.every((c) => c.status !== "in_progress") ? list : undefined;
    });
    expect(runs.map((c) => c.status)).toEqual(["error", "ok"]);
  });

  it("takes check-ins on the HTTP endpoint (GET and POST, key in the path or in the header) and answers 202", async () => {
    const config = { schedule: { type: "crontab", value: "0 * * * *" }, checkin_margin: 5, max_runtime: 10 };
    let res = await fetch(cronUrl("shell-job"), { method: "POST", headers: { "Content-Type": "application/json" }, body: JSON.stringify({ status: "in_progress", monitor_config: config }) });
    expect(res.status).toBe(202);
    res = await fetch(cronUrl("shell-job", "?status=ok&duration=3.5"));
    expect(res.status).toBe(202);
    res = await fetch(`${t.localUrl}/api/${t.projectId}/cron/shell-job/?status=ok&environment=dev`, { headers: { "X-Sentry-Auth": `Sentry sentry_key=${t.publicKey}, sentry_version=7` } });
    expect(res.status).toBe(202);
    const job = (await monitors().getMonitor(t.projectId, "shell-job"))!;
    const runs = await monitors().listCheckIns(job.id, { limit: 10, offset: 0 });
    expect(runs.map((c) => [c.environment, c.status, c.durationMs])).toEqual([["dev", "ok", 0], ["production", "ok", 3500]]);
  });

  it("answers bad check-ins with 400 naming what is wrong, and stores nothing of them", async () => {
    const before = (await monitors().listMonitors()).length;
    const cases: [string, RequestInit | undefined, RegExp][] = [
      [cronUrl("bad-job", "?status=finished"), undefined, /status: "finished" is not one of/],
      [cronUrl("bad-job"), undefined, /status: is required/],
      [cronUrl("%21%21%21", "?status=ok"), undefined, /monitor_slug: /],
      [cronUrl("bad-job", "?status=ok&duration=soon"), undefined, /duration: /],
      [cronUrl("bad-job", "?status=ok&check_in_id=xyz"), undefined, /check_in_id: /],
      [cronUrl("bad-job"), { method: "POST", headers: { "Content-Type": "application/json" }, body: JSON.stringify({ status: "ok", monitor_config: { schedule: { type: "crontab", value: "0 0 * * * *" } } }) }, /monitor_config\.schedule: .*5-field/],
      [cronUrl("bad-job"), { method: "POST", headers: { "Content-Type": "application/json" }, body: JSON.stringify({ status: "ok", monitor_config: { schedule: { type: "interval", value: 1, unit: "hour" }, timezone: "Nowhere/City" } }) }, /monitor_config\.timezone: /],
      [cronUrl("bad-job"), { method: "POST", headers: { "Content-Type": "application/json" }, body: "{" }, /not valid JSON/],
    ];
    for (const [url, init, detail] of cases) {
      const res = await fetch(url, init);
      expect(res.status, url).toBe(400);
      expect((await res.json()).detail).toMatch(detail);
    }
    expect((await fetch(cronUrl("bad-job", "?status=ok", "0".repeat(32)))).status).toBe(403);
    expect((await fetch(`${t.localUrl}/api/${t.projectId}/cron/bad-job/?status=ok`)).status).toBe(401);
    expect((await monitors().listMonitors()).length).toBe(before);
    expect(await monitors().getMonitor(t.projectId, "bad-job")).toBeUndefined();
  });

  it("ticks on the injected clock: missed runs open an incident issue that mails once, an ok run resolves it and mails the recovery", async () => {
    // only this monitor: the earlier tests' jobs would be missed on these ticks too
    for (const m of await monitors().listMonitors()) await monitors().deleteMonitor(m.id);
    const config = { schedule: { type: "interval", value: 10, unit: "minute" }, checkin_margin: 1, failure_issue_threshold: 2 };
    expect((await fetch(cronUrl("ticker"), { method: "POST", headers: { "Content-Type": "application/json" }, body: JSON.stringify({ status: "ok", monitor_config: config }) })).status).toBe(202);
    const job = (await monitors().getMonitor(t.projectId, "ticker"))!;
    // the clock ticks every minute, as the server's loop does (a longer gap would read as downtime)
    expect(await tickFor(11)).toMatchObject({ missed: 1, unknown: 0, failureEvents: 0 });
    expect(await tickFor(10)).toMatchObject({ missed: 1, unknown: 0, failureEvents: 1 });
    const env = (await monitors().getMonitorEnvironment(job.id, "production"))!;
    expect(env.status).toBe("error");
    const issueId = (await monitors().getOpenIncident(env.id))!.issueId!;
    expect((await t.server.store.getIssue(issueId))!.title).toBe("Monitor failure: ticker");
    const failure = await eventually(async () => smtp.mails.find((m) => m.subject?.includes("ticker")));
    expect(failure.subject).toBe("[my-project] Monitor failure: ticker");
    expect(failure.text).toContain("A missed check-in was detected");
    // a third missed run adds to the issue; no second mail
    expect(await tickFor(10)).toMatchObject({ missed: 1, failureEvents: 1 });
    expect((await t.server.store.getIssue(issueId))!.eventCount).toBe(2);
    expect((await fetch(cronUrl("ticker", "?status=ok"))).status).toBe(202);
    expect((await t.server.store.getIssue(issueId))!.status).toBe("resolved");
    const recovery = await eventually(async () => smtp.mails.find((m) => m.subject === "[my-project] Monitor recovered: ticker"));
    expect(recovery.text).toContain("ok again");
    await t.server.alerts.idle();
    expect(smtp.mails.filter((m) => m.subject?.includes("ticker")).map((m) => m.subject)).toEqual(["[my-project] Monitor failure: ticker", "[my-project] Monitor recovered: ticker"]);
  });
});
