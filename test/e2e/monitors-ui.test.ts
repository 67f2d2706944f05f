import { existsSync, mkdirSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { chromium, type Browser, type Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestServer, type TestServer } from "../_helpers/server.ts";

const ROOT = fileURLToPath(new URL("../../", import.meta.url));
const SHOTS = "/tmp/lighttrace-ui";
const CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
  "--disable-background-networking", "--disable-component-update", "--disable-sync"];

/**
 * The Monitors pages in Chromium: the list with each monitor's schedule in words, status and
 * check-in timeline; a monitor's page with its environments, the failing one linking to the
 * incident's issue (which links back), the check-in table with durations, mute and delete; setup
 * snippets with the project's DSN.
 */
describe("monitors UI in a real browser", () => {
  let t: TestServer;
  let browser: Browser;
  let page: Page;
  let offsetMs = 0;
  const clock = { now: () => Date.now() + offsetMs };
  const checkIn = (slug: string, query: string, body?: unknown) => fetch(`${t.url}/api/${t.projectId}/cron/${slug}/${t.publicKey}/${query}`,
    body === undefined ? {} : { method: "POST", headers: { "Content-Type": "application/json" }, body: JSON.stringify(body) });

  beforeAll(async () => {
    expect(existsSync(join(ROOT, "dist/ui/index.html")), "dist/ui is missing: run `npm run build` first").toBe(true);
    mkdirSync(SHOTS, { recursive: true });
    t = await startTestServer({}, clock);
    expect((await checkIn("nightly-report", "", { status: "in_progress", monitor_config: { schedule: { type: "crontab", value: "0 3 * * *" }, timezone: "Europe/Berlin" } })).status).toBe(202);
    expect((await checkIn("nightly-report", "?status=ok&duration=12.84")).status).toBe(202);
    // a job every 5 minutes that stops checking in: the clock (ticking each minute) marks it missed and opens an incident
    expect((await checkIn("queue-drain", "", { status: "ok", monitor_config: { schedule: { type: "interval", value: 5, unit: "minute" }, checkin_margin: 1 } })).status).toBe(202);
    for (let i = 0; i < 7; i++) {
      offsetMs += 60_000;
      await t.server.monitorClock.runOnce();
    }
    expect((await checkIn("ghost-job", "?status=ok")).status).toBe(202);
    expect((await checkIn("old-job", "", { status: "ok", monitor_config: { schedule: { type: "crontab", value: "0 0 1 * *" } } })).status).toBe(202);
    browser = await chromium.launch({ executablePath: "/usr/bin/chromium", args: CHROMIUM_ARGS });
    page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
  });
  afterAll(async () => {
    await browser?.close();
    await t?.close();
  });

  it("lists monitors with schedule in words, status and a check-in timeline", async () => {
    await page.goto(`${t.url}/crons/`);
    await page.locator("tr[data-monitor]").first().waitFor();
    // (the other test may have deleted old-job already: the tests run in any order)
    expect(await page.locator("tr[data-monitor]").evaluateAll((rows) => rows.map((r) => r.getAttribute("data-monitor")))).toEqual(expect.arrayContaining(["nightly-report", "queue-drain"]));
    const nightly = page.locator('tr[data-monitor="nightly-report"]');
    expect(await nightly.textContent()).toContain("every day at 03:00 (Europe/Berlin)");
    expect(await nightly.locator(".monitor-status").textContent()).toBe("ok");
    await nightly.locator('.checkin-tick[data-status="ok"]').waitFor();
    const drain = page.locator('tr[data-monitor="queue-drain"]');
    expect(await drain.locator(".monitor-status").textContent()).toMatch(/^failing/);
    await drain.locator('.checkin-tick[data-status="missed"]').waitFor();
    // a check-in for a slug with no monitor and no schedule is shown, not dropped
    const unknown = page.locator('.monitor-errors tr[data-error-type="monitor_not_found"]');
    await unknown.waitFor();
    expect(await unknown.textContent()).toContain("ghost-job");
    await page.screenshot({ path: `${SHOTS}/monitors.png`, fullPage: true });
  });

  it("shows a failing monitor's environments, its incident's issue (which links back), check-ins with durations; mutes and deletes", async () => {
    await page.goto(`${t.url}/crons/my-project/queue-drain/`);
    await page.locator('tr[data-environment="production"]').waitFor();
    expect(await page.locator("h1 .monitor-status").textContent()).toMatch(/^failing/);
    await page.locator('.checkin-table tr[data-status="missed"]').first().waitFor();
    expect(await page.locator('.checkin-table tr[data-status="ok"] td').last().textContent()).toBe("0 ms");
    // the setup snippets carry the project's DSN and this monitor's slug
    await page.getByRole("tab", { name: "curl (HTTP)" }).click();
    expect(await page.locator(".monitor-setup pre").textContent()).toContain(`/api/${t.projectId}/cron/queue-drain/${t.publicKey}/`);
    await page.getByRole("link", { name: "the incident's issue" }).click();
    await page.locator("h1 .issue-type").waitFor();
    expect(await page.locator("h1 .issue-type").textContent()).toBe("Monitor failure: queue-drain");
    await page.getByRole("link", { name: "cron monitor queue-drain" }).click();
    await page.getByRole("button", { name: "Mute", exact: true }).click();
    await page.getByRole("button", { name: "Unmute", exact: true }).waitFor();
    expect((await t.api("/api/0/organizations/lighttrace/monitors/queue-drain/")).body.isMuted).toBe(true);
    await page.getByRole("button", { name: "Unmute", exact: true }).click();
    await page.getByRole("button", { name: "Mute", exact: true }).waitFor();
    await page.screenshot({ path: `${SHOTS}/monitor-detail.png`, fullPage: true });
    await page.goto(`${t.url}/crons/my-project/old-job/`);
    page.once("dialog", (d) => void d.accept());
    await page.getByRole("button", { name: "Delete" }).click();
    await page.locator('tr[data-monitor="nightly-report"]').waitFor();
    expect((await t.api("/api/0/organizations/lighttrace/monitors/old-job/")).status).toBe(404);
    expect(t.errors).toEqual([]);
  });
});
