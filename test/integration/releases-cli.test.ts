import { execFileSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestServer, type TestServer } from "../_helpers/server.ts";
import { runSentryCli } from "../_helpers/sentry-cli.ts";
import { hashApiToken } from "../../src/api/tokens.ts";
import { SCOPES_BY_LEVEL } from "../../src/api/scopes.ts";
import { errorEvent, eventEnvelope } from "../_helpers/envelopes.ts";

describe("release write endpoints driven by the real sentry-cli", () => {
  let t: TestServer;
  const cli = (...args: string[]) => runSentryCli(args, { url: t.url, token: t.token });
  const releaseRow = async (version: string) => {
    const org = (await t.server.store.getOrganization())!;
    return t.server.store.getRelease(org.id, version);
  };

  beforeAll(async () => {
    t = await startTestServer();
  });
  afterAll(async () => {
    await t.close();
  });

  it("creates a release with `releases new`, idempotently", async () => {
    const first = await cli("releases", "new", "shop@1.0.0", "--org", "lighttrace", "--project", "my-project");
    expect(first.code, first.stderr).toBe(0);
    expect(first.stdout).toContain("Created release shop@1.0.0");
    const again = await cli("releases", "new", "shop@1.0.0", "--org", "lighttrace", "--project", "my-project");
    expect(again.code, again.stderr).toBe(0);
    const row = await releaseRow("shop@1.0.0");
    expect(row?.projects.map((p) => p.slug)).toEqual(["my-project"]);
    expect(row?.dateStarted).toBeGreaterThan(0);
    expect(row?.dateReleased).toBeNull();
  });

  it("answers the API with the release shape, JSON and 201/200", async () => {
    const created = await t.api("/api/0/organizations/lighttrace/releases/", { method: "POST", body: JSON.stringify({ version: "shop@0.9.0", projects: [t.projectId] }) });
    expect(created.status).toBe(201);
    expect(created.headers.get("content-type")).toMatch(/^application\/json/);
    expect(created.body).toMatchObject({
      version: "shop@0.9.0", shortVersion: "0.9.0", dateReleased: null, newGroups: 0, commitCount: 0, deployCount: 0, lastCommit: null,
      projects: [{ slug: "my-project", name: "My Project" }],
    });
    expect(created.body.dateCreated).toMatch(/^\d{4}-\d\d-\d\dT/);
    const again = await t.api("/api/0/organizations/lighttrace/releases/", { method: "POST", body: JSON.stringify({ version: "shop@0.9.0", projects: ["my-project"] }) });
    expect(again.status).toBe(200);
    expect(again.body.dateCreated).toBe(created.body.dateCreated);
  });

  it("rejects bad input with a 4xx detail naming the problem", async () => {
    const post = (body: unknown) => t.api("/api/0/organizations/lighttrace/releases/", { method: "POST", body: JSON.stringify(body) });
    expect(await post({ version: "a/b", projects: ["my-project"] })).toMatchObject({ status: 400, body: { detail: expect.stringContaining("slashes") } });
    expect(await post({ version: "x", projects: [] })).toMatchObject({ status: 400, body: { detail: expect.stringContaining("projects") } });
    expect(await post({ version: "x", projects: ["nope"] })).toMatchObject({ status: 400, body: { detail: "Invalid project ids or slugs: nope" } });
    expect(await post({ projects: ["my-project"] })).toMatchObject({ status: 400, body: { detail: expect.stringContaining("version") } });
    const put = await t.api("/api/0/organizations/lighttrace/releases/missing@1/", { method: "PUT", body: JSON.stringify({ dateReleased: "2026-01-01T00:00:00Z" }) });
    expect(put.status).toBe(404);
    const badDate = await t.api("/api/0/organizations/lighttrace/releases/shop@0.9.0/", { method: "PUT", body: JSON.stringify({ dateReleased: "yesterday" }) });
    expect(badDate).toMatchObject({ status: 400, body: { detail: 'invalid field "dateReleased": not an ISO 8601 date' } });
  });

  it("sets a head commit with `set-commits --commit repo@sha`, using the repos from source-link settings", async () => {
    const unknown = await t.api("/api/0/organizations/lighttrace/releases/shop@1.0.0/", {
      method: "PUT", body: JSON.stringify({ refs: [{ repository: "acme/shop", commit: "abc1234" }] }),
    });
    expect(unknown).toMatchObject({ status: 400, body: { detail: expect.stringContaining("Invalid repository names: acme/shop") } });
    const settings = await t.api("/api/0/projects/lighttrace/my-project/source-links/", {
      method: "PUT", body: JSON.stringify({ repositoryUrl: "https://github.com/acme/shop", stackRoot: "../", sourceRoot: "" }),
    });
    expect(settings.status).toBe(200);
    expect(settings.body).toMatchObject({ configured: true, repository: "acme/shop", effectiveUrlTemplate: "https://github.com/acme/shop/blob/{commit}/{path}#L{line}" });
    const invalid = await t.api("/api/0/projects/lighttrace/my-project/source-links/", { method: "PUT", body: JSON.stringify({ repositoryUrl: "not a url" }) });
    expect(invalid).toMatchObject({ status: 400, body: { detail: expect.stringContaining('"repositoryUrl"') } });
    const repos = (await t.api("/api/0/organizations/lighttrace/repos/")).body;
    expect(repos).toEqual([expect.objectContaining({ name: "acme/shop", url: "https://github.com/acme/shop", provider: { id: "lighttrace:github", name: "GitHub" } })]);

    const run = await cli("releases", "set-commits", "shop@1.0.0", "--org", "lighttrace",
      "--commit", "acme/shop@1111111111111111111111111111111111111111..0123456789abcdef0123456789abcdef01234567");
    expect(run.code, run.stderr).toBe(0);
    const row = (await releaseRow("shop@1.0.0"))!;
    expect(await t.server.store.listReleaseHeadCommits(row.id)).toEqual([
      { repository: "acme/shop", commit: "0123456789abcdef0123456789abcdef01234567", previousCommit: "1111111111111111111111111111111111111111" },
    ]);
  });

  it("stores the commits of a local git repository with `set-commits --local`", async () => {
    const repo = mkdtempSync(join(tmpdir(), "lt-git-"));
    try {
      const git = (...args: string[]) => execFileSync("git", args, { cwd: repo, env: { ...process.env, GIT_AUTHOR_NAME: "Ada", GIT_AUTHOR_EMAIL: "ada@example.com", GIT_COMMITTER_NAME: "Ada", GIT_COMMITTER_EMAIL: "ada@example.com" } });
      git("init", "-q");
      git("remote", "add", "origin", "https://github.com/acme/shop.git");
      writeFileSync(join(repo, "cart.ts"), "export const x = 1;\n");
      git("add", ".");
      git("commit", "-q", "-m", "add cart");
      const sha = git("rev-parse", "HEAD").toString().trim();
      expect((await cli("releases", "new", "shop@0.8.0", "--org", "lighttrace", "--project", "my-project")).code).toBe(0);
      const run = await runSentryCli(["releases", "set-commits", "shop@0.8.0", "--org", "lighttrace", "--local", "--ignore-missing"], { url: t.url, token: t.token, cwd: repo });
      expect(run.code, run.stderr).toBe(0);
      const row = (await releaseRow("shop@0.8.0"))!;
      expect(row.commitCount).toBe(1);
      expect(row.lastCommit).toMatchObject({ id: sha, message: "add cart\n", authorName: "Ada", authorEmail: "ada@example.com" });
    } finally {
      rmSync(repo, { recursive: true, force: true });
    }
  });

  it("stores commits sent in the body", async () => {
    const res = await t.api("/api/0/organizations/lighttrace/releases/shop@0.9.0/", {
      method: "PUT",
      body: JSON.stringify({ commits: [
        { id: "aaaaaaa1", repository: "acme/shop", message: "fix cart", author_name: "Ada", author_email: "ada@example.com", timestamp: "2026-11-01T10:00:00+01:00", patch_set: [{ path: "src/cart.ts", type: "M" }] },
        { id: "aaaaaaa0", repository: "acme/shop", message: "init", author_name: "Bob", author_email: "bob@example.com", timestamp: "2026-10-01T10:00:00Z" },
      ] }),
    });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ commitCount: 2, lastCommit: { id: "aaaaaaa1", message: "fix cart" }, authors: [{ name: "Ada", email: "ada@example.com" }, { name: "Bob", email: "bob@example.com" }] });
    const previous = await t.api("/api/0/organizations/lighttrace/releases/shop@1.0.0/previous-with-commits/");
    expect(["shop@0.9.0", "shop@0.8.0"]).toContain(previous.body.version);
  });

  it("finalizes with `releases finalize` and records deploys with `deploys new`", async () => {
    const fin = await cli("releases", "finalize", "shop@1.0.0", "--org", "lighttrace");
    expect(fin.code, fin.stderr).toBe(0);
    expect((await releaseRow("shop@1.0.0"))?.dateReleased).toBeGreaterThan(Date.now() / 1000 - 120);

    const dep = await cli("deploys", "new", "--release", "shop@1.0.0", "--org", "lighttrace", "-e", "production", "-n", "blue");
    expect(dep.code, dep.stderr).toBe(0);
    const list = await cli("deploys", "list", "--release", "shop@1.0.0", "--org", "lighttrace");
    expect(list.code, list.stderr).toBe(0);
    expect(list.stdout).toContain("production");
    const deploys = (await t.api("/api/0/organizations/lighttrace/releases/shop@1.0.0/deploys/")).body;
    expect(deploys).toEqual([expect.objectContaining({ environment: "production", name: "blue", dateFinished: expect.stringMatching(/^\d{4}-/) })]);
    const row = await releaseRow("shop@1.0.0");
    expect(row).toMatchObject({ deployCount: 1, lastDeploy: { environment: "production" } });

    const missing = await t.api("/api/0/organizations/lighttrace/releases/nope@1/deploys/", { method: "POST", body: JSON.stringify({ environment: "prod" }) });
    expect(missing.status).toBe(404);
    const noEnv = await t.api("/api/0/organizations/lighttrace/releases/shop@1.0.0/deploys/", { method: "POST", body: JSON.stringify({}) });
    expect(noEnv).toMatchObject({ status: 400, body: { detail: expect.stringContaining("environment") } });
  });

  it("archives and restores through the same PUT", async () => {
    const archived = await t.api("/api/0/organizations/lighttrace/releases/shop@0.9.0/", { method: "PUT", body: JSON.stringify({ status: "archived" }) });
    expect(archived.body.status).toBe("archived");
    const open = await t.api("/api/0/organizations/lighttrace/releases/shop@0.9.0/", { method: "PUT", body: JSON.stringify({ status: "open" }) });
    expect(open.body.status).toBe("open");
  });

  it("makes a release first seen in an event an organization release with its event times", async () => {
    const res = await fetch(`${t.url}/api/${t.projectId}/envelope/?sentry_key=${t.publicKey}`, {
      method: "POST", body: new Uint8Array(eventEnvelope(errorEvent({ release: "shop@2.0.0" }))),
    });
    expect(res.status).toBe(200);
    const row = await releaseRow("shop@2.0.0");
    expect(row?.projects.map((p) => p.slug)).toEqual(["my-project"]);
    expect(row?.firstEvent).toBeGreaterThan(0);
    expect(row?.newGroups).toBe(1);
    // and sentry-cli can finalize it like any other
    const fin = await cli("releases", "finalize", "shop@2.0.0", "--org", "lighttrace");
    expect(fin.code, fin.stderr).toBe(0);
  });

  it("reads releases back with `releases list` (newest first by semver) and `releases info`", async () => {
    const list = await cli("releases", "list", "--org", "lighttrace", "--project", "my-project");
    expect(list.code, list.stderr).toBe(0);
    const positions = ["2.0.0", "1.0.0", "0.9.0", "0.8.0"].map((v) => list.stdout.indexOf(v));
    expect(positions.every((i) => i >= 0), list.stdout).toBe(true);
    expect(positions).toEqual([...positions].sort((a, b) => a - b));
    const info = await cli("releases", "info", "shop@1.0.0", "--org", "lighttrace", "--project", "my-project");
    expect(info.code, info.stderr).toBe(0);
    expect(info.stdout).toContain("shop@1.0.0");
    const missing = await cli("releases", "info", "shop@9.9.9", "--org", "lighttrace", "--project", "my-project");
    expect(missing.code).not.toBe(0);
    // the deploy recorded above, per environment, in the release detail
    const detail = (await t.api("/api/0/organizations/lighttrace/releases/shop@1.0.0/")).body;
    expect(detail.deploysByEnvironment).toEqual([expect.objectContaining({ environment: "production", deployCount: 1 })]);
  });

  it("lets only admin tokens change source-link settings", async () => {
    const token = "lt-write-only-token";
    await t.server.store.createApiToken({ name: "ci", tokenHash: hashApiToken(token), tokenHint: "…token", scopes: [...SCOPES_BY_LEVEL.write] });
    const res = await fetch(`${t.url}/api/0/projects/lighttrace/my-project/source-links/`, {
      method: "PUT", headers: { Authorization: `Bearer ${token}`, "Content-Type": "application/json" }, body: JSON.stringify({ repositoryUrl: "https://github.com/evil/fork" }),
    });
    expect(res.status).toBe(403);
    // the same token may write releases, as sentry-cli in CI does
    const created = await fetch(`${t.url}/api/0/organizations/lighttrace/releases/`, {
      method: "POST", headers: { Authorization: `Bearer ${token}`, "Content-Type": "application/json" }, body: JSON.stringify({ version: "ci@1", projects: ["my-project"] }),
    });
    expect(created.status).toBe(201);
  });

  it("removes source-link settings, and with them the repository", async () => {
    const removed = await t.api("/api/0/projects/lighttrace/my-project/source-links/", { method: "DELETE" });
    expect(removed.status).toBe(204);
    expect((await t.api("/api/0/projects/lighttrace/my-project/source-links/")).body).toMatchObject({ configured: false, repository: null });
    expect((await t.api("/api/0/organizations/lighttrace/repos/")).body).toEqual([]);
  });
});
