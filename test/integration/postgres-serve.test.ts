import { readdirSync } from "node:fs";
import { join } from "node:path";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { runCli, startChildServer, type ChildServer } from "../_helpers/child-server.ts";
import { tempDir } from "../_helpers/harness.ts";
import { createTestDatabase, type TestPostgresDatabase } from "../_helpers/postgres.ts";
import { eventually, runSdkScript } from "../_helpers/sdk.ts";

/** The built server and CLI on PostgreSQL (`--database` / LIGHTTRACE_DATABASE_URL) instead of SQLite. */
describe("lighttrace on PostgreSQL", () => {
  const PASSWORD = "pw-never-printed-7d1f";
  let dataDir: string;
  let database: TestPostgresDatabase;
  /** the test database's URL with a password in it (the private test server trusts its socket, so any password works) */
  let url: string;
  let server: ChildServer;
  let token: string;
  /** a CLI command whose output must never show the password */
  const cli = async (args: string[], env: Record<string, string> = {}) => {
    const result = await runCli(args, env);
    expect(result.stdout + result.stderr).not.toContain(PASSWORD);
    return result;
  };

  // one server for the file (the harness stops it at the end); each test's own rows
  beforeAll(async () => {
    dataDir = tempDir("lighttrace-pgserve-");
    database = await createTestDatabase();
    url = database.url.replace(/^postgres:\/\/([^@/:]+)@/, `postgres://$1:${PASSWORD}@`);
    expect(url).toContain(PASSWORD);
    server = await startChildServer(dataDir, ["--database", url]);
    const created = await cli(["tokens", "create", "--scope", "admin", "--database", url, "--json"]);
    expect(created.code, created.stderr).toBe(0);
    token = JSON.parse(created.stdout).token;
  });
  afterEach(() => {
    expect(server.output()).not.toContain(PASSWORD);
  });
  afterAll(async () => {
    await server?.stop("SIGKILL");
    await database?.drop();
  });

  it("serves from the database named by --database and never prints its password", async () => {
    expect(server.output()).toContain("(data: postgres://lighttrace:***@/");
    expect(server.output()).toMatch(/Created project "my-project"/);
    // the SQLite data directory was not used
    expect(readdirSync(dataDir)).toEqual([]);
    const projects = await (await fetch(`${server.url}/api/0/organizations/lighttrace/projects/`, { headers: { Authorization: `Bearer ${token}` } })).json();
    expect(projects.map((p: { slug: string }) => p.slug)).toEqual(["my-project"]);
  });

  it("ingests what @sentry/node sends and answers the API from PostgreSQL", async () => {
    const listed = JSON.parse((await cli(["projects", "list", "--database", url, "--json"])).stdout);
    const dsn = String(listed[0].dsn).replace(/127\.0\.0\.1:\d+/, new URL(server!.url).host);
    const run = await runSdkScript("node", "node-errors.mjs", { SENTRY_DSN: dsn, SCENARIO: "basic" });
    expect(run.code, run.stderr).toBe(0);
    const issues = await eventually(async () => {
      const body = await (await fetch(`${server!.url}/api/0/projects/lighttrace/my-project/issues/?query=&limit=100`, { headers: { Authorization: `Bearer ${token}` } })).json();
      return Array.isArray(body) && body.some((i: { title: string; count: string }) => i.title.startsWith("SyntaxError") && i.count === "5") ? body : undefined;
    });
    const parse = issues.find((i: { title: string; count: string }) => i.title.startsWith("SyntaxError") && i.count === "5");
    expect(parse).toMatchObject({ count: "5", userCount: 3, level: "error", status: "unresolved", firstRelease: { version: "api@2.4.1" } });
    const events = await (await fetch(`${server!.url}/api/0/issues/${parse.id}/events/`, { headers: { Authorization: `Bearer ${token}` } })).json();
    expect(events).toHaveLength(5);
  });

  it("runs the management commands against the same database (flag or LIGHTTRACE_DATABASE_URL)", async () => {
    const created = await cli(["projects", "create", "billing-api", "--platform", "node", "--database", url, "--json"]);
    expect(created.code, created.stderr).toBe(0);
    const viaEnv = await cli(["projects", "list", "--json"], { LIGHTTRACE_DATABASE_URL: url });
    expect(JSON.parse(viaEnv.stdout).map((p: { slug: string }) => p.slug).sort()).toEqual(["billing-api", "my-project"]);
    // what the server answers comes from the same rows
    const projects = await (await fetch(`${server.url}/api/0/organizations/lighttrace/projects/`, { headers: { Authorization: `Bearer ${token}` } })).json();
    expect(projects.map((p: { slug: string }) => p.slug).sort()).toEqual(["billing-api", "my-project"]);

    const user = await cli(["users", "create", "ops@example.com", "--password", "correct horse battery", "--database", url, "--json"]);
    expect(user.code, user.stderr).toBe(0);
    expect(JSON.parse((await cli(["users", "list", "--database", url, "--json"])).stdout).map((u: { email: string }) => u.email)).toContain("ops@example.com");
    expect(JSON.parse((await cli(["tokens", "list", "--database", url, "--json"])).stdout)).toHaveLength(1);

    const rule = await cli(["alerts", "add", "--project", "billing-api", "--new-issue", "--email", "dev@example.com", "--database", url, "--json"]);
    expect(rule.code, rule.stderr).toBe(0);
    const rules = JSON.parse((await cli(["alerts", "list", "--project", "billing-api", "--database", url, "--json"])).stdout);
    expect(rules.map((r: { id: number }) => r.id)).toContain(JSON.parse(rule.stdout).id);

    const issues = await (await fetch(`${server.url}/api/0/projects/lighttrace/my-project/issues/?query=SyntaxError`, { headers: { Authorization: `Bearer ${token}` } })).json();
    const explained = await cli(["explain", String(issues[0].id), "--offline", "--database", url, "--json"]);
    expect(explained.code, explained.stderr).toBe(0);
    expect(JSON.parse(explained.stdout)).toHaveProperty("explanation");
  }, 120_000); // eleven CLI processes, each starting Node: seconds apiece on a loaded 2-core machine

  it("refuses what only SQLite does, and names a bad URL without its password", async () => {
    const backup = await cli(["backup", join(dataDir, "copy.db"), "--database", url]);
    expect(backup.code).toBe(1);
    expect(backup.stderr).toContain("pg_dump");
    const wrongScheme = await cli(["projects", "list", "--database", `mysql://u:${PASSWORD}@h/db`]);
    expect(wrongScheme.code).toBe(1);
    expect(wrongScheme.stderr).toContain("postgres://");
    const unreachable = await cli(["projects", "list", "--database", `postgres://lighttrace:${PASSWORD}@/nope?host=${join(dataDir, "no-socket")}`]);
    expect(unreachable.code).toBe(1);
    expect(unreachable.stderr).toContain("postgres://lighttrace:***@/nope");
  });
});
