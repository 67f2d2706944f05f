import { existsSync } from "node:fs";
import { fileURLToPath } from "node:url";
import puppeteer, { type Browser } from "puppeteer-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestServer, type TestServer } from "../_helpers/server.ts";
import { runSdkScript } from "../_helpers/sdk.ts";

const ROOT = fileURLToPath(new URL("../../", import.meta.url));

/**
 * The same triage path as ui.test.ts, in Debian's Firefox ESR driven over WebDriver BiDi
 * (puppeteer-core; Playwright only drives its own patched Firefox builds, which cannot be
 * downloaded here).
 */
describe("web UI in Firefox", () => {
  let t: TestServer;
  let browser: Browser;

  beforeAll(async () => {
    expect(existsSync(`${ROOT}dist/ui/index.html`), "dist/ui is missing: run `npm run build` first").toBe(true);
    t = await startTestServer();
    const run = await runSdkScript("node", "node-errors.mjs", { SENTRY_DSN: t.dsn, SCENARIO: "basic" });
    expect(run.code, run.stderr).toBe(0);
    browser = await puppeteer.launch({ browser: "firefox", executablePath: "/usr/bin/firefox-esr", headless: true });
  });

  afterAll(async () => {
    await browser?.close();
    await t?.close();
  });

  it("lists the issue, shows its stack trace and breadcrumbs, resolves it", async () => {
    const issues = (await t.api("/api/0/organizations/lighttrace/issues/?query=")).body as { id: string; title: string; count: string }[];
    const issue = issues.find((i) => i.title.startsWith("SyntaxError") && i.count === "5")!;
    const page = await browser.newPage();
    await page.setViewport({ width: 1280, height: 900 });
    await page.goto(t.url + "/");
    const row = `.issue-row[data-issue-id="${issue.id}"]`;
    await page.waitForSelector(row);
    expect(await page.$eval(`${row} .issue-type`, (el) => el.textContent)).toBe("SyntaxError");
    expect(await page.$eval(`${row} .badge-new`, (el) => el.textContent)).toBe("new");

    await page.click(`${row} .issue-title`);
    await page.waitForSelector(".frame.in-app.open .frame-fn");
    expect(await page.$eval(".frame.in-app.open .frame-fn", (el) => el.textContent)).toBe("parseConfig");
    expect(await page.$eval(".frame.in-app.open .ctx-line.crash .src", (el) => el.textContent)).toContain("return JSON.parse(text);");
    const crumbs = await page.$$eval(".crumbs tbody tr .crumb-msg", (els) => els.map((e) => e.textContent ?? ""));
    const latest = (await t.api(`/api/0/issues/${issue.id}/events/latest/`)).body;
    const sent = latest.entries.find((e: { type: string }) => e.type === "breadcrumbs").data.values.map((b: { message: string }) => b.message);
    expect(sent).toContain("step 0");
    expect([...crumbs].sort()).toEqual([...sent].sort());

    const resolve = await page.waitForSelector("::-p-text(Resolve)");
    await resolve!.click();
    await page.waitForFunction(() => document.querySelector('[data-testid="issue-status"]')?.textContent === "resolved");
    expect((await t.api(`/api/0/issues/${issue.id}/`)).body.status).toBe("resolved");
    await page.close();
  });

  it("fits a 390 px phone screen without horizontal scrolling", async () => {
    const page = await browser.newPage();
    await page.setViewport({ width: 390, height: 844 });
    await page.goto(t.url + "/?query=");
    await page.waitForSelector(".issue-row");
    // clientWidth, not innerWidth: Firefox draws a classic scroll bar inside the viewport
    expect(await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth)).toBe(0);
    await page.screenshot({ path: "/tmp/lighttrace-ui/firefox-390.png" });
    await page.close();
  });
});
