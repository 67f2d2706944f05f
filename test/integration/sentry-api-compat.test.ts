import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestServer, type TestServer } from "../_helpers/server.ts";
import { eventually } from "../_helpers/sdk.ts";

/**
 * Sentry's parameters and shapes that its tools rely on, over real ingest: time windows and
 * series periods in any form, sorts, opaque cursors, bulk selections, timed ignores refused,
 * who-am-I, workflows, release commits and deletion, project and key settings.
 */
describe("Sentry API compatibility", () => {
  let t: TestServer;
  const now = Date.now() / 1000;
  const byTitle: Record<string, any> = {};

  const send = async (fingerprint: string, timestamp: number) => {
    const res = await fetch(`${t.url}/api/${t.projectId}/store/`, {
      method: "POST",
      headers: { "Content-Type": "application/json", "X-Sentry-Auth": `Sentry sentry_version=7, sentry_key=${t.publicKey}` },
      body: JSON.stringify({ event_id: randomUUID().replace(/-/g, ""), timestamp, level: "error", fingerprint: [fingerprint], message: `issue ${fingerprint}`, release: "api@1.0.0" }),
    });
    expect(res.status).toBe(200);
  };

  beforeAll(async () => {
    t = await startTestServer();
    await send("old", now - 3 * 86_400);
    await send("recent", now - 600);
    await send("recent", now - 300);
    const issues = await eventually(async () => {
      const list = (await t.api("/api/0/projects/lighttrace/my-project/issues/?query=")).body;
      return list.length === 2 ? list : undefined;
    });
    for (const issue of issues) byTitle[issue.title] = issue;
  });
  afterAll(async () => {
    await t.close();
  });

  const titles = async (path: string) => {
    const res = await t.api(path);
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    return res.body.map((i: any) => i.title);
  };

  it("the organization issue list keeps the issues seen in statsPeriod or start/end; groupStatsPeriod picks the series", async () => {
    expect(await titles("/api/0/organizations/lighttrace/issues/?query=&statsPeriod=1h")).toEqual(["issue recent"]);
    expect(await titles("/api/0/organizations/lighttrace/issues/?query=&statsPeriod=7d&sort=freq")).toEqual(["issue recent", "issue old"]);
    const start = new Date((now - 4 * 86_400) * 1000).toISOString();
    const end = new Date((now - 2 * 86_400) * 1000).toISOString();
    expect(await titles(`/api/0/organizations/lighttrace/issues/?query=&start=${start}&end=${end}`)).toEqual(["issue old"]);
    const listed = (await t.api("/api/0/organizations/lighttrace/issues/?query=&groupStatsPeriod=24h&sort=new")).body;
    expect(listed.map((i: any) => i.title)).toEqual(["issue recent", "issue old"]);
    expect(listed[0].stats["24h"]).toHaveLength(24);
    // the project list's statsPeriod only picks the series (as Sentry's project endpoint)
    const twoWeeks = (await t.api("/api/0/projects/lighttrace/my-project/issues/?query=&statsPeriod=2w&sort=date")).body;
    expect(twoWeeks.map((i: any) => i.title)).toEqual(["issue recent", "issue old"]);
    expect(twoWeeks[0].stats["2w"]).toHaveLength(14);
    expect((await t.api("/api/0/projects/lighttrace/my-project/issues/?query=&statsPeriod=1h")).body[0].stats["1h"]).toHaveLength(1);
    expect(await t.api("/api/0/organizations/lighttrace/issues/?statsPeriod=soon")).toMatchObject({ status: 400, body: { detail: expect.stringContaining('invalid statsPeriod "soon"') } });
  });

  it("takes Sentry's sorts and opaque cursors, and ignores parameters it has no use for", async () => {
    expect(await titles("/api/0/organizations/lighttrace/issues/?query=&sort=recommended&collapse=unhandled&expand=owners&shortIdLookup=1")).toHaveLength(2);
    expect(await titles("/api/0/organizations/lighttrace/issues/?query=&sort=inbox&project=-1")).toEqual(["issue recent", "issue old"]);
    const first = await t.api("/api/0/projects/lighttrace/my-project/issues/?query=&cursor=&limit=1");
    expect(first.body).toHaveLength(1);
    const next = /rel="next"; results="true"; cursor="([^"]+)"/.exec(first.headers.get("link")!)![1]!;
    const second = await t.api(`/api/0/projects/lighttrace/my-project/issues/?query=&limit=1&cursor=${next}`);
    expect(second.body.map((i: any) => i.id)).not.toEqual(first.body.map((i: any) => i.id));
    expect(second.headers.get("link")).toContain('rel="next"; results="false"');
    expect(await t.api("/api/0/projects/lighttrace/my-project/issues/?cursor=garbage")).toMatchObject({ status: 400, body: { detail: expect.stringContaining('invalid cursor "garbage"') } });
  });

  it("bulk changes select by short id, by status and by query; nothing matched is 204; timed ignores are refused", async () => {
    const recent = byTitle["issue recent"];
    const put = (qs: string, body: object) => t.api(`/api/0/projects/lighttrace/my-project/issues/${qs}`, { method: "PUT", body: JSON.stringify(body) });
    expect(await put(`?id=${recent.shortId}`, { status: "muted", snoozeDuration: null })).toMatchObject({ status: 200, body: { status: "ignored" } });
    expect((await t.api(`/api/0/issues/${recent.id}/`)).body).toMatchObject({ status: "ignored", substatus: "archived_forever" });
    expect((await put("?status=resolved", { status: "unresolved" })).status).toBe(204);
    expect(await put("?query=is:ignored", { status: "unresolved" })).toMatchObject({ status: 200, body: { status: "unresolved" } });
    expect((await t.api(`/api/0/issues/${recent.id}/`)).body.status).toBe("unresolved");
    const timed = await put(`?id=${recent.id}`, { status: "ignored", statusDetails: { ignoreDuration: 30 } });
    expect(timed).toMatchObject({ status: 400, body: { detail: expect.stringContaining("ignoring for a time") } });
    expect((await t.api(`/api/0/issues/${recent.id}/`)).body.status).toBe("unresolved");
  });

  it("GET /api/0/auth/ says who the token is", async () => {
    expect((await t.api("/api/0/auth/")).body).toMatchObject({ id: expect.stringMatching(/^token-/), name: 'API token "test"', email: "", auth: { kind: "token" } });
    expect((await t.api("/api/0/organizations/")).body[0].links).toEqual({ organizationUrl: t.url, regionUrl: "" });
  });

  it("lists alert rules as workflows, and no metric alerts", async () => {
    const workflows = (await t.api("/api/0/organizations/lighttrace/workflows/?projectSlug=my-project&query=name:%22*regressions*%22")).body;
    expect(workflows).toHaveLength(1);
    expect(workflows[0]).toMatchObject({
      name: "New issues and regressions", enabled: true, detectorIds: [String(t.projectId)], projects: ["my-project"],
      triggers: { logicType: "any-short", conditions: [{ type: "first_seen_event" }, { type: "regression_event" }] },
    });
    expect((await t.api("/api/0/organizations/lighttrace/workflows/?query=nothing-like-this")).body).toEqual([]);
    expect((await t.api("/api/0/organizations/lighttrace/alert-rules/")).body).toEqual([]);
    expect((await t.api("/api/0/organizations/lighttrace/alert-rules/1/")).status).toBe(404);
  });

  it("lists a release's commits and deletes a release nothing happened in", async () => {
    const commits = [{ id: "b".repeat(40), message: "second" }, { id: "a".repeat(40), message: "first", timestamp: "2024-05-01T10:00:00Z" }];
    expect((await t.api("/api/0/organizations/lighttrace/releases/", { method: "POST", body: JSON.stringify({ version: "web@2", projects: ["my-project"] }) })).status).toBe(201);
    expect((await t.api("/api/0/organizations/lighttrace/releases/web@2/", { method: "PUT", body: JSON.stringify({ commits }) })).status).toBe(200);
    const listed = await t.api("/api/0/projects/lighttrace/my-project/releases/web@2/commits/?per_page=1");
    expect(listed.body).toEqual([expect.objectContaining({ id: "b".repeat(40), message: "second", dateCreated: expect.stringMatching(/^\d{4}-/) })]);
    expect(listed.headers.get("link")).toContain('rel="next"; results="true"');
    expect((await t.api("/api/0/organizations/lighttrace/releases/web@2/", { method: "DELETE" })).status).toBe(204);
    expect((await t.api("/api/0/organizations/lighttrace/releases/web@2/commits/")).status).toBe(404);
    expect(await t.api("/api/0/organizations/lighttrace/releases/api@1.0.0/", { method: "DELETE" })).toMatchObject({ status: 400, body: { detail: expect.stringContaining("has events") } });
  });

  it("renames projects and manages DSN keys, refusing settings it does not have", async () => {
    const created = await t.api("/api/0/projects/lighttrace/my-project/keys/", { method: "POST", body: JSON.stringify({ name: "Staging" }) });
    expect(created).toMatchObject({ status: 201, body: { name: "Staging", isActive: true, dsn: { public: expect.stringContaining(`/${t.projectId}`) } } });
    const rate = await t.api(`/api/0/projects/lighttrace/my-project/keys/${created.body.id}/`, { method: "PUT", body: JSON.stringify({ rateLimit: { window: 60, count: 10 } }) });
    expect(rate).toMatchObject({ status: 400, body: { detail: expect.stringContaining("per-key rate limits are not supported") } });
    expect((await t.api("/api/0/projects/lighttrace/my-project/", { method: "PUT", body: JSON.stringify({ slug: "Not A Slug" }) })).status).toBe(400);
    const teams = await t.api("/api/0/teams/lighttrace/default/projects/", { method: "POST", body: JSON.stringify({ name: "other" }) });
    expect(teams.status).toBe(201);
    expect((await t.api("/api/0/projects/lighttrace/my-project/", { method: "PUT", body: JSON.stringify({ slug: "other" }) })).status).toBe(409);
    // teams beyond the implicit one are routing teams (ownership, assignment, alerts)
    expect(await t.api("/api/0/organizations/lighttrace/teams/", { method: "POST", body: JSON.stringify({ slug: "ops" }) })).toMatchObject({ status: 201, body: { slug: "ops", memberEmails: [] } });
  });
});
