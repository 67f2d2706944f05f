import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestServer, type TestServer } from "../_helpers/server.ts";
import { errorEvent, eventEnvelope } from "../_helpers/envelopes.ts";
import { eventually } from "../_helpers/sdk.ts";

/** Short-id lookup and the Discover-style event search, over events sent through real ingest. */
describe("short ids and event search", () => {
  let t: TestServer;
  const trace = "0af7651916cd43dd8448eb211c80319c";
  const ids: string[] = [];
  const send = async (ev: Record<string, unknown>) => {
    const res = await fetch(`${t.url}/api/${t.projectId}/envelope/?sentry_key=${t.publicKey}`, { method: "POST", body: new Uint8Array(eventEnvelope(ev)) });
    expect(res.status).toBe(200);
    ids.push(ev.event_id as string);
  };
  const frames = (fn: string) => ({ frames: [{ filename: `/srv/${fn}.js`, function: fn, lineno: 1, in_app: true }] });

  beforeAll(async () => {
    t = await startTestServer();
    await send(errorEvent({ release: "api@1.0.0", environment: "production", user: { id: "42" }, tags: { region: "eu" }, exception: { values: [{ type: "TypeError", value: "cart is undefined", stacktrace: frames("cart") }] } }));
    await send(errorEvent({ release: "api@1.1.0", environment: "staging", level: "warning", contexts: { trace: { trace_id: trace, span_id: "b0e6f15b45c36b12" } }, exception: { values: [{ type: "RangeError", value: "bad quantity", stacktrace: frames("qty") }] } }));
    await send(errorEvent({ release: "api@1.1.0", environment: "production", user: { id: "7", email: "seven@example.com" }, tags: { region: "eu" }, exception: { values: [{ type: "TypeError", value: "cart is undefined", stacktrace: frames("cart") }] } }));
    await eventually(async () => ((await t.api("/api/0/organizations/lighttrace/events/")).body.data.length === 3 ? true : undefined));
  });
  afterAll(async () => {
    await t.close();
  });

  it("resolves a short id, and issue routes accept it", async () => {
    const issues = (await t.api("/api/0/organizations/lighttrace/issues/?query=cart")).body;
    const shortId: string = issues[0].shortId;
    expect(shortId).toMatch(/^MY-PROJECT-[0-9A-Z]+$/);
    const res = await t.api(`/api/0/organizations/lighttrace/shortids/${shortId}/`);
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ organizationSlug: "lighttrace", projectSlug: "my-project", groupId: issues[0].id, shortId, group: { id: issues[0].id, shortId, count: "2" } });
    expect((await t.api(`/api/0/organizations/lighttrace/shortids/${shortId.toLowerCase()}/`)).body.groupId).toBe(issues[0].id);
    expect((await t.api(`/api/0/organizations/lighttrace/issues/${shortId}/`)).body.id).toBe(issues[0].id);
    expect((await t.api(`/api/0/issues/${shortId}/events/latest/`)).body.eventID).toBe(ids[2]);
    expect((await t.api("/api/0/organizations/lighttrace/shortids/MY-PROJECT-ZZZZ/")).status).toBe(404);
    expect((await t.api("/api/0/organizations/lighttrace/shortids/NOPE-1/")).status).toBe(404);
  });

  it("searches events by Sentry's search keys, newest first, with the fields asked for", async () => {
    const all = await t.api("/api/0/organizations/lighttrace/events/?field=id&field=issue&field=release&field=user&sort=-timestamp");
    expect(all.status).toBe(200);
    expect(all.body.meta.fields).toEqual({ id: "string", issue: "string", release: "string", user: "string" });
    expect(all.body.data.map((r: any) => r.id)).toEqual([ids[2], ids[1], ids[0]]);
    expect(all.body.data[0]).toEqual({ id: ids[2], issue: expect.stringMatching(/^MY-PROJECT-/), release: "api@1.1.0", user: "id:7" });

    const q = async (query: string) => (await t.api(`/api/0/organizations/lighttrace/events/?field=id&query=${encodeURIComponent(query)}`)).body.data.map((r: any) => r.id);
    expect(await q("release:api@1.1.0 environment:production")).toEqual([ids[2]]);
    expect(await q("level:warning")).toEqual([ids[1]]);
    expect(await q(`trace:${trace}`)).toEqual([ids[1]]);
    expect(await q("user.id:42")).toEqual([ids[0]]);
    expect(await q("!environment:production")).toEqual([ids[1]]);
    expect(await q("cart undefined")).toEqual([ids[2], ids[0]]);
    const shortId = all.body.data[0].issue;
    expect(await q(`issue:${shortId}`)).toEqual([ids[2], ids[0]]);
    const oldest = await t.api("/api/0/organizations/lighttrace/events/?field=id&sort=timestamp&per_page=1");
    expect(oldest.body.data.map((r: any) => r.id)).toEqual([ids[0]]);
    expect(oldest.headers.get("link")).toContain('rel="next"; results="true"');
  });

  it("filters on payload fields and tags, paging through the Link header's cursors", async () => {
    const page = async (url: string) => {
      const res = await t.api(url);
      expect(res.status).toBe(200);
      const next = /<([^>]+)>; rel="next"; results="true"/.exec(res.headers.get("link") ?? "");
      return { ids: res.body.data.map((r: any) => r.id), next: next ? new URL(next[1]!).pathname + new URL(next[1]!).search : undefined };
    };
    const ids0: string[] = [];
    let url: string | undefined = "/api/0/organizations/lighttrace/events/?field=id&query=region:eu%20error.type:TypeError&per_page=1";
    while (url) {
      const p = await page(url);
      ids0.push(...p.ids);
      url = p.next;
    }
    expect(ids0).toEqual([ids[2], ids[0]]);
    const q = async (query: string) => (await t.api(`/api/0/organizations/lighttrace/events/?field=id&query=${encodeURIComponent(query)}`)).body.data.map((r: any) => r.id);
    expect(await q("user.email:seven@example.com")).toEqual([ids[2]]);
    expect(await q("!has:user")).toEqual([ids[1]]);
    expect(await q("stack.function:qty")).toEqual([ids[1]]);
    expect(await q("message:*quantity*")).toEqual([ids[1]]);
    expect(await q("environment:[staging, nowhere]")).toEqual([ids[1]]);
    expect(await q("timestamp:-1h")).toHaveLength(3);
    const row = (await t.api("/api/0/organizations/lighttrace/events/?field=id&field=tags[region]&field=user.display&field=error.type&field=culprit&query=user.id:7")).body;
    expect(row.data).toEqual([{ id: ids[2], "tags[region]": "eu", "user.display": "seven@example.com", "error.type": ["TypeError"], culprit: "cart(/srv/cart.js)" }]);
    expect(row.meta.fields).toEqual({ id: "string", "tags[region]": "string", "user.display": "string", "error.type": "array", culprit: "string" });
  });

  it("aggregates in SQL over columns and over payloads otherwise", async () => {
    const byIssue = (await t.api("/api/0/organizations/lighttrace/events/?field=issue&field=count()&field=count_unique(user)&field=last_seen()&sort=-count()")).body;
    expect(byIssue.data.map((r: any) => [r["count()"], r["count_unique(user)"]])).toEqual([[2, 2], [1, 0]]);
    expect(byIssue.data[0].issue).toMatch(/^MY-PROJECT-/);
    expect(byIssue.data[0]["last_seen()"]).toMatch(/^\d{4}-\d\d-\d\dT/);
    expect(byIssue.meta.fields).toMatchObject({ "count()": "integer", "last_seen()": "date" });
    const byType = (await t.api("/api/0/organizations/lighttrace/events/?field=error.type&field=count()&field=count_if(level,equals,warning)&sort=-count()")).body;
    expect(byType.data).toEqual([
      { "error.type": ["TypeError"], "count()": 2, "count_if(level,equals,warning)": 0 },
      { "error.type": ["RangeError"], "count()": 1, "count_if(level,equals,warning)": 1 },
    ]);
    expect(byType.meta.dataScanned).toBe("full");
    const total = (await t.api("/api/0/organizations/lighttrace/events/?field=count()&statsPeriod=1h")).body;
    expect(total.data).toEqual([{ "count()": 3 }]);
  });

  it("validates a query part by part, as the Sentry MCP server asks before it searches", async () => {
    const good = (await t.api("/api/0/organizations/lighttrace/events/validate/?dataset=errors&field=issue&field=count()&query=level:error&orderby=-count()")).body;
    expect(good).toMatchObject({ valid: true, dataset: [{ name: "errors", valid: true }], query: { valid: true, error: null } });
    expect(good.field).toEqual([{ name: "issue", valid: true, attrType: "string", error: null }, { name: "count()", valid: true, attrType: "number", error: null }]);
    const bad = (await t.api("/api/0/organizations/lighttrace/events/validate/?dataset=errors&field=nope&query=regoin:eu")).body;
    expect(bad.valid).toBe(false);
    expect(bad.field[0]).toMatchObject({ name: "nope", valid: false, error: expect.stringContaining('unknown field "nope"') });
    expect(bad.query).toMatchObject({ valid: false, error: expect.stringContaining('unknown field "regoin"') });
  });

  it("refuses what it cannot answer, naming it", async () => {
    expect(await t.api("/api/0/organizations/lighttrace/events/?field=nope")).toMatchObject({ status: 400, body: { detail: expect.stringContaining('unknown field "nope": not a field of error events, and no event has a tag by that name') } });
    expect(await t.api("/api/0/organizations/lighttrace/events/?query=is:unresolved")).toMatchObject({ status: 400, body: { detail: expect.stringContaining("events have no status") } });
    expect(await t.api("/api/0/organizations/lighttrace/events/?query=browser:chrome")).toMatchObject({ status: 400, body: { detail: expect.stringContaining('unknown field "browser"') } });
    expect(await t.api("/api/0/organizations/lighttrace/events/?sort=-count")).toMatchObject({ status: 400 });
    expect(await t.api("/api/0/organizations/lighttrace/events/?field=avg(span.duration)")).toMatchObject({ status: 400, body: { detail: expect.stringContaining('unsupported function "avg(span.duration)"') } });
    expect(await t.api("/api/0/organizations/lighttrace/events/?field=span.duration")).toMatchObject({ status: 400, body: { detail: expect.stringContaining("not a field of error events") } });
    expect(await t.api("/api/0/organizations/lighttrace/events/?dataset=spans&field=id")).toMatchObject({ status: 400, body: { detail: expect.stringContaining('dataset "spans"') } });
    expect(await t.api("/api/0/organizations/lighttrace/events/?query=level:error%20OR%20level:warning")).toMatchObject({ status: 400, body: { detail: expect.stringContaining("OR is not supported") } });
  });
});
