import { spawn } from "node:child_process";
import { mkdirSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { chromium, type Browser } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestServer, type TestServer } from "../_helpers/server.ts";
import { eventually } from "../_helpers/sdk.ts";
import { runSentryCli } from "../_helpers/sentry-cli.ts";
import { buildApp, lineOf, serveStatic } from "../_helpers/sourcemap-app.ts";

const ROOT = fileURLToPath(new URL("../../", import.meta.url));
const CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking", "--disable-component-update"];
const THROW_LINE = lineOf("checkout.ts", "throw new PaymentError");
const CALL_LINE = lineOf("checkout.ts", "const receipt = processPayment(order);");

/**
 * Source maps end to end, with the real tools: esbuild builds a multi-file TypeScript app,
 * `sentry-cli sourcemaps inject` + `sourcemaps upload` send its maps to the running server, and
 * errors thrown by the built code reach it through @sentry/browser in Chromium and @sentry/node.
 */
describe("source maps from sentry-cli, errors from real SDKs", () => {
  let t: TestServer;
  let work: string;
  let browser: Browser;
  const cli = (args: string[]) => runSentryCli(args, { url: t.url, token: t.token });
  const upload = async (dir: string, release: string, extra: string[] = []) => {
    const run = await cli(["sourcemaps", "upload", "--org", "lighttrace", "--project", "my-project", "--release", release, ...extra, dir]);
    expect(run.code, run.stdout + run.stderr).toBe(0);
    return run;
  };
  const issueEvents = async (issueId: string) => (await t.api(`/api/0/issues/${issueId}/events/?full=true`)).body as any[];
  const exceptionOf = (event: any) => event.entries.find((e: any) => e.type === "exception").data.values.at(-1);

  beforeAll(async () => {
    mkdirSync(join(ROOT, ".tmp"), { recursive: true });
    // under the checkout: the node build imports @sentry/node from node_modules
    work = mkdtempSync(join(ROOT, ".tmp", "sourcemaps-e2e-"));
    t = await startTestServer();
    browser = await chromium.launch({ executablePath: "/usr/bin/chromium", args: CHROMIUM_ARGS });
  });
  afterAll(async () => {
    await browser?.close();
    await t?.close();
    rmSync(work, { recursive: true, force: true });
  });

  describe("@sentry/browser in Chromium", () => {
    let site: Awaited<ReturnType<typeof serveStatic>>;
    const throwIn = async (prefix: string) => {
      const page = await browser.newPage();
      await page.goto(`${site.url}/${prefix}/`);
      await page.evaluate(() => window.doCheckout());
      await page.waitForTimeout(300);
      await page.close();
    };

    beforeAll(async () => {
      // build 1 gets debug ids; build 2 (different minified code) is uploaded by release + URL only
      await buildApp({ target: "web", outdir: join(work, "app", "web1") });
      await buildApp({ target: "web", outdir: join(work, "app", "web2"), second: true });
      const inject = await cli(["sourcemaps", "inject", join(work, "app", "web1")]);
      expect(inject.code, inject.stderr).toBe(0);
      expect(readFileSync(join(work, "app", "web1", "app.min.js"), "utf8")).toMatch(/\/\/# debugId=[0-9a-f-]{36}/);
      await upload(join(work, "app", "web1"), "web@1.0.0");
      await upload(join(work, "app", "web2"), "web@2.0.0", ["--url-prefix", "~/v2"]);
      site = await serveStatic({
        v1: { dir: join(work, "app", "web1"), release: "web@1.0.0", dsn: t.dsn },
        v2: { dir: join(work, "app", "web2"), release: "web@2.0.0", dsn: t.dsn },
        v3: { dir: join(work, "app", "web2"), release: "web@3.0.0", dsn: t.dsn },
      });
    });
    afterAll(async () => {
      await site?.close();
    });

    it("resolves a debug-id build to the original file, line, function and source lines", async () => {
      await throwIn("v1");
      const issue = await eventually(async () => (await t.api("/api/0/projects/lighttrace/my-project/issues/?query=PaymentError")).body[0]);
      expect(issue.title).toBe("PaymentError: card declined for order A-1");
      expect(issue.culprit).toBe("processPayment(src/checkout.ts)");
      const [event] = await issueEvents(issue.id);
      const exception = exceptionOf(event);
      const crash = exception.stacktrace.frames.filter((f: any) => f.inApp).at(-1);
      expect(crash).toMatchObject({ filename: "src/checkout.ts", function: "processPayment", lineNo: THROW_LINE, data: { resolved_with: "debug-id", symbolicated: true } });
      expect(crash.context.find(([n]: [number]) => n === THROW_LINE)[1]).toContain("throw new PaymentError(`card declined for order ${order.id}`, order.id);");
      expect(crash.context.length).toBeGreaterThan(5);
      const caller = exception.stacktrace.frames.find((f: any) => f.function === "checkout");
      expect(caller).toMatchObject({ filename: "src/checkout.ts", lineNo: CALL_LINE });
      // the minified frames stay alongside
      const raw = exception.rawStacktrace.frames.at(-1);
      expect(raw.absPath).toBe(`${site.url}/v1/app.min.js`);
      expect(raw.function).not.toBe("processPayment");
    });

    it("resolves a build without debug ids by release + URL, into the same issue", async () => {
      await throwIn("v2");
      const issues = (await t.api("/api/0/projects/lighttrace/my-project/issues/?query=PaymentError")).body;
      const issue = await eventually(async () => {
        const list = (await t.api("/api/0/projects/lighttrace/my-project/issues/?query=PaymentError")).body;
        return list[0]?.count === "2" ? list[0] : undefined;
      });
      expect(issues).toHaveLength(1);
      const events = await issueEvents(issue.id);
      const v2 = events.find((e: any) => e.release.version === "web@2.0.0");
      const exception = exceptionOf(v2);
      const crash = exception.stacktrace.frames.filter((f: any) => f.inApp).at(-1);
      expect(crash).toMatchObject({ filename: "src/checkout.ts", function: "processPayment", lineNo: THROW_LINE, data: { resolved_with: "release" } });
      // two builds: different minified frames, one issue
      const v1 = events.find((e: any) => e.release.version === "web@1.0.0");
      const positions = (event: any) => exceptionOf(event).rawStacktrace.frames.map((f: any) => `${f.lineNo}:${f.colNo}`).join(" ");
      expect(positions(v2)).not.toBe(positions(v1));
    });

    it("resolves files uploaded through the legacy release-files endpoint", async () => {
      expect((await t.api("/api/0/organizations/lighttrace/releases/", { method: "POST", body: JSON.stringify({ version: "web@3.0.0", projects: ["my-project"] }) })).status).toBe(201);
      for (const name of ["app.min.js", "app.min.js.map"]) {
        const form = new FormData();
        form.set("file", new Blob([readFileSync(join(work, "app", "web2", name))]), name);
        form.set("name", `~/v3/${name}`);
        const res = await fetch(`${t.url}/api/0/projects/lighttrace/my-project/releases/web@3.0.0/files/`, { method: "POST", body: form, headers: { Authorization: `Bearer ${t.token}` } });
        expect(res.status).toBe(201);
        expect(await res.json()).toMatchObject({ name: `~/v3/${name}`, dist: null });
      }
      const again = new FormData();
      again.set("file", new Blob(["x"]), "app.min.js");
      again.set("name", "~/v3/app.min.js");
      const conflict = await fetch(`${t.url}/api/0/projects/lighttrace/my-project/releases/web@3.0.0/files/`, { method: "POST", body: again, headers: { Authorization: `Bearer ${t.token}` } });
      expect(conflict.status).toBe(409);

      await throwIn("v3");
      const event = await eventually(async () => {
        const issue = (await t.api("/api/0/projects/lighttrace/my-project/issues/?query=PaymentError")).body[0];
        return (await issueEvents(issue.id)).find((e: any) => e.release?.version === "web@3.0.0");
      });
      const crash = exceptionOf(event).stacktrace.frames.filter((f: any) => f.inApp).at(-1);
      expect(crash).toMatchObject({ filename: "src/checkout.ts", function: "processPayment", lineNo: THROW_LINE, data: { resolved_with: "release" } });
    });
  });

  describe("web UI", () => {
    it("toggles original and minified frames, shows why a frame did not resolve, and links to the repository", async () => {
      const issue = (await t.api("/api/0/projects/lighttrace/my-project/issues/?query=A-1")).body[0];
      // an event from a script nobody uploaded: its frame keeps the minified location, with the reason
      const res = await fetch(`${t.url}/api/${t.projectId}/store/?sentry_key=${t.publicKey}`, {
        method: "POST",
        body: JSON.stringify({
          platform: "javascript", release: "web@1.0.0", exception: { values: [{ type: "TypeError", value: "x is not a function", stacktrace: { frames: [
            { filename: "https://cdn.example/vendor.min.js", function: "q", lineno: 1, colno: 200, in_app: true },
          ] } }] },
        }),
      });
      expect(res.status).toBe(200);

      const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
      // 1. source-link settings through the project page
      await page.goto(`${t.url}/projects/my-project/`);
      const form = page.locator(".source-link-form");
      await form.locator('input[type="url"]').fill("https://github.com/acme/shop");
      await form.getByRole("button", { name: "Save source links" }).click();
      await page.getByText("Links look like").waitFor();
      expect(await page.locator(".source-links code").last().textContent()).toBe("https://github.com/acme/shop/blob/{commit}/{path}#L{line}");
      const sha = "fedcba9876543210fedcba9876543210fedcba98";
      expect((await t.api("/api/0/organizations/lighttrace/releases/web@1.0.0/", { method: "PUT", body: JSON.stringify({ refs: [{ repository: "acme/shop", commit: sha }] }) })).status).toBe(200);

      // 2. the v1 event: original frames with a repository link, minified on request
      const [v1] = (await issueEvents(issue.id)).filter((e: any) => e.release.version === "web@1.0.0");
      await page.goto(`${t.url}/issues/${issue.id}/events/${v1.eventID}/`);
      const crash = page.locator(".frame.in-app.open").first();
      await crash.waitFor();
      expect(await crash.locator(".frame-fn").textContent()).toBe("processPayment");
      expect(await crash.locator(".frame-file").textContent()).toMatch(/^src\/checkout\.ts:13:\d+$/);
      expect(await crash.locator(".ctx-line.crash .src").textContent()).toContain("throw new PaymentError");
      expect(await crash.locator("a.source-link").getAttribute("href")).toBe(`https://github.com/acme/shop/blob/${sha}/src/checkout.ts#L${THROW_LINE}`);
      await page.getByRole("button", { name: "Minified" }).click();
      expect(await page.locator(".frame .frame-file").allTextContents()).toEqual(expect.arrayContaining([expect.stringMatching(/\/v1\/app\.min\.js:\d+:\d+$/)]));
      expect(await page.locator(".frame-file", { hasText: "src/checkout.ts" }).count()).toBe(0);
      await page.getByRole("button", { name: "Original" }).click();
      await page.locator(".frame-file", { hasText: "src/checkout.ts" }).first().waitFor();

      // 3. the unresolved event says why
      const other = await eventually(async () => (await t.api("/api/0/projects/lighttrace/my-project/issues/?query=vendor")).body[0]
        ?? (await t.api("/api/0/projects/lighttrace/my-project/issues/?query=TypeError")).body[0]);
      await page.goto(`${t.url}/issues/${other.id}/`);
      const reason = page.locator(".frame-unresolved").first();
      await reason.waitFor();
      expect(await reason.textContent()).toBe("Not symbolicated: no file matching https://cdn.example/vendor.min.js was uploaded for release web@1.0.0");
      expect(await page.locator("a.source-link").count()).toBe(0);
      await page.screenshot({ path: "/tmp/lighttrace-ui/sourcemaps-unresolved.png", fullPage: true }).catch(() => {});
      await page.close();
    });
  });

  describe("@sentry/node", () => {
    const runNode = (dir: string, release: string) => new Promise<{ code: number | null; stderr: string }>((resolve) => {
      const child = spawn(process.execPath, [join(dir, "app.min.mjs")], { env: { ...process.env, SENTRY_DSN: t.dsn.replace(/\/\d+$/, `/${t.projectId}`), RELEASE: release }, stdio: ["ignore", "ignore", "pipe"] });
      let stderr = "";
      child.stderr.on("data", (d) => (stderr += d));
      child.on("close", (code) => resolve({ code, stderr }));
    });
    const nodeIssues = async () => (await t.api("/api/0/projects/lighttrace/my-project/issues/?query=N-7")).body as any[];

    it("symbolicates an event that arrived before its map when it is viewed, and keeps one issue across builds", async () => {
      const first = join(work, "app", "node1");
      await buildApp({ target: "node", outdir: first });
      expect((await cli(["sourcemaps", "inject", first])).code).toBe(0);

      // 1. the error arrives before the map: grouped on minified frames
      expect((await runNode(first, "node@1.0.0")).code).toBe(0);
      const issue = await eventually(async () => (await nodeIssues())[0]);
      const [early] = await issueEvents(issue.id);
      const earlyCrash = exceptionOf(early).stacktrace.frames.filter((f: any) => f.inApp).at(-1);
      expect(earlyCrash.filename).not.toBe("src/checkout.ts");

      // 2. the map is uploaded; viewing the same event now shows the original frames
      await upload(first, "node@1.0.0");
      const viewed = (await t.api(`/api/0/issues/${issue.id}/events/${early.eventID}/`)).body;
      const crash = exceptionOf(viewed).stacktrace.frames.filter((f: any) => f.inApp).at(-1);
      expect(crash).toMatchObject({ filename: "src/checkout.ts", function: "processPayment", lineNo: THROW_LINE, data: { resolved_with: "debug-id" } });
      expect(crash.context.find(([n]: [number]) => n === THROW_LINE)[1]).toContain("throw new PaymentError");

      // 3. the same build again, symbolicated at ingest: still the same issue
      expect((await runNode(first, "node@1.0.0")).code).toBe(0);
      await eventually(async () => ((await nodeIssues())[0]?.count === "2" ? true : undefined));

      // 4. a new build (different minified code) with its own map: still the same issue
      const second = join(work, "app", "node2");
      await buildApp({ target: "node", outdir: second, second: true });
      expect((await cli(["sourcemaps", "inject", second])).code).toBe(0);
      await upload(second, "node@1.0.1");
      expect((await runNode(second, "node@1.0.1")).code).toBe(0);
      const all = await eventually(async () => {
        const list = await nodeIssues();
        return list.reduce((n, i) => n + Number(i.count), 0) === 3 ? list : undefined;
      });
      expect(all).toHaveLength(1);
      const events = await issueEvents(all[0].id);
      const fromSecond = events.find((e: any) => e.release.version === "node@1.0.1");
      expect(exceptionOf(fromSecond).stacktrace.frames.filter((f: any) => f.inApp).at(-1)).toMatchObject({ filename: "src/checkout.ts", function: "processPayment" });

      // 5. source links: the project's repository, the release's commit from set-commits
      const sha = "0123456789abcdef0123456789abcdef01234567";
      expect((await t.api("/api/0/projects/lighttrace/my-project/source-links/", { method: "PUT", body: JSON.stringify({ repositoryUrl: "https://github.com/acme/shop" }) })).status).toBe(200);
      const commits = await cli(["releases", "set-commits", "node@1.0.1", "--org", "lighttrace", "--commit", `acme/shop@${sha}`]);
      expect(commits.code, commits.stderr).toBe(0);
      const linked = (await t.api(`/api/0/issues/${all[0].id}/events/${fromSecond.eventID}/`)).body;
      const frames = exceptionOf(linked).stacktrace.frames;
      expect(frames.filter((f: any) => f.inApp).at(-1).sourceLink).toBe(`https://github.com/acme/shop/blob/${sha}/src/checkout.ts#L${THROW_LINE}`);
      expect(frames.filter((f: any) => !f.inApp).every((f: any) => f.sourceLink === null)).toBe(true);
    });
  });
});
