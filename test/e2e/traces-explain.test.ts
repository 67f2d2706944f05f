import { spawn, type ChildProcess } from "node:child_process";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { build } from "esbuild";
import { chromium, type Browser } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestServer, type TestServer } from "../_helpers/server.ts";
import { eventually } from "../_helpers/sdk.ts";

const ROOT = fileURLToPath(new URL("../../", import.meta.url));
const FIXTURES = join(ROOT, "test/fixtures/sdk");
const SHOTS = "/tmp/lighttrace-ui";
const CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
  "--disable-background-networking", "--disable-component-update", "--disable-sync"];

/**
 * One distributed trace from real SDKs: a page running @sentry/browser with tracing (project
 * "web") loads from a Node HTTP service running @sentry/node with tracing (project
 * "my-project") and calls its API, which throws. Then the trace view and the Explain panel in
 * Chromium, with a real local chat-completions server as the LLM.
 */
describe("distributed trace from real SDKs, trace view and Explain in a real browser", () => {
  let t: TestServer;
  let browser: Browser;
  let service: ChildProcess | undefined;
  let llm: Server;
  const llmPrompts: string[] = [];
  let releaseLlm: () => void = () => {};
  let tmp: string;
  let traceId: string;
  let serverIssue: { id: string; title: string };
  let serverEventId: string;

  beforeAll(async () => {
    expect(existsSync(join(ROOT, "dist/ui/index.html")), "dist/ui is missing: run `npm run build` first").toBe(true);
    mkdirSync(SHOTS, { recursive: true });
    mkdirSync(join(ROOT, ".tmp"), { recursive: true });
    tmp = mkdtempSync(join(ROOT, ".tmp", "traces-e2e-"));
    llm = createServer((req, res) => {
      let body = "";
      req.on("data", (d) => (body += d));
      req.on("end", () => {
        llmPrompts.push(JSON.parse(body).messages[1].content);
        // a streaming chat completion that holds its second half until the test has seen the first
        const chunk = (text: string) => `data: ${JSON.stringify({ choices: [{ index: 0, delta: { content: text } }] })}\n\n`;
        res.writeHead(200, { "Content-Type": "text/event-stream" });
        res.write(chunk("### What broke\n`loadCustomer` returned **undefined** for `c-404`.\n"));
        new Promise<void>((r) => (releaseLlm = r)).then(() => res.end(chunk("### Suggested fix\n- Handle the unknown customer.") + "data: [DONE]\n\n"));
      });
    });
    await new Promise<void>((r) => llm.listen(0, "127.0.0.1", r));
    t = await startTestServer({ aiUrl: `http://127.0.0.1:${(llm.address() as AddressInfo).port}/v1`, aiModel: "local-test" });
    browser = await chromium.launch({ executablePath: "/usr/bin/chromium", args: CHROMIUM_ARGS });

    // 1. the browser app's bundle, built from the real @sentry/browser
    const bundle = await build({ entryPoints: [join(FIXTURES, "trace-page.mjs")], bundle: true, format: "iife", platform: "browser", write: false, logLevel: "warning" });
    writeFileSync(join(tmp, "page.js"), bundle.outputFiles[0]!.text);
    const web = await t.api("/api/0/teams/lighttrace/default/projects/", { method: "POST", body: JSON.stringify({ name: "web", platform: "javascript" }) });
    expect(web.status).toBe(201);

    // 2. the Node service with @sentry/node tracing (loaded with --import, as Sentry documents)
    service = spawn(process.execPath, ["--import", "./trace-instrument.mjs", "trace-service.mjs"], {
      cwd: FIXTURES,
      env: { ...process.env, SENTRY_DSN: t.dsn, BROWSER_DSN: web.body.keys[0].dsn.public, PAGE_BUNDLE: join(tmp, "page.js") },
      stdio: ["ignore", "pipe", "pipe"],
    });
    let serviceOutput = "";
    service.stderr!.on("data", (d) => (serviceOutput += d));
    const serviceUrl = await new Promise<string>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`service did not start: ${serviceOutput}`)), 15_000);
      service!.stdout!.on("data", (d) => {
        const m = /listening on (\S+)/.exec(String(d));
        if (m) {
          clearTimeout(timer);
          resolve(m[1]!);
        }
      });
    });

    // 3. the page loads and calls the API; the SDKs send the transactions, spans and the error
    const page = await browser.newPage();
    await page.goto(serviceUrl);
    await page.waitForFunction(() => document.getElementById("out")?.textContent === "status 500");
    serverIssue = await eventually(async () => (await t.api("/api/0/organizations/lighttrace/issues/?query=")).body[0]);
    const event = (await t.api(`/api/0/issues/${serverIssue.id}/events/latest/`)).body;
    serverEventId = event.eventID;
    traceId = event.contexts.trace.trace_id;
    await eventually(async () => {
      const res = await t.api(`/api/0/organizations/lighttrace/events-trace/${traceId}/`);
      return res.body.transactions?.[0]?.children?.length ? res.body : undefined;
    }, 15_000);
    await page.close();
  });

  afterAll(async () => {
    service?.kill("SIGTERM");
    await browser?.close();
    await t?.close();
    llm?.close();
    if (tmp) rmSync(tmp, { recursive: true, force: true });
  });

  it("holds the page load, its fetch span, the server transaction and the error in one trace", async () => {
    expect(serverIssue.title).toBe("TypeError: Cannot read properties of undefined (reading 'name')");
    const trace = (await t.api(`/api/0/organizations/lighttrace/events-trace/${traceId}/`)).body;
    expect(trace.orphan_errors).toEqual([]);
    expect(trace.transactions).toHaveLength(1);
    const pageload = trace.transactions[0];
    expect(pageload).toMatchObject({ project_slug: "web", "transaction.op": "pageload", parent_span_id: null, release: "web@5.0.0", errors: [] });
    const fetchSpan = pageload.spans.find((s: any) => s.op === "http.client");
    expect(fetchSpan).toMatchObject({ parent_span_id: pageload.span_id, status: expect.stringMatching(/error/) });
    expect(pageload.children).toHaveLength(1);
    const server = pageload.children[0];
    // the browser's sentry-trace header made the fetch span the parent of the server's transaction
    expect(server).toMatchObject({ project_slug: "my-project", "transaction.op": "http.server", parent_span_id: fetchSpan.span_id, release: "api@5.0.0", generation: 1 });
    expect(server.start_timestamp).toBeGreaterThanOrEqual(fetchSpan.start_timestamp - 0.5);
    expect(server.errors).toEqual([expect.objectContaining({ event_id: serverEventId, issue_id: Number(serverIssue.id), title: serverIssue.title, span: server.span_id })]);
  });

  it("links the issue to the trace view: waterfall across both projects, the error pinned on its span", async () => {
    const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    const consoleErrors: string[] = [];
    page.on("console", (m) => {
      if (m.type() === "error") consoleErrors.push(m.text());
    });
    await page.goto(`${t.url}/issues/${serverIssue.id}/`);
    await page.getByRole("link", { name: "View trace" }).click();
    await page.waitForURL(`${t.url}/traces/${traceId}/?event=${serverEventId}`);
    await page.locator(".waterfall").waitFor();
    const summary = await page.locator('[data-testid="trace-summary"]').textContent();
    expect(summary).toContain("2 transactions");
    expect(summary).toContain("1 error");
    expect(summary).toContain("projects: web, my-project");
    const txRows = page.locator(".wf-row.wf-transaction");
    expect(await txRows.locator(".wf-project").allTextContents()).toEqual(["web", "my-project"]);
    expect(await txRows.nth(0).locator(".wf-op").textContent()).toBe("pageload");
    // nesting: the server transaction sits right under the fetch span that called it, one level deeper
    const rows = await page.locator(".wf-row").evaluateAll((els) => els.map((el) => ({
      kind: el.getAttribute("data-kind"), op: el.querySelector(".wf-op")?.textContent ?? "", indent: parseInt((el.querySelector(".wf-label") as HTMLElement).style.paddingLeft, 10),
    })));
    const fetchIndex = rows.findIndex((r) => r.op === "http.client");
    expect(rows[fetchIndex + 1]).toMatchObject({ kind: "transaction", op: "http.server" });
    expect(rows[fetchIndex + 1]!.indent).toBeGreaterThan(rows[fetchIndex]!.indent);
    const serverRow = txRows.nth(1);
    expect(await serverRow.locator(".wf-status").textContent()).toMatch(/error/);
    const pinned = serverRow.locator(".wf-error.current");
    expect(await pinned.textContent()).toBe(serverIssue.title);
    const bar = await serverRow.locator(".wf-bar").boundingBox();
    expect(bar!.width).toBeGreaterThan(1);
    await page.screenshot({ path: `${SHOTS}/trace.png`, fullPage: true });
    // a phone: the waterfall stacks its columns instead of overflowing
    const phone = await browser.newPage({ viewport: { width: 390, height: 844 } });
    await phone.goto(page.url());
    await phone.locator(".wf-row.wf-transaction").nth(1).waitFor();
    expect(await phone.evaluate(() => document.documentElement.scrollWidth - window.innerWidth)).toBe(0);
    await phone.screenshot({ path: `${SHOTS}/trace-390.png`, fullPage: true });
    await phone.close();
    await pinned.click();
    await page.waitForURL(`${t.url}/issues/${serverIssue.id}/events/${serverEventId}/`);
    expect(consoleErrors).toEqual([]);
    await page.close();
  });

  it("Explain: shows the exact prompt before the first send, then the AI's answer; offline on request", async () => {
    const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    await page.goto(`${t.url}/issues/${serverIssue.id}/`);
    await page.getByRole("button", { name: "Explain this event" }).click();
    const prompt = page.locator('[data-testid="explain-prompt"]');
    await prompt.waitFor();
    const shown = (await prompt.textContent())!;
    expect(shown).toContain("TypeError: Cannot read properties of undefined (reading 'name')");
    expect(shown).toContain("priceOrder at");
    expect(shown).toContain("return `${customer.name} pays ${order.total}`;");
    expect(llmPrompts).toHaveLength(0); // nothing left before the user agreed
    await page.screenshot({ path: `${SHOTS}/explain-prompt.png`, fullPage: true });

    // offline first: nothing is sent
    await page.getByRole("button", { name: "Offline analysis only" }).click();
    await page.locator('[data-testid="explain-provider"]', { hasText: "Offline analysis" }).waitFor();
    expect(await page.locator('[data-testid="explain-culprit"]').textContent()).toMatch(/^Look at .*trace-service\.mjs:\d+ in priceOrder$/);
    expect(await page.locator(".explain-result .markdown").textContent()).toContain("`customer` was undefined when the code read `.name` from it".replace(/`/g, ""));
    expect(llmPrompts).toHaveLength(0);

    // regenerate with the AI: the prompt is shown again, then sent exactly as shown
    await page.getByRole("button", { name: "Regenerate" }).click();
    await page.getByRole("button", { name: "Send to the AI" }).click();
    // the answer streams in: its first part is on screen while the LLM still holds the rest
    const streaming = page.locator('[data-testid="explain-streaming"]');
    await streaming.locator("h4", { hasText: "What broke" }).waitFor();
    expect(await streaming.textContent()).not.toContain("Suggested fix");
    await page.screenshot({ path: `${SHOTS}/explain-streaming.png` });
    releaseLlm();
    await page.locator('[data-testid="explain-provider"]', { hasText: "AI · local-test" }).waitFor();
    expect(llmPrompts).toHaveLength(1);
    expect(shown.endsWith(llmPrompts[0]!)).toBe(true);
    const answer = page.locator(".explain-result .markdown").first();
    expect(await answer.locator("h4").allTextContents()).toEqual(["What broke", "Suggested fix"]);
    expect(await answer.locator("strong").first().textContent()).toBe("undefined");
    await page.screenshot({ path: `${SHOTS}/explain-llm.png`, fullPage: true });

    // cached per issue + event: a reload shows it without asking again
    await page.reload();
    await page.getByRole("button", { name: "Explain this event" }).click();
    await page.locator('[data-testid="explain-provider"]', { hasText: "cached" }).waitFor();
    expect(llmPrompts).toHaveLength(1);
    await page.close();
  });
});
