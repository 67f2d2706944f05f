import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runCli, startChildServer, type ChildServer } from "../_helpers/child-server.ts";
import { errorEvent, eventEnvelope } from "../_helpers/envelopes.ts";
import { createTestDatabase, type TestPostgresDatabase } from "../_helpers/postgres.ts";
import { eventually, runSdkScript } from "../_helpers/sdk.ts";
import { runThisFileOnSqlite } from "../_helpers/test-backend.ts";

runThisFileOnSqlite("the SQLite installation is the copy's source");

/**
 * `lighttrace db copy`: a SQLite installation filled by the real server (SDK events, sessions,
 * releases, an upload, rules, users, tokens, a resolved issue) moves to PostgreSQL, where the
 * server answers the same, and the copy refuses a target that is not empty.
 */
describe("lighttrace db copy", () => {
  const dataDir = mkdtempSync(join(tmpdir(), "lighttrace-copy-"));
  const work = mkdtempSync(join(tmpdir(), "lighttrace-copy-work-"));
  let database: TestPostgresDatabase;
  let server: ChildServer | undefined;
  let token: string;
  const get = async (path: string) => (await fetch(server!.url + path, { headers: { Authorization: `Bearer ${token}` } })).json();
  let before: { issues: { id: string; title: string; count: string; userCount: number; status: string; shortId: string }[]; releases: string[]; events: number };

  beforeAll(async () => {
    database = await createTestDatabase();
    // --- the SQLite installation, filled through the real server ---
    server = await startChildServer(dataDir);
    token = JSON.parse((await runCli(["tokens", "create", "--scope", "admin", "--data", dataDir, "--json"])).stdout).token;
    const dsn = JSON.parse((await runCli(["projects", "list", "--data", dataDir, "--json"])).stdout)[0].dsn;
    expect((await runSdkScript("node", "node-errors.mjs", { SENTRY_DSN: dsn, SCENARIO: "basic" })).code).toBe(0);
    expect((await runSdkScript("node", "node-sessions.mjs", { SENTRY_DSN: dsn, SCENARIO: "server" })).code).toBe(0);
    const url = new URL(dsn);
    for (let i = 0; i < 300; i++) {
      const res = await fetch(`${server.url}/api/${url.pathname.slice(1)}/envelope/?sentry_key=${url.username}`, {
        method: "POST", body: new Uint8Array(eventEnvelope(errorEvent({ release: "web@1.0.0", exception: { values: [{ type: `Bulk${i % 7}`, value: `n ${i}` }] } }))),
      });
      expect(res.status).toBe(200);
    }
    expect((await runCli(["users", "create", "ops@example.com", "--password", "correct horse battery", "--data", dataDir])).code).toBe(0);
    expect((await runCli(["alerts", "add", "--project", "my-project", "--spike", "50", "--email", "dev@example.com", "--data", dataDir])).code).toBe(0);
    mkdirSync(join(work, "dist"));
    writeFileSync(join(work, "dist", "app.min.js"), "function a(){throw new Error('x')}a();\n//# sourceMappingURL=app.min.js.map\n");
    writeFileSync(join(work, "dist", "app.min.js.map"), JSON.stringify({ version: 3, file: "app.min.js", sources: ["app.ts"], sourcesContent: ["function a() { throw new Error('x'); }\na();\n"], names: [], mappings: "AAAA" }));
    const upload = await runCli(["sourcemaps", "upload", join(work, "dist"), "--release", "web@1.0.0", "--url", server.url, "--auth-token", token]);
    expect(upload.code, upload.stderr).toBe(0);
    const issues = await eventually(async () => {
      const list = await get("/api/0/projects/lighttrace/my-project/issues/?query=&limit=100");
      return list.reduce((n: number, i: { count: string }) => n + Number(i.count), 0) >= 310 ? list : undefined;
    });
    const resolved = await fetch(`${server.url}/api/0/issues/${issues[0].id}/`, {
      method: "PUT", headers: { Authorization: `Bearer ${token}`, "Content-Type": "application/json" }, body: JSON.stringify({ status: "resolved" }),
    });
    expect(resolved.status).toBe(200);
    before = {
      issues: (await get("/api/0/projects/lighttrace/my-project/issues/?query=&limit=100&statsPeriod=14d")).map(_issueFacts),
      releases: (await get("/api/0/organizations/lighttrace/releases/")).map((r: { version: string }) => r.version).sort(),
      events: 0,
    };
    before.events = before.issues.reduce((n, i) => n + Number(i.count), 0);
    server.child.kill("SIGTERM");
    await new Promise((r) => server!.child.once("exit", r));
    server = undefined;
  }, 180_000);
  afterAll(async () => {
    server?.child.kill("SIGKILL");
    await new Promise((r) => setTimeout(r, 200));
    rmSync(dataDir, { recursive: true, force: true });
    rmSync(work, { recursive: true, force: true });
    await database?.drop();
  });

  it("copies every table with progress and a per-table count check", async () => {
    const copy = await runCli(["db", "copy", "--data", dataDir, "--to", database.url]);
    expect(copy.code, copy.stderr).toBe(0);
    expect(copy.stderr).toMatch(/events: \d[\d,]* \/ \d[\d,]* rows/);
    for (const table of ["issues", "events", "releases", "session_states", "artifact_files", "alert_rules", "users", "api_tokens", "issue_activities"]) {
      expect(copy.stdout, table).toMatch(new RegExp(`^ok +${table} +\\d+ → +\\d+$`, "m"));
    }
    expect(copy.stdout).not.toContain("MISMATCH");
    expect(copy.stdout).toMatch(/every count matches/);
  });

  it("serves the copied installation from PostgreSQL as it was", async () => {
    server = await startChildServer(dataDir, ["--database", database.url]);
    expect(server.output()).not.toMatch(/Created project/);
    const issues = (await get("/api/0/projects/lighttrace/my-project/issues/?query=&limit=100&statsPeriod=14d")).map(_issueFacts);
    expect(issues.sort(_byId)).toEqual([...before.issues].sort(_byId));
    expect((await get("/api/0/organizations/lighttrace/releases/")).map((r: { version: string }) => r.version).sort()).toEqual(before.releases);
    // events and their payloads, the user's password, the upload
    const some = issues.find((i: { title: string }) => i.title.startsWith("Bulk3"))!;
    const events = await get(`/api/0/issues/${some.id}/events/?full=true`);
    expect(events.length).toBeGreaterThan(0);
    expect(events[0].entries.find((e: { type: string }) => e.type === "exception").data.values[0].type).toBe("Bulk3");
    const login = await fetch(`${server.url}/api/0/auth/login`, {
      method: "POST", headers: { "Content-Type": "application/json", Origin: server.url }, body: JSON.stringify({ email: "ops@example.com", password: "correct horse battery" }),
    });
    expect(login.status).toBe(200);
    const files = await get("/api/0/projects/lighttrace/my-project/files/artifact-bundles/");
    expect(files.length).toBeGreaterThan(0);
    // new rows continue after the copied ids and short ids
    const dsn = new URL(JSON.parse((await runCli(["projects", "list", "--database", database.url, "--json"])).stdout)[0].dsn);
    const res = await fetch(`${server.url}/api/${dsn.pathname.slice(1)}/envelope/?sentry_key=${dsn.username}`, {
      method: "POST", body: new Uint8Array(eventEnvelope(errorEvent({ exception: { values: [{ type: "AfterTheMove", value: "x" }] } }))),
    });
    expect(res.status).toBe(200);
    const fresh = await eventually(async () => (await get("/api/0/projects/lighttrace/my-project/issues/?query=AfterTheMove"))[0]);
    expect(Number(fresh.id)).toBeGreaterThan(Math.max(...before.issues.map((i) => Number(i.id))));
    expect(before.issues.map((i) => i.shortId)).not.toContain(fresh.shortId);
  });

  it("refuses a target that already holds data", async () => {
    const again = await runCli(["db", "copy", "--data", dataDir, "--to", database.url]);
    expect(again.code).toBe(1);
    expect(again.stderr).toContain("the target database is not empty");
  });
});

function _issueFacts(i: { id: string; title: string; count: string; userCount: number; status: string; shortId: string }) {
  return { id: i.id, title: i.title, count: i.count, userCount: i.userCount, status: i.status, shortId: i.shortId };
}

function _byId(a: { id: string }, b: { id: string }): number {
  return Number(a.id) - Number(b.id);
}
