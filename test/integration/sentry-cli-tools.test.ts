import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestServer, type TestServer } from "../_helpers/server.ts";
import { eventually, runSdkScript } from "../_helpers/sdk.ts";
import { runSentryCli } from "../_helpers/sentry-cli.ts";

/**
 * sentry-cli 3.8's issue, event, project, organization, release and deploy commands against a
 * real LightTrace holding real @sentry/node data (34 issues: enough for the issue list to page).
 * Release upload and set-commits are in releases-cli.test.ts, source maps in sourcemaps-cli.test.ts.
 */
describe("sentry-cli against LightTrace", () => {
  let t: TestServer;
  const cli = (...args: string[]) => runSentryCli(args, { url: t.url, token: t.token });
  const ok = async (...args: string[]) => {
    const run = await cli(...args);
    expect(run.code, `sentry-cli ${args.join(" ")}\n${run.stdout}\n${run.stderr}`).toBe(0);
    return run.stdout;
  };
  const statuses = async () => {
    const issues = (await t.api("/api/0/projects/lighttrace/my-project/issues/?query=&limit=100")).body as { status: string }[];
    return issues.reduce<Record<string, number>>((acc, i) => ({ ...acc, [i.status]: (acc[i.status] ?? 0) + 1 }), {});
  };

  beforeAll(async () => {
    t = await startTestServer();
    // a generous bound: @sentry/node's start-up is slow on a loaded machine
    const run = await runSdkScript("node", "node-tools.mjs", { SENTRY_DSN: t.dsn, BULK_ISSUES: "30" }, 90_000);
    expect(run.code, run.stderr).toBe(0);
    await eventually(async () => ((await t.api("/api/0/projects/lighttrace/my-project/issues/?query=&limit=100")).body.length === 34 ? true : undefined), 30_000);
  }, 150_000);
  afterAll(async () => {
    await t.close();
  });

  it("issues list follows the Link cursors across pages, and filters with --query", async () => {
    const all = await ok("issues", "list", "--org", "lighttrace", "--project", "my-project");
    const rows = all.split("\n").filter((l) => /\| MY-PROJECT-[0-9A-Z]+ /.test(l));
    // 34 issues at 25 per page: two requests, each cursor taken from the previous Link header
    expect(rows).toHaveLength(34);
    expect(all).toContain("RangeError: coupon WINTER has expired");
    expect(all).toContain("bulk failure 29");
    const warnings = await ok("issues", "list", "--org", "lighttrace", "--project", "my-project", "--query", "is:unresolved level:warning");
    expect(warnings.split("\n").filter((l) => l.includes("| MY-PROJECT-"))).toHaveLength(1);
    expect(warnings).toMatch(/\| RangeError: coupon WINTER has expired \|.*\| unresolved \| warning \|/);
    const onePage = await ok("issues", "list", "--org", "lighttrace", "--project", "my-project", "--pages", "1");
    expect(onePage.split("\n").filter((l) => l.includes("| MY-PROJECT-"))).toHaveLength(25);
  });

  it("issues resolve / mute / unresolve: by id, by --status and --all", async () => {
    const list = (await t.api("/api/0/projects/lighttrace/my-project/issues/?query=&limit=100")).body as { id: string; shortId: string; status: string }[];
    const [a, b] = list;
    expect(await ok("issues", "resolve", "--org", "lighttrace", "--project", "my-project", "-i", a!.id, "-i", b!.id)).toContain("new status: resolved");
    expect((await t.api(`/api/0/issues/${a!.id}/`)).body.status).toBe("resolved");
    expect((await t.api(`/api/0/issues/${b!.id}/`)).body.status).toBe("resolved");
    expect(await statuses()).toEqual({ resolved: 2, unresolved: 32 });
    // --status selects the issues that have that status
    expect(await ok("issues", "mute", "--org", "lighttrace", "--project", "my-project", "--status", "unresolved")).toContain("new status: muted");
    expect(await statuses()).toEqual({ resolved: 2, ignored: 32 });
    expect(await ok("issues", "unresolve", "--org", "lighttrace", "--project", "my-project", "--all")).toContain("new status: unresolved");
    expect(await statuses()).toEqual({ unresolved: 34 });
    expect(await ok("issues", "resolve", "--org", "lighttrace", "--project", "my-project", "--all")).toContain("new status: resolved");
    expect(await statuses()).toEqual({ resolved: 34 });
    await ok("issues", "unresolve", "--org", "lighttrace", "--project", "my-project", "--status", "resolved");
    expect(await statuses()).toEqual({ unresolved: 34 });
    // an id that is not an issue of the project is an error, and nothing changes
    const bad = await cli("issues", "resolve", "--org", "lighttrace", "--project", "my-project", "-i", "999999");
    expect(bad.code).not.toBe(0);
    expect(bad.stderr).toContain("issue 999999 does not exist");
    expect(await statuses()).toEqual({ unresolved: 34 });
  });

  it("events list shows the project's events with users and tags, newest first", async () => {
    const out = await ok("events", "list", "--org", "lighttrace", "--project", "my-project", "--show-user", "--show-tags");
    const ids = [...out.matchAll(/^\| ([0-9a-f]{8}-[0-9a-f-]{27}) /gm)].map((m) => m[1]);
    // 36 events: sentry-cli reads two pages of the Link-paginated list (50 per page)
    expect(ids).toHaveLength(36);
    expect(out).toContain("payment provider slow: 2300 ms");
    expect(out).toContain("Email: grace@example.com");
    expect(out).toContain("region: eu-west");
    expect(out).toContain("release: shop@1.2.0");
    const limited = await ok("events", "list", "--org", "lighttrace", "--project", "my-project", "--max-rows", "3");
    expect([...limited.matchAll(/^\| ([0-9a-f]{8}-[0-9a-f-]{27}) /gm)]).toHaveLength(3);
  });

  it("send-event sends an event through the DSN that events list then shows", async () => {
    const sent = await runSentryCli(["send-event", "-m", "nightly backup failed", "--level", "warning", "-t", "job:backup", "--release", "ops@1", "--env", "ci"], {
      url: t.url, token: t.token, env: { SENTRY_DSN: t.dsn },
    });
    expect(sent.code, sent.stderr).toBe(0);
    const eventId = /Event id: ([0-9a-f-]{36})/.exec(sent.stdout)![1]!.replace(/-/g, "");
    const event = (await t.api(`/api/0/projects/lighttrace/my-project/events/${eventId}/`)).body;
    expect(event).toMatchObject({ message: "nightly backup failed", level: "warning", release: { version: "ops@1" }, environment: "ci" });
    expect(event.tags).toContainEqual({ key: "job", value: "backup" });
    const listed = await ok("events", "list", "--org", "lighttrace", "--project", "my-project", "--max-rows", "1");
    expect(listed).toContain("nightly backup failed");
  });

  it("projects list and organizations list", async () => {
    expect(await ok("projects", "list", "--org", "lighttrace")).toMatch(/\| 1 +\| my-project +\|/);
    expect(await ok("organizations", "list")).toMatch(/\| 1 +\| LightTrace +\| lighttrace +\|/);
  });

  it("releases: new, finalize, info, list, archive, restore, delete", async () => {
    await ok("releases", "new", "--org", "lighttrace", "--project", "my-project", "shop@2.0.0");
    await ok("releases", "finalize", "--org", "lighttrace", "--project", "my-project", "shop@2.0.0");
    const info = await ok("releases", "info", "--org", "lighttrace", "--project", "my-project", "shop@2.0.0");
    expect(info).toContain("shop@2.0.0");
    const list = await ok("releases", "list", "--org", "lighttrace", "--project", "my-project");
    expect(list).toContain("shop@2.0.0");
    expect(list).toContain("shop@1.2.0");
    await ok("releases", "archive", "--org", "lighttrace", "shop@2.0.0");
    expect((await t.api("/api/0/organizations/lighttrace/releases/shop@2.0.0/")).body.status).toBe("archived");
    await ok("releases", "restore", "--org", "lighttrace", "shop@2.0.0");
    expect((await t.api("/api/0/organizations/lighttrace/releases/shop@2.0.0/")).body.status).toBe("open");
    expect(await ok("releases", "delete", "--org", "lighttrace", "--project", "my-project", "shop@2.0.0")).toContain("Deleted release shop@2.0.0");
    expect((await t.api("/api/0/organizations/lighttrace/releases/shop@2.0.0/")).status).toBe(404);
    // a release events were recorded in stays (Sentry refuses the same for one issues started in)
    const kept = await cli("releases", "delete", "--org", "lighttrace", "--project", "my-project", "shop@1.2.0");
    expect(kept.code).not.toBe(0);
    expect(kept.stderr).toContain("release shop@1.2.0 has events");
    expect((await t.api("/api/0/organizations/lighttrace/releases/shop@1.2.0/")).status).toBe(200);
  });

  it("deploys new and list", async () => {
    await ok("deploys", "new", "--org", "lighttrace", "--release", "shop@1.2.0", "--env", "production", "--name", "blue");
    await ok("deploys", "new", "--org", "lighttrace", "--release", "shop@1.2.0", "--env", "staging");
    const list = await ok("deploys", "list", "--org", "lighttrace", "--release", "shop@1.2.0");
    expect(list).toContain("production");
    expect(list).toContain("blue");
    expect(list).toContain("staging");
  });

  it("info shows the server and the token's scopes", async () => {
    const info = await ok("info");
    expect(info).toContain(`Sentry Server: ${t.url}`);
    expect(info).toContain("event:read");
  });
});
