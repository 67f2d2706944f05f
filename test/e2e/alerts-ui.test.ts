import { existsSync, mkdirSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { chromium, type Browser } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { errorEvent, eventEnvelope } from "../_helpers/envelopes.ts";
import { eventually } from "../_helpers/sdk.ts";
import { startTestServer, type TestServer } from "../_helpers/server.ts";
import { startTestSmtp, type TestSmtp } from "../_helpers/smtp.ts";

const ROOT = fileURLToPath(new URL("../../", import.meta.url));
const SHOTS = "/tmp/lighttrace-ui";
const CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
  "--disable-background-networking", "--disable-component-update", "--disable-sync"];

describe("alerts page in a real browser", () => {
  let t: TestServer;
  let smtp: TestSmtp;
  let browser: Browser;

  beforeAll(async () => {
    expect(existsSync(join(ROOT, "dist/ui/index.html")), "dist/ui is missing: run `npm run build` first").toBe(true);
    mkdirSync(SHOTS, { recursive: true });
    smtp = await startTestSmtp();
    t = await startTestServer({ smtpUrl: smtp.url, alertTo: "ops@example.com" });
    browser = await chromium.launch({ executablePath: "/usr/bin/chromium", args: CHROMIUM_ARGS });
  });
  afterAll(async () => {
    await browser?.close();
    await t?.close();
    await smtp?.close();
  });

  it("shows the default rule, creates a rule, sends a test email and lists deliveries", async () => {
    const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    const consoleErrors: string[] = [];
    page.on("console", (m) => {
      if (m.type() === "error") consoleErrors.push(m.text());
    });
    // reached from the project page
    await page.goto(`${t.url}/projects/my-project/`);
    await page.getByRole("link", { name: "Alerts →" }).click();
    await page.waitForURL(`${t.url}/projects/my-project/alerts/`);
    const defaultRule = page.locator('[data-rule="New issues and regressions"]');
    await defaultRule.getByText("On new issue, regression").waitFor();
    expect(await defaultRule.textContent()).toContain("Email the issue's owners, else the admins");

    // 1. a new rule through the form; a bad tag first gets the API's words
    const form = page.getByRole("form", { name: "New alert rule" });
    await form.getByLabel("Name").fill("Billing spikes");
    await form.getByLabel("an issue spikes").check();
    await form.getByLabel("≥ events").fill("25");
    await form.getByLabel("Environments").fill("production");
    await form.getByLabel("Tags").fill("teambilling");
    await form.getByLabel("Email").fill("billing@example.com");
    await form.getByRole("button", { name: "Create rule" }).click();
    await form.getByRole("alert").getByText(/key:value/).waitFor();
    await form.getByLabel("Tags").fill("team:billing");
    await form.getByRole("button", { name: "Create rule" }).click();
    const created = page.locator('[data-rule="Billing spikes"]');
    await created.getByText("spike (≥25 events and 5× baseline in 60 min)").waitFor();
    expect(await created.textContent()).toContain("Filters: production · team:billing");
    const rules = (await t.api("/api/0/projects/lighttrace/my-project/rules/")).body;
    expect(rules.find((r: { name: string }) => r.name === "Billing spikes")).toMatchObject({
      triggers: { newIssue: true, regression: true, spike: { minEvents: 25, factor: 5, windowMinutes: 60 } },
      filters: { environments: ["production"], tags: ["team:billing"] }, actions: [{ type: "email", to: ["billing@example.com"] }],
    });

    // 2. disable it
    await created.getByRole("button", { name: "Disable" }).click();
    await created.getByRole("button", { name: "Enable" }).waitFor();
    expect(await created.locator(".badge").textContent()).toBe("disabled");

    // 3. the "send test" button reports the SMTP answer in words
    const test = page.getByRole("form", { name: "Send a test email" });
    await test.getByLabel("Send to").fill("me@example.com");
    await test.getByRole("button", { name: "Send test email" }).click();
    const status = test.getByRole("status");
    await status.waitFor();
    expect(await status.textContent()).toMatch(new RegExp(`^Sent: 127\\.0\\.0\\.1:${smtp.port} accepted the message for me@example\\.com \\(250 `));
    await eventually(async () => smtp.mails.find((m) => m.subject === "[LightTrace] Test message"));

    // 4. an alert goes out and shows up under recent deliveries
    const res = await fetch(`${t.url}/api/${t.projectId}/envelope/?sentry_key=${t.publicKey}`, { method: "POST", body: new Uint8Array(eventEnvelope(errorEvent())) });
    expect(res.status).toBe(200);
    await eventually(async () => smtp.mails.find((m) => m.subject?.startsWith("[my-project] New issue")));
    await t.server.alerts.idle();
    await page.reload();
    await page.locator(".deliveries").getByText("New issue").waitFor();
    expect(await page.locator(".deliveries tbody tr").first().textContent()).toContain("sent");
    await page.screenshot({ path: `${SHOTS}/alerts.png`, fullPage: true });
    // the one failed request is the rule with the bad tag, answered 400 on purpose
    expect(consoleErrors).toEqual(["Failed to load resource: the server responded with a status of 400 ()"]);
    await page.close();
  });
});
