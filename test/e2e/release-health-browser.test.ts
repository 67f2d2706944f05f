import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { build } from "esbuild";
import { chromium, type Browser } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestServer, type TestServer } from "../_helpers/server.ts";
import { eventually } from "../_helpers/sdk.ts";
import { addTotals, computeHealth, EMPTY_TOTALS } from "../../src/sessions/health.ts";

const CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
  "--disable-background-networking", "--disable-component-update", "--disable-sync"];

/** A page app on the real @sentry/browser: a page load starts a session; `?mode=` adds a handled or an unhandled error. */
const APP_SOURCE = `
import * as Sentry from "@sentry/browser";
const params = new URLSearchParams(location.search);
Sentry.init({ dsn: params.get("dsn"), release: "web@5.0.0", environment: "production" });
Sentry.setUser({ id: params.get("user") });
const mode = params.get("mode");
if (mode === "handled") Sentry.captureException(new Error("coupon service timed out"));
if (mode === "crash") setTimeout(() => { throw new TypeError("cart.items is undefined"); }, 50);
window.__ready = true;
`;

describe("@sentry/browser sessions in headless Chromium", () => {
  let t: TestServer;
  let browser: Browser;
  let site: Server;
  let siteUrl: string;

  beforeAll(async () => {
    const bundle = await build({ stdin: { contents: APP_SOURCE, resolveDir: process.cwd() }, bundle: true, write: false, format: "iife", logLevel: "warning" });
    const js = bundle.outputFiles[0]!.text;
    site = createServer((req, res) => {
      if (req.url?.startsWith("/app.js")) res.writeHead(200, { "Content-Type": "text/javascript" }).end(js);
      else res.writeHead(200, { "Content-Type": "text/html" }).end(`<!doctype html><title>shop</title><script src="/app.js"></script>`);
    });
    await new Promise<void>((r) => site.listen(0, "127.0.0.1", r));
    siteUrl = `http://127.0.0.1:${(site.address() as AddressInfo).port}/`;
    t = await startTestServer();
    browser = await chromium.launch({ executablePath: "/usr/bin/chromium", args: CHROMIUM_ARGS });
  });
  afterAll(async () => {
    await browser?.close();
    await new Promise((r) => site?.close(r));
    await t?.close();
  });

  it("counts page-load sessions, a handled error as errored and an unhandled one as crashed", async () => {
    const visits = [["healthy", "u1"], ["handled", "u2"], ["crash", "u3"]] as const;
    for (const [mode, user] of visits) {
      const page = await browser.newPage();
      const query = new URLSearchParams({ dsn: t.dsn, mode, user });
      // the page's script reads its parameters from location.search
      await page.goto(`${siteUrl}?${query}`);
      await page.waitForFunction(() => (window as unknown as { __ready?: boolean }).__ready === true);
      await page.waitForTimeout(mode === "healthy" ? 300 : 800);
      await page.close();
    }
    const total = await eventually(async () => {
      const rows = (await t.server.store.sessionHealth([t.projectId], Math.floor(Date.now() / 3_600_000) - 1)).filter((r) => r.release === "web@5.0.0");
      const sum = rows.reduce((a, r) => addTotals(a, r), EMPTY_TOTALS);
      return sum.sessions === 3 && sum.crashed === 1 && sum.errored === 1 ? sum : undefined;
    });
    // three visits by three users: one errored (handled), one crashed (unhandled)
    expect(total).toMatchObject({ sessions: 3, errored: 1, crashed: 1, abnormal: 0, users: 3, crashedUsers: 1 });
    const h = computeHealth(total);
    expect(h.crashFreeSessions).toBeCloseTo(66.6667, 3);
    expect(h.crashFreeUsers).toBeCloseTo(66.6667, 3);
    const list = (await t.api(`/api/0/organizations/lighttrace/releases/?project=${t.projectId}&health=1`)).body;
    expect(list.map((r: any) => r.version)).toEqual(["web@5.0.0"]);
    expect(list[0].projects[0].healthData).toMatchObject({ crashFreeSessions: 66.6667, crashFreeUsers: 66.6667, sessionsCrashed: 1, sessionsErrored: 1, totalSessions: 3 });
  });
});
