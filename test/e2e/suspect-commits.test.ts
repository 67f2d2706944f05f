import { execFileSync, spawnSync } from "node:child_process";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { chromium } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestServer, type TestServer } from "../_helpers/server.ts";
import { runSentryCli } from "../_helpers/sentry-cli.ts";
import { eventually } from "../_helpers/sdk.ts";
import { errorEvent, eventEnvelope } from "../_helpers/envelopes.ts";

const ROOT = fileURLToPath(new URL("../../", import.meta.url));

/**
 * A real git repository, three releases whose commits real sentry-cli sets (`--local`, then
 * `--auto` falling back to the local history), a deploy of the first, and a real @sentry/node
 * app from that repository crashing in the third: the issue's suspect commits are the ones that
 * touched the crashing files in the releases not yet deployed, closest frame first.
 */
describe("suspect commits from sentry-cli set-commits and a real git repository", () => {
  let t: TestServer;
  let repo: string;
  const sha: Record<string, string> = {};
  const git = (...args: string[]) => execFileSync("git", args, { cwd: repo }).toString().trim();
  const commit = (label: string, author: string, date: string, message: string, files: Record<string, string>) => {
    for (const [path, text] of Object.entries(files)) {
      mkdirSync(dirname(join(repo, path)), { recursive: true });
      writeFileSync(join(repo, path), text);
    }
    git("add", ".");
    execFileSync("git", ["commit", "-q", "-m", message], {
      cwd: repo,
      env: { ...process.env, GIT_AUTHOR_NAME: author, GIT_AUTHOR_EMAIL: `${author.toLowerCase()}@example.com`, GIT_AUTHOR_DATE: date, GIT_COMMITTER_NAME: author, GIT_COMMITTER_EMAIL: `${author.toLowerCase()}@example.com`, GIT_COMMITTER_DATE: date },
    });
    sha[label] = git("rev-parse", "HEAD");
  };
  const cli = async (...args: string[]) => {
    const run = await runSentryCli(args, { url: t.url, token: t.token, cwd: repo });
    expect(run.code, `${args.join(" ")}\n${run.stderr}`).toBe(0);
    return run;
  };

  beforeAll(async () => {
    t = await startTestServer();
    repo = mkdtempSync(join(tmpdir(), "lt-suspect-"));
    git("init", "-q");
    git("remote", "add", "origin", "git@github.com:acme/shop.git");
    commit("init", "Ada", "2026-01-05T10:00:00Z", "initial shop", {
      "src/cart.js": "const { summary } = require('./checkout/summary');\nfunction checkout(order) {\n  return summary(order);\n}\nmodule.exports = { checkout };\n",
      "src/checkout/summary.js": "function summary(order) {\n  return order.customer.name + ': ' + order.total;\n}\nmodule.exports = { summary };\n",
      "README.md": "# shop\n",
    });
    await cli("releases", "new", "shop@1.0.0", "--org", "lighttrace", "--project", "my-project");
    await cli("releases", "set-commits", "shop@1.0.0", "--org", "lighttrace", "--local", "--ignore-missing");
    await cli("deploys", "new", "--release", "shop@1.0.0", "--org", "lighttrace", "-e", "production");

    commit("summary", "Bob", "2026-01-06T10:00:00Z", "summary: show the customer's name", {
      "src/checkout/summary.js": "function summary(order) {\n  const name = order.customer.name;\n  return name + ': ' + order.total;\n}\nmodule.exports = { summary };\n",
    });
    commit("readme", "Cy", "2026-01-06T11:00:00Z", "readme: how to run", { "README.md": "# shop\n\nnpm start\n" });
    // source links make the repository known: --auto then finds it, and still sends the local history
    const settings = await t.api("/api/0/projects/lighttrace/my-project/source-links/", { method: "PUT", body: JSON.stringify({ repositoryUrl: "https://github.com/acme/shop", stackRoot: repo + "/", sourceRoot: "" }) });
    expect(settings.status).toBe(200);
    await cli("releases", "new", "shop@1.1.0", "--org", "lighttrace", "--project", "my-project");
    const auto = await cli("releases", "set-commits", "shop@1.1.0", "--org", "lighttrace", "--auto");
    expect(auto.stdout).toContain("Proceeding to find commits from local git tree");

    commit("cart", "Dee", "2026-01-07T09:00:00Z", "cart: apply discounts before checkout", {
      "src/cart.js": "const { summary } = require('./checkout/summary');\nfunction checkout(order) {\n  order.total = order.total * 0.9;\n  return summary(order);\n}\nmodule.exports = { checkout };\n",
    });
    await cli("releases", "new", "shop@1.2.0", "--org", "lighttrace", "--project", "my-project");
    await cli("releases", "set-commits", "shop@1.2.0", "--org", "lighttrace", "--auto");
  });
  afterAll(async () => {
    await t.close();
    rmSync(repo, { recursive: true, force: true });
  });

  it("stores each commit with the files it touched", async () => {
    const org = (await t.server.store.getOrganization())!;
    const files = async (version: string) => (await t.server.store.listReleaseCommits((await t.server.store.getRelease(org.id, version))!.id))
      .map((c) => ({ id: c.id, repository: c.repository, files: c.files }));
    // sentry-cli names the repository after the git remote ("origin"); the API shows the source-link repository
    expect(await files("shop@1.0.0")).toEqual([{ id: sha.init, repository: "origin", files: [
      { path: "README.md", type: "A" }, { path: "src/cart.js", type: "A" }, { path: "src/checkout/summary.js", type: "A" },
    ] }]);
    expect(await files("shop@1.1.0")).toEqual([
      { id: sha.readme, repository: "origin", files: [{ path: "README.md", type: "M" }] },
      { id: sha.summary, repository: "origin", files: [{ path: "src/checkout/summary.js", type: "M" }] },
    ]);
    expect(await files("shop@1.2.0")).toEqual([{ id: sha.cart, repository: "origin", files: [{ path: "src/cart.js", type: "M" }] }]);
  });

  it("names the commits that touched the crashing files, closest frame first, with author, message and link", async () => {
    writeFileSync(join(repo, "run.js"), `
const { createRequire } = require("node:module");
const Sentry = createRequire(${JSON.stringify(join(ROOT, "package.json"))})("@sentry/node");
Sentry.init({ dsn: process.env.SENTRY_DSN, release: "shop@1.2.0", environment: "production" });
const { checkout } = require("./src/cart");
try { checkout({ total: 10 }); } catch (e) { Sentry.captureException(e); }
Sentry.flush(5000).then(() => process.exit(0));
`);
    const run = spawnSync(process.execPath, ["run.js"], { cwd: repo, env: { ...process.env, SENTRY_DSN: t.dsn }, encoding: "utf8", timeout: 20_000 });
    expect(run.status, run.stderr).toBe(0);
    const issue = await eventually(async () => (await t.api("/api/0/organizations/lighttrace/issues/?query=release:shop@1.2.0")).body[0]);
    expect(issue.firstRelease).toEqual({ version: "shop@1.2.0" });
    const latest = (await t.api(`/api/0/issues/${issue.id}/events/latest/`)).body;

    const res = await t.api(`/api/0/projects/lighttrace/my-project/events/${latest.eventID}/committers/`);
    expect(res.status).toBe(200);
    // Bob's commit touched the crashing frame's file (summary.js, release 1.1.0, not yet deployed);
    // Dee's touched its caller (cart.js, 1.2.0). Ada's (1.0.0, deployed) and Cy's (README) are not suspects.
    expect(res.body.committers.map((c: any) => c.author)).toEqual([{ name: "Bob", email: "bob@example.com" }, { name: "Dee", email: "dee@example.com" }]);
    const [bob, dee] = res.body.committers.map((c: any) => c.commits[0]);
    expect(bob).toMatchObject({
      id: sha.summary, message: "summary: show the customer's name\n", dateCreated: "2026-01-06T10:00:00.000Z",
      repository: { name: "acme/shop", url: "https://github.com/acme/shop" }, suspectCommitType: "via commit in release", pullRequest: null,
      release: { version: "shop@1.1.0" }, releaseDistance: 1, frameDistance: 0, rank: 1,
      url: `https://github.com/acme/shop/commit/${sha.summary}`,
      files: [{ path: "src/checkout/summary.js", frame: { function: "summary", lineNo: 2 } }],
    });
    expect(dee).toMatchObject({ id: sha.cart, release: { version: "shop@1.2.0" }, releaseDistance: 0, frameDistance: 1, rank: 2, files: [{ path: "src/cart.js", frame: { function: "checkout" } }] });

    // the issue page lists them, closest first, with the link to each commit
    const browser = await chromium.launch({ executablePath: "/usr/bin/chromium", args: ["--headless", "--no-sandbox", "--disable-gpu", "--no-first-run"] });
    try {
      const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
      await page.goto(`${t.url}/issues/${issue.id}/`);
      const rows = page.locator('[data-testid="suspect-commit"]');
      await rows.first().waitFor({ timeout: 30_000 }).catch(async (err: unknown) => {
        throw new Error(`no suspect commit on the page: ${(await page.locator(".suspect-commits").textContent().catch(() => "(no panel)")) ?? ""}`, { cause: err });
      });
      expect(await rows.count()).toBe(2);
      expect(await rows.nth(0).textContent()).toContain("summary: show the customer's name");
      expect(await rows.nth(0).textContent()).toContain("Bob");
      expect(await rows.nth(0).textContent()).toContain("src/checkout/summary.js (summary)");
      expect(await rows.nth(0).locator("a").getAttribute("href")).toBe(`https://github.com/acme/shop/commit/${sha.summary}`);
      expect(await rows.nth(1).textContent()).toContain("cart: apply discounts before checkout");
      await page.locator(".suspect-commits").screenshot({ path: join(tmpdir(), "lt-suspect-commits.png") });
    } finally {
      await browser.close();
    }

    // Explain names them too: offline, with the evidence
    const explained = await t.api(`/api/0/issues/${issue.id}/explain/`, { method: "POST", body: JSON.stringify({ provider: "offline" }) });
    const finding = explained.body.findings.find((f: any) => f.kind === "suspect-commit");
    expect(finding.title).toContain(sha.summary!.slice(0, 7));
    expect(finding.detail).toContain("Bob");
    expect(finding.evidence).toContain("src/checkout/summary.js");
    expect(explained.body.explanation).toContain("summary: show the customer's name");
  }, 120_000);

  it("answers 404 as Sentry does without a release or without commits", async () => {
    const post = async (ev: Record<string, unknown>) => {
      const res = await fetch(`${t.url}/api/${t.projectId}/envelope/?sentry_key=${t.publicKey}`, { method: "POST", body: new Uint8Array(eventEnvelope(ev)) });
      expect(res.status).toBe(200);
      return ev.event_id as string;
    };
    const noRelease = await post(errorEvent({ exception: { values: [{ type: "Error", value: "no release here", stacktrace: { frames: [{ filename: "/srv/a.js", function: "a", lineno: 1, in_app: true }] } }] } }));
    await cli("releases", "new", "shop@0.1.0", "--org", "lighttrace", "--project", "my-project");
    const noCommits = await post(errorEvent({ release: "shop@0.1.0", exception: { values: [{ type: "Error", value: "old release", stacktrace: { frames: [{ filename: "/srv/b.js", function: "b", lineno: 1, in_app: true }] } }] } }));
    const committers = (id: string) => eventually(async () => {
      const res = await t.api(`/api/0/projects/lighttrace/my-project/events/${id}/committers/`);
      return res.status === 404 && res.body.detail === "The requested resource does not exist" ? undefined : res;
    });
    expect(await committers(noRelease)).toMatchObject({ status: 404, body: { detail: "Release not found" } });
    expect(await committers(noCommits)).toMatchObject({ status: 404, body: { detail: "No Commits found for Release" } });
    // the UI asks for an empty answer instead, so the browser logs no failed request
    expect(await t.api(`/api/0/projects/lighttrace/my-project/events/${noRelease}/committers/?missing=empty`)).toMatchObject({ status: 200, body: { committers: [], missing: "Release not found" } });
    expect((await t.api("/api/0/projects/lighttrace/my-project/events/nothex/committers/")).status).toBe(400);
  });
});
