import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestServer, type TestServer } from "../_helpers/server.ts";
import { errorEvent, eventEnvelope } from "../_helpers/envelopes.ts";

describe("web API", () => {
  let t: TestServer;
  const send = async (ev: Record<string, unknown>) => {
    const res = await fetch(`${t.url}/api/${t.projectId}/envelope/?sentry_key=${t.publicKey}`, { method: "POST", body: new Uint8Array(eventEnvelope(ev)) });
    expect(res.status).toBe(200);
  };
  const issueWith = (type: string, release: string, env: string, extra: Record<string, unknown> = {}) =>
    errorEvent({
      release,
      environment: env,
      exception: { values: [{ type, value: "boom", stacktrace: { frames: [{ module: type.toLowerCase(), function: "run", in_app: true }] } }] },
      ...extra,
    });

  beforeAll(async () => {
    t = await startTestServer();
    for (let i = 0; i < 30; i++) await send(issueWith(`Err${i}`, "api@1.0.0", i % 2 ? "production" : "staging", { tags: { team: i < 5 ? "billing" : "growth" } }));
    for (let i = 0; i < 3; i++) await send(issueWith("Err0", "api@1.0.1", "staging", { user: { id: `u${i}` } }));
  });
  afterAll(async () => {
    await t.close();
  });

  it("requires a token: 401 without, 401 with a wrong one", async () => {
    const none = await fetch(`${t.url}/api/0/organizations/`);
    expect(none.status).toBe(401);
    expect(await none.json()).toEqual({ detail: "Authentication credentials were not provided." });
    const wrong = await fetch(`${t.url}/api/0/organizations/`, { headers: { Authorization: "Bearer nope" } });
    expect(wrong.status).toBe(401);
    expect(await wrong.json()).toEqual({ detail: "Invalid token" });
  });

  it("lists the organization, projects and DSN keys in Sentry's shapes", async () => {
    const orgs = (await t.api("/api/0/organizations/")).body;
    expect(orgs).toEqual([expect.objectContaining({ id: "1", slug: "lighttrace", name: "LightTrace" })]);
    const projects = (await t.api("/api/0/organizations/lighttrace/projects/")).body;
    // (other tests add projects of their own)
    expect(projects).toContainEqual(expect.objectContaining({ id: String(t.projectId), slug: "my-project", name: "My Project" }));
    const keys = (await t.api("/api/0/projects/lighttrace/my-project/keys/")).body;
    expect(keys[0]).toMatchObject({ public: t.publicKey, projectId: t.projectId, isActive: true, dsn: { public: t.dsn } });
    expect((await t.api("/api/0/projects/lighttrace/missing/keys/")).status).toBe(404);
    expect((await t.api("/api/0/organizations/other/projects/")).status).toBe(404);
  });

  it("paginates with Sentry cursors in the Link header: keyset after the last row, back before the first", async () => {
    const first = await t.api("/api/0/projects/lighttrace/my-project/issues/?limit=20&sort=new");
    expect(first.body).toHaveLength(20);
    const link = first.headers.get("link")!;
    expect(link).toContain(`rel="next"; results="true"; cursor="${first.body[19].id}:0:0"`);
    expect(link).toContain('rel="previous"; results="false"');
    const second = await t.api(`/api/0/projects/lighttrace/my-project/issues/?limit=20&sort=new&cursor=${first.body[19].id}:0:0`);
    expect(second.body).toHaveLength(10);
    expect(second.headers.get("link")).toContain('rel="next"; results="false"');
    const ids = new Set([...first.body, ...second.body].map((i: any) => i.id));
    expect(ids.size).toBe(30);
    // back from the second page: the first page again
    const previous = /rel="previous"; results="true"; cursor="([^"]+)"/.exec(second.headers.get("link")!)![1];
    expect(previous).toBe(`${second.body[0].id}:0:1`);
    const back = await t.api(`/api/0/projects/lighttrace/my-project/issues/?limit=20&sort=new&cursor=${previous}`);
    expect(back.body.map((i: any) => i.id)).toEqual(first.body.map((i: any) => i.id));
    expect(back.headers.get("link")).toContain('rel="previous"; results="false"');
    // an offset cursor (as links before keyset paging had) still skips rows
    const offset = await t.api("/api/0/projects/lighttrace/my-project/issues/?limit=20&sort=new&cursor=0:20:0");
    expect(offset.body.map((i: any) => i.id)).toEqual(second.body.map((i: any) => i.id));
  });

  it("sorts by frequency and affected users", async () => {
    const freq = (await t.api("/api/0/projects/lighttrace/my-project/issues/?sort=freq&limit=1")).body[0];
    expect([freq.metadata.type, freq.count]).toEqual(["Err0", "4"]);
    const users = (await t.api("/api/0/projects/lighttrace/my-project/issues/?sort=user&limit=1")).body[0];
    expect([users.metadata.type, users.userCount]).toEqual(["Err0", 3]);
  });

  it("filters by tags, environment, release, level and free text", async () => {
    const q = async (query: string) => (await t.api(`/api/0/projects/lighttrace/my-project/issues/?limit=100&query=${encodeURIComponent(query)}`)).body as any[];
    expect((await q("team:billing")).length).toBe(5);
    expect((await q("!team:billing")).length).toBe(25);
    expect((await q("release:api@1.0.1")).map((i) => i.metadata.type)).toEqual(["Err0"]);
    expect((await q("environment:production")).length).toBe(15);
    expect((await q("level:error team:billing Err3")).map((i) => i.metadata.type)).toEqual(["Err3"]);
    expect((await q("team:bill*")).length).toBe(5);
    const envParam = (await t.api("/api/0/organizations/lighttrace/issues/?limit=100&environment=staging")).body;
    expect(envParam.length).toBe(15);
    const bad = await t.api("/api/0/projects/lighttrace/my-project/issues/?query=is:whatever");
    expect(bad.status).toBe(400);
    expect(bad.body.detail).toContain('unsupported search "is:whatever"');
    const badSort = await t.api("/api/0/projects/lighttrace/my-project/issues/?sort=loudest");
    expect(badSort.status).toBe(400);
    expect(badSort.body.detail).toContain('invalid query parameter "sort"');
  });

  it("returns hourly stats for the requested period", async () => {
    const issue = (await t.api("/api/0/projects/lighttrace/my-project/issues/?sort=freq&limit=1&statsPeriod=24h")).body[0];
    expect(issue.stats["24h"]).toHaveLength(24);
    const counts = issue.stats["24h"].map(([, c]: [number, number]) => c);
    expect(counts.reduce((n: number, c: number) => n + c, 0)).toBe(4);
    // all in the current hour (or the one before, if the hour turned during the test)
    expect(counts.slice(0, -2).every((c: number) => c === 0)).toBe(true);
    const daily = (await t.api("/api/0/projects/lighttrace/my-project/issues/?sort=freq&limit=1&statsPeriod=14d")).body[0];
    expect(daily.stats["14d"]).toHaveLength(14);
  });

  it("changes status one by one and in bulk, and validates the body", async () => {
    // its own project and issues: the other tests count my-project's unresolved issues
    const created = await t.api("/api/0/teams/lighttrace/default/projects/", { method: "POST", body: JSON.stringify({ name: "status-changes" }) });
    expect(created.status).toBe(201);
    const project = `/api/0/projects/lighttrace/${created.body.slug}`;
    for (let i = 0; i < 5; i++) {
      const ev = issueWith(`StatusErr${i}`, "api@1.0.0", "production", { tags: { team: "billing" } });
      const res = await fetch(`${t.url}/api/${created.body.id}/envelope/?sentry_key=${created.body.keys[0].public}`, { method: "POST", body: new Uint8Array(eventEnvelope(ev)) });
      expect(res.status).toBe(200);
    }
    const list = (await t.api(`${project}/issues/?query=team:billing&limit=100`)).body;
    expect(list).toHaveLength(5);
    const [a, b, c] = list;
    const put = await t.api(`/api/0/organizations/lighttrace/issues/${a.id}/`, { method: "PUT", body: JSON.stringify({ status: "ignored" }) });
    expect(put.body.status).toBe("ignored");
    const bulk = await t.api(`${project}/issues/?id=${b.id}&id=${c.id}`, { method: "PUT", body: JSON.stringify({ status: "resolved" }) });
    expect(bulk.status).toBe(200);
    expect((await t.api(`/api/0/issues/${c.id}/`)).body.status).toBe("resolved");
    // like Sentry, an explicit query without is: covers every status
    expect((await t.api(`${project}/issues/?query=team:billing&limit=100`)).body).toHaveLength(5);
    const unresolved = (await t.api(`${project}/issues/?query=is:unresolved%20team:billing&limit=100`)).body;
    expect(unresolved).toHaveLength(2);
    expect((await t.api(`${project}/issues/?query=is:resolved%20team:billing`)).body).toHaveLength(2);
    const invalid = await t.api(`/api/0/issues/${a.id}/`, { method: "PUT", body: JSON.stringify({ status: "done" }) });
    expect(invalid.status).toBe(400);
    expect(invalid.body.detail).toContain('invalid field "status"');
    const notJson = await t.api(`/api/0/issues/${a.id}/`, { method: "PUT", body: "{" });
    expect(notJson.status).toBe(400);
    expect(notJson.body.detail).toContain("not valid JSON");
    expect((await t.api("/api/0/issues/999999/")).status).toBe(404);
  });

  it("lists an issue's events newest first and navigates between them", async () => {
    const issue = (await t.api("/api/0/projects/lighttrace/my-project/issues/?query=&sort=freq&limit=1")).body[0];
    const events = (await t.api(`/api/0/issues/${issue.id}/events/`)).body;
    expect(events).toHaveLength(4);
    expect(events.map((e: any) => e.dateCreated)).toEqual([...events.map((e: any) => e.dateCreated)].sort().reverse());
    const oldest = (await t.api(`/api/0/issues/${issue.id}/events/oldest/`)).body;
    expect(oldest.eventID).toBe(events.at(-1).eventID);
    expect(oldest.previousEventID).toBeNull();
    const next = (await t.api(`/api/0/issues/${issue.id}/events/${oldest.nextEventID}/`)).body;
    expect(next.previousEventID).toBe(oldest.eventID);
    expect((await t.api(`/api/0/issues/${issue.id}/events/not-an-id/`)).status).toBe(400);
  });

  it("answers unknown API paths with a JSON 404", async () => {
    const res = await t.api("/api/0/nothing/here/");
    expect(res.status).toBe(404);
    expect(res.body.detail).toContain("no API endpoint GET /api/0/nothing/here/");
  });
});
