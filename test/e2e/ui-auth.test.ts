import { spawn } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { chromium } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestServer, type TestServer } from "../_helpers/server.ts";
import { eventually } from "../_helpers/sdk.ts";
import { rawRequest } from "../_helpers/raw-http.ts";

const ROOT = fileURLToPath(new URL("../../", import.meta.url));
const CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
  "--disable-background-networking", "--disable-component-update", "--disable-sync"];

describe("browser auth on a loopback server", () => {
  let t: TestServer;
  let cookie: string;
  let issueId: string;

  beforeAll(async () => {
    t = await startTestServer();
    const res = await fetch(`${t.url}/api/${t.projectId}/store/`, {
      method: "POST",
      headers: { "Content-Type": "application/json", "X-Sentry-Auth": `Sentry sentry_version=7, sentry_key=${t.publicKey}` },
      body: JSON.stringify({ message: "auth test event", level: "error" }),
    });
    expect(res.status).toBe(200);
    issueId = await eventually(async () => (await t.api("/api/0/organizations/lighttrace/issues/")).body[0]?.id);
  });
  afterAll(async () => t?.close());

  it("refuses the API without a token or a login cookie", async () => {
    const res = await fetch(`${t.url}/api/0/organizations/lighttrace/issues/`);
    expect(res.status).toBe(401);
    expect(await res.json()).toEqual({ detail: "Authentication credentials were not provided." });
    const bad = await fetch(`${t.url}/api/0/organizations/`, { headers: { Cookie: `lighttrace_session_${t.server.port}=forged` } });
    expect(bad.status).toBe(401);
    expect(await bad.json()).toEqual({ detail: "Your sign-in has expired; sign in again." });
  });

  it("signs a loopback browser in as the local admin with an HttpOnly SameSite cookie, on a same-origin POST only", async () => {
    const who = await fetch(`${t.url}/api/0/auth/login/`);
    expect(who.status).toBe(200);
    expect(who.headers.get("set-cookie")).toBe(null);
    expect(await who.json()).toEqual({ user: null, detail: "Sign in to continue.", loginRequired: true, localSignIn: true });
    const res = await fetch(`${t.url}/api/0/auth/login/local/`, { method: "POST", headers: { Origin: t.url } });
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ user: { id: "1", email: "local-admin@localhost", isLocalAdmin: true }, autoSignedIn: true });
    const setCookie = res.headers.get("set-cookie")!;
    expect(setCookie).toMatch(new RegExp(`^lighttrace_session_${t.server.port}=[A-Za-z0-9_-]{43}; Path=/; HttpOnly; SameSite=Lax; Max-Age=2592000$`));
    cookie = setCookie.split(";")[0]!;
    const list = await fetch(`${t.url}/api/0/organizations/lighttrace/issues/`, { headers: { Cookie: cookie } });
    expect(list.status).toBe(200);
    expect((await list.json())[0].title).toBe("auth test event");
    // a second call with the cookie reports the same login instead of minting a new one
    const again = await fetch(`${t.url}/api/0/auth/login/`, { headers: { Cookie: cookie } });
    expect(again.headers.get("set-cookie")).toBe(null);
    expect((await again.json()).autoSignedIn).toBe(false);
  });

  it("does not auto sign in requests that came through a proxy", async () => {
    const res = await fetch(`${t.url}/api/0/auth/login/`, { headers: { "X-Forwarded-For": "203.0.113.9" } });
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ user: null, detail: "Sign in to continue.", loginRequired: true, localSignIn: false });
    const local = await fetch(`${t.url}/api/0/auth/login/local/`, { method: "POST", headers: { Origin: t.url, "X-Forwarded-For": "203.0.113.9" } });
    expect(local.status).toBe(403);
  });

  it("refuses cookie-authenticated state changes from another origin (CSRF)", async () => {
    const put = (headers: Record<string, string>) =>
      fetch(`${t.url}/api/0/issues/${issueId}/`, { method: "PUT", headers: { Cookie: cookie, "Content-Type": "application/json", ...headers }, body: '{"status":"ignored"}' });
    const evil = await put({ Origin: "http://evil.example" });
    expect(evil.status).toBe(403);
    expect(await evil.json()).toEqual({ detail: "Cross-origin request refused: the Origin header is missing or is not this server (browsing through an https proxy? set LIGHTTRACE_PUBLIC_URL to the address you browse to)." });
    // another dev server on the same host shares the cookie but not the origin
    expect((await put({ Origin: `http://127.0.0.1:${t.server.port + 1}` })).status).toBe(403);
    expect((await put({})).status).toBe(403);
    expect((await t.api(`/api/0/issues/${issueId}/`)).body.status).toBe("unresolved");
    const same = await put({ Origin: t.url });
    expect(same.status).toBe(200);
    expect((await same.json()).status).toBe("ignored");
    // a Referer from this server counts when a browser leaves out Origin
    const viaReferer = await fetch(`${t.url}/api/0/issues/${issueId}/`, {
      method: "PUT", headers: { Cookie: cookie, Referer: `${t.url}/issues/${issueId}/` }, body: '{"status":"unresolved"}',
    });
    expect(viaReferer.status).toBe(200);
    // tokens are not subject to the Origin check (browsers never attach them by themselves)
    expect((await t.api(`/api/0/issues/${issueId}/`, { method: "PUT", body: '{"status":"unresolved"}' })).status).toBe(200);
  });

  it("answers the UI and API only to allowed Host names (DNS rebinding), but not ingest", async () => {
    const ui = await _rawGet(t.server.port, "/", "evil.example:" + t.server.port);
    expect(ui.status).toBe(403);
    expect(JSON.parse(ui.body).detail).toBe(`Host "evil.example:${t.server.port}" is not allowed; set LIGHTTRACE_PUBLIC_URL to the address you browse to`);
    expect((await _rawGet(t.server.port, "/api/0/auth/login/", "evil.example")).status).toBe(403);
    expect((await _rawGet(t.server.port, "/", `localhost:${t.server.port}`)).status).toBe(200);
    expect((await _rawGet(t.server.port, "/", `[::1]:${t.server.port}`)).status).toBe(200);
    const ingest = await _rawPost(t.server.port, `/api/${t.projectId}/store/?sentry_key=${t.publicKey}`, "lighttrace.internal:8000", '{"message":"via another name"}');
    expect(ingest.status).toBe(200);
  });

  it("serves the UI: no-cache index with a CSP, immutable hashed assets, SPA fallback", async () => {
    const index = await fetch(`${t.url}/issues/123/`);
    expect(index.status).toBe(200);
    expect(index.headers.get("cache-control")).toBe("no-cache");
    expect(index.headers.get("content-security-policy")).toContain("default-src 'self'");
    expect(index.headers.get("x-frame-options")).toBe("DENY");
    const html = await index.text();
    const js = /src="(\/assets\/app-[A-Z0-9]+\.js)"/.exec(html)![1]!;
    const css = /href="(\/assets\/app-[A-Z0-9]+\.css)"/.exec(html)![1]!;
    const asset = await fetch(t.url + js, { headers: { "Accept-Encoding": "gzip" } });
    expect(asset.status).toBe(200);
    expect(asset.headers.get("cache-control")).toBe("public, max-age=31536000, immutable");
    expect(asset.headers.get("content-type")).toBe("text/javascript; charset=utf-8");
    expect(asset.headers.get("content-encoding")).toBe("gzip");
    expect(await asset.text()).toBe(readFileSync(`${ROOT}dist/ui${js}`, "utf8"));
    expect((await fetch(t.url + css)).headers.get("content-type")).toBe("text/css; charset=utf-8");
    expect((await fetch(`${t.url}/assets/app-MISSING.js`)).status).toBe(404);
    expect((await fetch(`${t.url}/assets/..%2f..%2fpackage.json`)).status).toBe(404);
    expect((await fetch(`${t.url}/`, { method: "POST" })).status).toBe(405);
  });

  it("creates projects through Sentry's team endpoint", async () => {
    const created = await t.api("/api/0/teams/lighttrace/default/projects/", { method: "POST", body: JSON.stringify({ name: "Billing Worker", platform: "python" }) });
    expect(created.status).toBe(201);
    expect(created.body.slug).toBe("billing-worker");
    expect(created.body.platform).toBe("python");
    expect(created.body.keys[0].dsn.public).toMatch(new RegExp(`^http://[0-9a-f]{32}@127\\.0\\.0\\.1:${t.server.port}/${created.body.id}$`));
    const dup = await t.api("/api/0/teams/lighttrace/default/projects/", { method: "POST", body: JSON.stringify({ name: "Billing Worker" }) });
    expect(dup.status).toBe(409);
    expect(dup.body).toEqual({ detail: "A project with this slug already exists." });
    const badSlug = await t.api("/api/0/teams/lighttrace/default/projects/", { method: "POST", body: JSON.stringify({ name: "x", slug: "Bad Slug" }) });
    expect(badSlug.status).toBe(400);
    expect(badSlug.body.detail).toMatch(/^invalid field "slug": /);
    const noTeam = await t.api("/api/0/teams/lighttrace/platform/projects/", { method: "POST", body: JSON.stringify({ name: "y" }) });
    expect(noTeam.status).toBe(404);
    expect((await t.api("/api/0/organizations/lighttrace/teams/")).body[0].slug).toBe("default");
  });
});

describe("password login on a non-loopback server", () => {
  let t: TestServer;
  const password = "correct horse battery";

  beforeAll(async () => {
    expect(existsSync(`${ROOT}dist/lighttrace.mjs`), "run `npm run build` first").toBe(true);
    // 0.0.0.0 is not loopback: the UI must ask for a password (reached here through localhost)
    t = await startTestServer({ host: "0.0.0.0" });
    const created = await _runCli(["users", "create", "Ops@Example.com", "--data", t.dataDir], password + "\n");
    expect(created.stderr).toBe("");
    expect(created.stdout).toMatch(/^Created user ops@example\.com \(id \d+\)\.\n$/);
  });
  afterAll(async () => t?.close());

  it("requires a login and accepts only the right password from this origin", async () => {
    const current = await fetch(`${t.url}/api/0/auth/login/`);
    expect(current.status).toBe(200);
    expect(await current.json()).toEqual({ user: null, detail: "Sign in to continue.", loginRequired: true, localSignIn: false });

    const login = (body: unknown, headers: Record<string, string> = { Origin: t.url }) =>
      fetch(`${t.url}/api/0/auth/login/`, { method: "POST", headers: { "Content-Type": "application/json", ...headers }, body: JSON.stringify(body) });
    const wrong = await login({ email: "ops@example.com", password: "nope-nope" });
    expect(wrong.status).toBe(401);
    expect(await wrong.json()).toEqual({ detail: "Wrong email or password." });
    expect((await login({ email: "nobody@example.com", password })).status).toBe(401);
    expect((await login({ email: "ops@example.com", password }, { Origin: "http://evil.example" })).status).toBe(403);
    const missing = await login({ email: "ops@example.com" });
    expect(missing.status).toBe(400);
    expect((await missing.json()).detail).toMatch(/^invalid field "password"/);

    const ok = await login({ email: "OPS@example.com", password });
    expect(ok.status).toBe(200);
    expect((await ok.json()).user.email).toBe("ops@example.com");
    const cookie = ok.headers.get("set-cookie")!.split(";")[0]!;
    expect((await fetch(`${t.url}/api/0/organizations/`, { headers: { Cookie: cookie } })).status).toBe(200);

    const logout = await fetch(`${t.url}/api/0/auth/login/`, { method: "DELETE", headers: { Cookie: cookie, Origin: t.url } });
    expect(logout.status).toBe(204);
    expect((await fetch(`${t.url}/api/0/organizations/`, { headers: { Cookie: cookie } })).status).toBe(401);
  });

  it("refuses further attempts after 10 failed sign-ins for one email, with Retry-After, not other emails", async () => {
    const attempt = (email: string, pw: string) =>
      fetch(`${t.url}/api/0/auth/login/`, { method: "POST", headers: { "Content-Type": "application/json", Origin: t.url }, body: JSON.stringify({ email, password: pw }) });
    for (let i = 0; i < 10; i++) expect((await attempt("target@example.com", `guess-${i}`)).status).toBe(401);
    const blocked = await attempt("target@example.com", "guess-10");
    expect(blocked.status).toBe(429);
    const retry = Number(blocked.headers.get("retry-after"));
    expect(retry).toBeGreaterThan(800);
    expect(retry).toBeLessThanOrEqual(900);
    expect((await blocked.json()).detail).toMatch(/^Too many failed sign-ins; try again in \d+ s\.$/);
    expect((await attempt("someone-else@example.com", "guess")).status).toBe(401);
  });

  it("shows the login form in the browser and signs in", async () => {
    const browser = await chromium.launch({ executablePath: "/usr/bin/chromium", args: CHROMIUM_ARGS });
    try {
      const page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
      await page.goto(t.url + "/");
      await page.getByLabel("Email").fill("ops@example.com");
      await page.getByLabel("Password").fill("wrong password");
      await page.getByRole("button", { name: "Sign in" }).click();
      expect(await page.getByRole("alert").textContent()).toBe("Wrong email or password.");
      await page.getByLabel("Password").fill(password);
      await page.getByRole("button", { name: "Sign in" }).click();
      await page.getByRole("heading", { name: "Issues", exact: true }).waitFor();
      expect(await page.locator(".topbar-user").textContent()).toContain("ops@example.com");
    } finally {
      await browser.close();
    }
  });
});

// --- Internal ---

function _rawGet(port: number, path: string, host: string) {
  return rawRequest(port, "GET", path, { Host: host });
}

function _rawPost(port: number, path: string, host: string, body: string) {
  return rawRequest(port, "POST", path, { Host: host, "Content-Type": "application/json" }, body);
}

function _runCli(args: string[], stdin: string): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [`${ROOT}dist/lighttrace.mjs`, ...args], { stdio: ["pipe", "pipe", "pipe"] });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (d) => (stdout += d));
    child.stderr.on("data", (d) => (stderr += d));
    child.on("error", reject);
    child.on("close", (code) => resolve({ code, stdout, stderr }));
    child.stdin.end(stdin);
  });
}
