import { spawn } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { chromium, type Browser } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestServer, type TestServer } from "../_helpers/server.ts";
import { eventually } from "../_helpers/sdk.ts";

const ROOT = fileURLToPath(new URL("../../", import.meta.url));
const SHOTS = "/tmp/lighttrace-ui";
const CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
  "--disable-background-networking", "--disable-component-update", "--disable-sync"];

/**
 * A real @sentry/node program: breadcrumbs, then an error thrown two calls deep in an in-app
 * function, captured and flushed. Written under the checkout so `@sentry/node` resolves from its
 * node_modules.
 */
const SDK_SCRIPT = `
import * as Sentry from "@sentry/node";

Sentry.init({ dsn: process.env.DSN, release: "shop@1.2.3", environment: "e2e", tracesSampleRate: 0 });
Sentry.setUser({ id: "user-7", email: "ada@example.com" });
Sentry.setTag("team", "billing");

function chargeCard(orderId) {
  const amount = 1234;
  throw new TypeError("Card declined for order " + orderId + " (amount " + amount + ")");
}

function checkout(orderId) {
  return chargeCard(orderId);
}

Sentry.addBreadcrumb({ category: "cart", message: "added item sku-42", level: "info" });
Sentry.addBreadcrumb({ category: "auth", message: "user signed in", level: "info" });
Sentry.addBreadcrumb({ category: "payment", message: "calling payment gateway", level: "warning" });
try {
  checkout("A-1001");
} catch (err) {
  Sentry.captureException(err);
}
await Sentry.flush(5000);
`;

describe("web UI in a real browser", () => {
  let t: TestServer;
  let browser: Browser;
  let scriptDir: string;

  beforeAll(async () => {
    expect(existsSync(join(ROOT, "dist/ui/index.html")), "dist/ui is missing: run `npm run build` first").toBe(true);
    mkdirSync(SHOTS, { recursive: true });
    mkdirSync(join(ROOT, ".tmp"), { recursive: true });
    scriptDir = mkdtempSync(join(ROOT, ".tmp", "ui-e2e-"));
    writeFileSync(join(scriptDir, "send-error.mjs"), SDK_SCRIPT);
    t = await startTestServer();
    browser = await chromium.launch({ executablePath: "/usr/bin/chromium", args: CHROMIUM_ARGS });
  });

  afterAll(async () => {
    await browser?.close();
    await t?.close();
    if (scriptDir) rmSync(scriptDir, { recursive: true, force: true });
  });

  it("shows a fresh install how to send a first event", async () => {
    const page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
    await page.goto(t.url + "/");
    await page.getByText("No issues yet: send a first event").waitFor();
    expect(await page.locator(".dsn").textContent()).toBe(t.dsn);
    await page.screenshot({ path: `${SHOTS}/empty.png`, fullPage: true });
    await page.close();
  });

  it("lists the SDK's error, shows its stack trace and breadcrumbs, resolves it", async () => {
    // 1. a real SDK sends the error
    const run = await _runNode(join(scriptDir, "send-error.mjs"), { DSN: t.dsn });
    expect(run.code, run.stderr).toBe(0);
    const issue = await eventually(async () => {
      const res = await t.api("/api/0/organizations/lighttrace/issues/?query=");
      return res.body.length ? res.body[0] : undefined;
    });
    expect(issue.title).toBe("TypeError: Card declined for order A-1001 (amount 1234)");

    // 2. the triage list (loopback: no login prompt) shows it, badged new
    const page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
    const consoleErrors: string[] = [];
    page.on("console", (m) => {
      if (m.type() === "error") consoleErrors.push(m.text());
    });
    await page.goto(t.url + "/");
    const row = page.locator(`.issue-row[data-issue-id="${issue.id}"]`);
    await row.waitFor();
    expect(await row.locator(".issue-type").textContent()).toBe("TypeError");
    expect(await row.locator(".issue-value").textContent()).toBe("Card declined for order A-1001 (amount 1234)");
    expect(await row.locator(".badge-new").textContent()).toBe("new");
    expect(await row.locator(".level").textContent()).toBe("error");
    expect(await row.locator(".release").first().textContent()).toBe("shop@1.2.3");
    await page.screenshot({ path: `${SHOTS}/list.png`, fullPage: true });

    // 3. keyboard: enter opens the focused issue
    await page.keyboard.press("Enter");
    await page.waitForURL(`${t.url}/issues/${issue.id}/`);

    // 4. the detail: crashing in-app frame open with its source line, breadcrumbs, last one highlighted
    const crashFrame = page.locator(".frame.in-app.open").first();
    await crashFrame.waitFor();
    expect(await crashFrame.locator(".frame-fn").textContent()).toBe("chargeCard");
    expect(await crashFrame.locator(".ctx-line.crash .src").textContent()).toContain('throw new TypeError("Card declined for order "');
    const crumbs = page.locator(".crumbs tbody tr");
    expect(await crumbs.locator(".crumb-msg").allTextContents()).toEqual(
      expect.arrayContaining(["added item sku-42", "user signed in", "calling payment gateway"]),
    );
    expect(await page.locator(".crumbs tr.last-before-error .crumb-msg").textContent()).toBe("calling payment gateway");
    const summary = await page.locator('.kv[aria-label="Event summary"]').textContent();
    expect(summary).toContain("shop@1.2.3");
    expect(summary).toMatch(/trace id[0-9a-f]{32}/);
    expect(await page.locator(".tag-pills").textContent()).toContain("billing");
    await page.screenshot({ path: `${SHOTS}/detail.png`, fullPage: true });

    // 5. resolve from the detail page, then the default (unresolved) list no longer has it
    await page.getByRole("button", { name: "Resolve", exact: true }).click();
    await page.locator('[data-testid="issue-status"]', { hasText: "resolved" }).waitFor();
    expect((await t.api(`/api/0/issues/${issue.id}/`)).body.status).toBe("resolved");
    await page.locator(".topnav").getByText("Issues").click();
    await page.getByText("No issues match.").waitFor();
    expect(await page.locator(".issue-row").count()).toBe(0);

    // 6. …and the resolved filter shows it again
    await page.locator(".filters select").nth(1).selectOption("resolved");
    await page.locator(`.issue-row[data-issue-id="${issue.id}"]`).waitFor();
    expect(consoleErrors).toEqual([]);
    await page.close();
  });

  it("is usable on a 390 px phone in dark mode", async () => {
    const ctx = await browser.newContext({ viewport: { width: 390, height: 844 }, colorScheme: "dark", deviceScaleFactor: 1 });
    const page = await ctx.newPage();
    await page.goto(t.url + "/?query=");
    await page.locator(".issue-row").first().waitFor();
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
    expect(overflow).toBe(0);
    await page.screenshot({ path: `${SHOTS}/list-390-dark.png`, fullPage: true });
    await page.locator(".issue-title").first().click();
    await page.locator(".frame.in-app.open").first().waitFor();
    expect(await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth)).toBe(0);
    await page.screenshot({ path: `${SHOTS}/detail-390-dark.png`, fullPage: true });
    await ctx.close();
  });

  it("creates a project and shows its DSN and setup snippets", async () => {
    const page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
    await page.goto(t.url + "/projects/");
    await page.locator(".create-project input").fill("Checkout API");
    await page.getByRole("button", { name: "Create project" }).click();
    await page.waitForURL(`${t.url}/projects/checkout-api/`);
    const projects = (await t.api("/api/0/organizations/lighttrace/projects/")).body as { slug: string; id: string }[];
    const created = projects.find((p) => p.slug === "checkout-api")!;
    const keys = (await t.api(`/api/0/projects/lighttrace/checkout-api/keys/`)).body;
    await page.getByRole("tab", { name: "Python (sentry_sdk)" }).click();
    const code = await page.locator('[role="tabpanel"] pre').nth(1).textContent();
    expect(code).toContain(`dsn="${keys[0].dsn.public}"`);
    expect(code).toContain('environment="production"');
    expect(keys[0].dsn.public.endsWith(`/${created.id}`)).toBe(true);
    await page.screenshot({ path: `${SHOTS}/projects.png`, fullPage: true });
    await page.close();
  });
});

// --- Internal ---

function _runNode(script: string, env: Record<string, string>): Promise<{ code: number | null; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [script], { cwd: ROOT, env: { ...process.env, ...env }, stdio: ["ignore", "ignore", "pipe"] });
    let stderr = "";
    child.stderr.on("data", (d) => (stderr += d));
    const timer = setTimeout(() => child.kill("SIGKILL"), 20_000);
    child.on("error", reject);
    child.on("close", (code) => {
      clearTimeout(timer);
      resolve({ code, stderr });
    });
  });
}
