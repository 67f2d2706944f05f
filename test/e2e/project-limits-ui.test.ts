import { existsSync, mkdirSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { join } from "node:path";
import { chromium, type Browser } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestServer, type TestServer } from "../_helpers/server.ts";
import { errorEvent, eventEnvelope, makeEnvelope } from "../_helpers/envelopes.ts";
import { eventually } from "../_helpers/sdk.ts";

const ROOT = fileURLToPath(new URL("../../", import.meta.url));
const CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking", "--disable-component-update"];

describe("project limits in the web UI", () => {
  let t: TestServer;
  let browser: Browser;

  beforeAll(async () => {
    expect(existsSync(join(ROOT, "dist/ui/index.html")), "dist/ui is missing: run `npm run build` first").toBe(true);
    t = await startTestServer({ eventsPerMinute: 1 });
    browser = await chromium.launch({ executablePath: "/usr/bin/chromium", args: CHROMIUM_ARGS });
  });
  afterAll(async () => {
    await browser?.close();
    await t?.close();
  });

  it("shows refused and SDK-dropped counts and saves a per-project limit", async () => {
    // 1. a flood over the limit of 1 event a minute, and a client report
    const url = `${t.url}/api/${t.projectId}/envelope/?sentry_key=${t.publicKey}`;
    const statuses: number[] = [];
    for (let i = 0; i < 5; i++) statuses.push((await fetch(url, { method: "POST", body: new Uint8Array(eventEnvelope(errorEvent())) })).status);
    expect(statuses.filter((s) => s === 429).length).toBeGreaterThanOrEqual(2);
    const report = { discarded_events: [{ reason: "ratelimit_backoff", category: "error", quantity: 7 }] };
    expect((await fetch(url, { method: "POST", body: new Uint8Array(makeEnvelope({}, [{ headers: { type: "client_report" }, payload: JSON.stringify(report) }])) })).status).toBe(200);
    const refused = statuses.filter((s) => s === 429).length;
    await eventually(async () => ((await t.api("/api/0/projects/lighttrace/my-project/outcomes/")).body.rateLimitedTotal === refused ? true : undefined));

    // 2. the project page shows them
    const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    await page.goto(`${t.url}/projects/my-project/`);
    await page.getByText("Limits and retention").waitFor();
    expect(await page.locator(".rejected-total").textContent()).toBe(String(refused));
    expect(await page.locator(".discarded-total").textContent()).toBe("7");
    expect(await page.locator(".project-limits").textContent()).toContain("events_per_minute");
    expect(await page.locator(".project-limits").textContent()).toContain("ratelimit_backoff");
    expect(await page.locator("input[name=eventsPerMinute]").getAttribute("placeholder")).toBe("default: 1");

    // 3. a bad value is explained; a good one is saved as the project's override
    await page.locator("input[name=monthlyQuota]").fill("lots");
    await page.getByRole("button", { name: "Save limits" }).click();
    await page.getByText("Monthly quota: enter a number").waitFor();
    await page.locator("input[name=monthlyQuota]").fill("5000");
    await page.locator("input[name=eventsPerMinute]").fill("100");
    await page.locator("select[name=scrubData]").selectOption("off");
    await page.getByRole("button", { name: "Save limits" }).click();
    await page.getByRole("status").waitFor();
    mkdirSync("/tmp/lighttrace-ui", { recursive: true });
    await page.screenshot({ path: "/tmp/lighttrace-ui/project-limits.png", fullPage: true });
    const saved = (await t.api("/api/0/projects/lighttrace/my-project/limits/")).body;
    expect(saved.overrides).toMatchObject({ eventsPerMinute: 100, monthlyQuota: 5000, scrubData: false, maxStoredEvents: null });
    expect(saved.effective).toMatchObject({ eventsPerMinute: 100, monthlyQuota: 5000, maxStoredEvents: 10_000 });
    await page.close();
  });
});
