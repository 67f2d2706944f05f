import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { runCli, startChildServer } from "../_helpers/child-server.ts";
import { tempDir } from "../_helpers/harness.ts";

describe("lighttrace CLI", () => {
  it("prints help and versions", async () => {
    const help = await runCli(["--help"]);
    expect(help.code).toBe(0);
    for (const cmd of ["serve", "projects", "tokens"]) expect(help.stdout).toContain(cmd);
    const version = await runCli(["--version"]);
    expect(version.stdout.trim()).toMatch(/^\d+\.\d+\.\d+\S* \(node v\d+\.\d+\.\d+\)$/);
    const serveHelp = await runCli(["serve", "--help"]);
    expect(serveHelp.stdout).toContain("--port <port>");
  });

  it("creates projects and tokens while the server runs, with --json for scripts", async () => {
    const dataDir = tempDir("lighttrace-cli-");
    const server = await startChildServer(dataDir);
    expect(server.output()).toMatch(/Created project "my-project"/);
    expect(server.output()).toContain(`Web UI: ${server.url}/ (a browser on this machine is signed in as the local admin)`);
    const created = await runCli(["projects", "create", "billing-api", "--platform", "node", "--data", dataDir, "--json"]);
    expect(created.code).toBe(0);
    const project = JSON.parse(created.stdout);
    expect(project).toMatchObject({ slug: "billing-api", name: "billing-api" });
    const port = new URL(server.url).port;
    expect(project.dsn).toMatch(new RegExp(`^http://[0-9a-f]{32}@127\\.0\\.0\\.1:${port}/${project.id}$`));

    const human = await runCli(["projects", "list", "--data", dataDir]);
    expect(human.stdout).toContain("billing-api");
    expect(human.stdout).toContain("my-project");

    const token = JSON.parse((await runCli(["tokens", "create", "--name", "ci", "--data", dataDir, "--json"])).stdout).token;
    expect(token).toMatch(/^sntrys_/);
    const payload = JSON.parse(Buffer.from(token.split("_")[1], "base64").toString());
    expect(payload).toMatchObject({ url: server.url, org: "lighttrace" });
    const projects = await (await fetch(`${server.url}/api/0/organizations/lighttrace/projects/`, { headers: { Authorization: `Bearer ${token}` } })).json();
    expect(projects.map((p: any) => p.slug).sort()).toEqual(["billing-api", "my-project"]);

    // the new project's DSN works at once for ingest
    const dsn = new URL(project.dsn);
    const res = await fetch(`${server.url}/api/${project.id}/envelope/?sentry_key=${dsn.username}`, { method: "POST", body: "{}" });
    expect(res.status).toBe(200);

    const tokens = JSON.parse((await runCli(["tokens", "list", "--data", dataDir, "--json"])).stdout);
    expect(tokens.map((t: any) => t.name)).toEqual(["ci"]);
    expect(JSON.stringify(tokens)).not.toContain(token);
  });

  it("explains bad input in one line and exits 1", async () => {
    const dataDir = tempDir("lighttrace-cli-");
    const server = await startChildServer(dataDir);
    expect((await runCli(["projects", "create", "billing-api", "--data", dataDir])).code).toBe(0);
    const dup = await runCli(["projects", "create", "billing-api", "--data", dataDir]);
    expect([dup.code, dup.stderr.trim()]).toEqual([1, 'error: a project with slug "billing-api" already exists']);
    const badSlug = await runCli(["projects", "create", "Bad Slug!", "--data", dataDir]);
    expect(badSlug.code).toBe(1);
    expect(badSlug.stderr).toContain('invalid project slug "Bad Slug!"');
    const digits = await runCli(["projects", "create", "123", "--data", dataDir]);
    expect(digits.stderr).toContain("cannot be only digits");
    const badPort = await runCli(["serve", "--port", "http", "--data", dataDir]);
    expect(badPort.code).toBe(1);
    expect(badPort.stderr).toContain("must be a port number");
    const badEnv = await runCli(["serve", "--data", dataDir], { LIGHTTRACE_SQLITE_SYNCHRONOUS: "maybe" });
    expect(badEnv.code).toBe(1);
    expect(badEnv.stderr).toContain("LIGHTTRACE_SQLITE_SYNCHRONOUS");
    const openOnNetwork = await runCli(["serve", "--open-local", "--host", "0.0.0.0", "--data", dataDir]);
    expect([openOnNetwork.code, openOnNetwork.stderr.trim()]).toEqual([1,
      "error: invalid openLocal (LIGHTTRACE_OPEN_LOCAL): automatic sign-in needs a loopback --host (127.0.0.1, ::1 or localhost); on the network, sign in with a password"]);
    const unknown = await runCli(["projects", "destroy"]);
    expect(unknown.code).toBe(1);
    expect(unknown.stderr).toContain("unknown command");
    const busy = await runCli(["serve", "--port", new URL(server.url).port, "--data", dataDir]);
    expect(busy.code).toBe(1);
    expect(busy.stderr).toContain("already in use");
  });

  it("stops cleanly on SIGTERM", async () => {
    const server = await startChildServer(tempDir("lighttrace-cli-"));
    expect(await server.stop("SIGTERM")).toBe(0);
  });

  it("restarts itself in place with the server's V8 flags when started without them; a flag the user set wins", async () => {
    const cmdline = (pid: number) => readFileSync(`/proc/${pid}/cmdline`, "utf8").split("\0");
    const dir = tempDir("lighttrace-flags-");
    const plain = await startChildServer(dir, [], { NODE_OPTIONS: "" });
    // `node dist/lighttrace.mjs serve`: the same process (same pid) now runs with the flag
    expect(cmdline(plain.child.pid!)).toContain("--max-semi-space-size=4");
    expect((await fetch(`${plain.url}/health`)).status).toBe(200);
    await plain.stop("SIGKILL");
    const tuned = await startChildServer(dir, [], { NODE_OPTIONS: "--max-semi-space-size=16" });
    expect(cmdline(tuned.child.pid!).some((a) => a.startsWith("--max-semi-space-size"))).toBe(false);
    expect((await fetch(`${tuned.url}/health`)).status).toBe(200);
  });
});
