import { chromium, type Browser } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestServer, type TestServer } from "../_helpers/server.ts";
import { errorEvent, eventEnvelope } from "../_helpers/envelopes.ts";
import { eventually } from "../_helpers/sdk.ts";

const CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
  "--disable-background-networking", "--disable-component-update", "--disable-sync"];

/**
 * "Open in repository" links are LightTrace's own: built from the project's source-link settings and
 * the release's commit. An SDK (anyone holding the public DSN key) that sends `source_link` in its
 * frames must not get a `javascript:` or phishing URL onto the issue page.
 */
describe("SDK-sent frame source_link in a real browser", () => {
  let t: TestServer;
  let browser: Browser;
  const send = async (message: string, release: string, links: string[], filenames = links.map((_, i) => `src/step${i}.ts`), rawLink?: string) => {
    const frames = links.map((link, i) => ({
      filename: filenames[i], function: `step${i}`, lineno: 10 + i, colno: 3, in_app: true, context_line: "doIt();", source_link: link,
    }));
    // an SDK may also send the "minified" frames itself, which normalisation does not touch
    const raw = rawLink ? { raw_stacktrace: { frames: [{ filename: "app.min.js", function: "a", lineno: 1, colno: 99, in_app: true, source_link: rawLink }] } } : {};
    const event = errorEvent({ release, exception: { values: [{ type: "TypeError", value: message, stacktrace: { frames }, ...raw }] } });
    const res = await fetch(`${t.url}/api/${t.projectId}/envelope/?sentry_key=${t.publicKey}`, { method: "POST", body: new Uint8Array(eventEnvelope(event)) });
    expect(res.status).toBe(200);
    return eventually(async () => (await t.api(`/api/0/projects/lighttrace/my-project/issues/?query=${encodeURIComponent(message)}`)).body[0]);
  };
  const openIssue = async (issueId: string) => {
    const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    await page.goto(`${t.url}/issues/${issueId}/`);
    await page.locator(".frame.in-app").first().waitFor();
    // open every frame, so each one's row is rendered with whatever link it has
    for (const head of await page.locator(".frame-head:not([disabled])").all()) await head.click();
    return page;
  };

  beforeAll(async () => {
    t = await startTestServer();
    browser = await chromium.launch({ executablePath: "/usr/bin/chromium", args: CHROMIUM_ARGS });
  });
  afterAll(async () => {
    await browser?.close();
    await t?.close();
  });

  it("renders no link for a javascript: or phishing source_link, and stores none", async () => {
    const issue = await send("spoofed links", "web@1.0.0", ["javascript:alert(document.domain)", "https://login.phish.example/github"], undefined, "https://login.phish.example/raw");
    const page = await openIssue(issue.id);
    expect(await page.locator(".frame.in-app").count()).toBe(2);
    expect(await page.locator("a.source-link").count()).toBe(0);
    expect(await page.locator('a[href^="javascript:"], a[href*="phish.example"]').count()).toBe(0);
    await page.getByRole("button", { name: "Minified" }).click();
    await page.locator(".frame-fn", { hasText: /^a$/ }).waitFor();
    expect(await page.locator("a.source-link").count()).toBe(0);
    await page.close();
    const latest = (await t.api(`/api/0/issues/${issue.id}/events/latest/`)).body;
    expect(JSON.stringify(latest.entries)).not.toContain("phish.example");
    expect(JSON.stringify(latest)).not.toContain("javascript:");
  });

  it("shows the link LightTrace builds from the project's settings instead of the SDK's", async () => {
    const sha = "0123456789abcdef0123456789abcdef01234567";
    expect((await t.api("/api/0/projects/lighttrace/my-project/source-links/", { method: "PUT", body: JSON.stringify({ repositoryUrl: "https://github.com/acme/shop" }) })).status).toBe(200);
    // the second frame's file is not the project's (node_modules): LightTrace builds no link for it
    const issue = await send("links with settings", `web@${sha}`, ["https://login.phish.example/a", "https://login.phish.example/b"], ["src/step0.ts", "node_modules/lib/index.js"]);
    const page = await openIssue(issue.id);
    const links = await page.locator("a.source-link").evaluateAll((as) => as.map((a) => a.getAttribute("href")));
    expect(links).toEqual([`https://github.com/acme/shop/blob/${sha}/src/step0.ts#L10`]);
    await page.close();
  });
});
