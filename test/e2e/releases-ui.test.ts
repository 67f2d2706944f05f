import { existsSync, mkdirSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { chromium, type Browser, type Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { errorEvent, eventEnvelope, makeEnvelope } from "../_helpers/envelopes.ts";
import { startTestServer, type TestServer } from "../_helpers/server.ts";

const ROOT = fileURLToPath(new URL("../../", import.meta.url));
const SHOTS = "/tmp/lighttrace-ui";
const CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
  "--disable-background-networking", "--disable-component-update", "--disable-sync"];

/**
 * The release screens in Chromium: the list with crash-free rates, a release's detail with its
 * health chart and new issues, the project overview's release health, and on an issue
 * "resolve in release" with the statement that confirms the alert stops.
 */
describe("releases UI in a real browser", () => {
  let t: TestServer;
  let browser: Browser;
  let page: Page;
  const now = Date.now() / 1000;
  const post = (body: Buffer) => fetch(`${t.url}/api/${t.projectId}/envelope/?sentry_key=${t.publicKey}`, { method: "POST", body: new Uint8Array(body) });
  const sendEvent = async (group: string, release: string) => {
    const ev = errorEvent({ fingerprint: [group], release, exception: { values: [{ type: "CartError", value: `${group} broke` }] } });
    expect((await post(eventEnvelope(ev))).status).toBe(200);
    return ev.event_id as string;
  };
  const sendSessions = async (release: string, statuses: string[]) => {
    const items = statuses.map((status, i) => ({
      headers: { type: "session" },
      payload: JSON.stringify({ sid: `${release}-${i}`, init: true, started: new Date((now - 60) * 1000).toISOString(), status, errors: status === "crashed" ? 1 : 0, did: `u${i}`, attrs: { release, environment: "production" } }),
    }));
    expect((await post(makeEnvelope({}, items))).status).toBe(200);
  };

  beforeAll(async () => {
    expect(existsSync(join(ROOT, "dist/ui/index.html")), "dist/ui is missing: run `npm run build` first").toBe(true);
    mkdirSync(SHOTS, { recursive: true });
    t = await startTestServer();
    // shop@1.0.0: 4 sessions, 1 crashed (75 %); shop@1.1.0: 5 clean sessions (100 %)
    await sendSessions("shop@1.0.0", ["exited", "exited", "crashed", "exited"]);
    await sendEvent("checkout", "shop@1.0.0");
    await sendSessions("shop@1.1.0", ["exited", "exited", "exited", "exited", "exited"]);
    await sendEvent("coupon", "shop@1.1.0");
    browser = await chromium.launch({ executablePath: "/usr/bin/chromium", args: CHROMIUM_ARGS });
    page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
  });
  afterAll(async () => {
    await browser?.close();
    await t?.close();
  });

  it("lists releases newest first with their crash-free rates, and shows a release's health", async () => {
    await page.goto(`${t.url}/releases/`);
    await page.locator("tr[data-release]").first().waitFor();
    expect(await page.locator("tr[data-release]").evaluateAll((rows) => rows.map((r) => r.getAttribute("data-release")))).toEqual(["shop@1.1.0", "shop@1.0.0"]);
    expect(await page.locator('tr[data-release="shop@1.0.0"] [data-testid="crash-free-sessions"]').textContent()).toBe("75.00 %");
    expect(await page.locator('tr[data-release="shop@1.1.0"] [data-testid="crash-free-sessions"]').textContent()).toBe("100 %");
    await page.screenshot({ path: `${SHOTS}/releases.png`, fullPage: true });

    await page.getByRole("link", { name: "shop@1.0.0" }).click();
    await page.locator('[data-testid="detail-crash-free-sessions"]').waitFor();
    expect(await page.locator('[data-testid="detail-crash-free-sessions"]').textContent()).toBe("75.00 %");
    expect(await page.locator(".health-chart svg").getAttribute("aria-label")).toBe("4 sessions, 1 crashed");
    await page.getByText("New issues in this release").waitFor();
    expect(await page.locator(".release-issues li").first().textContent()).toContain("CartError: checkout broke");
    await page.screenshot({ path: `${SHOTS}/release-detail.png`, fullPage: true });
  });

  it("shows the latest releases' health on the project overview", async () => {
    await page.goto(`${t.url}/projects/my-project/`);
    await page.locator(".project-release-health tr[data-release]").first().waitFor();
    expect(await page.locator(".project-release-health tr[data-release]").count()).toBe(2);
  });

  it("resolves an issue in a release and confirms the alert stops", async () => {
    const eventId = await sendEvent("checkout", "shop@1.0.0");
    const issueId = (await t.api(`/api/0/projects/lighttrace/my-project/events/${eventId}/`)).body.groupID;
    await page.goto(`${t.url}/issues/${issueId}/`);
    await page.getByLabel("Release the fix is in").selectOption("shop@1.1.0");
    await page.getByRole("button", { name: "Resolve in release", exact: true }).click();
    const notice = page.locator('[data-testid="resolution-notice"]');
    await notice.waitFor();
    expect(await notice.textContent()).toContain("No events from shop@1.1.0 or later have arrived");
    expect(await page.locator('[data-testid="issue-status"]').textContent()).toBe("resolved");

    // an event from the old release: still resolved, and the statement names it
    await sendEvent("checkout", "shop@1.0.0");
    await page.reload();
    await notice.waitFor();
    expect(await notice.textContent()).toMatch(/Older releases still send events \(the last .* from shop@1\.0\.0\); those do not reopen it/);
    expect(await page.locator('[data-testid="issue-status"]').textContent()).toBe("resolved");
    expect(await page.locator(".release-counts tr").count()).toBe(1);
    await page.screenshot({ path: `${SHOTS}/resolved-in-release.png`, fullPage: true });
  });
});
