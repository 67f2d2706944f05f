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
    await send(errorEvent({ release: "api@1.0.0", environment: "production", user: { id: "42" }, exception: { values: [{ type: "TypeError", value: "cart is undefined", stacktrace: frames("cart") }] } }));
    await send(errorEvent({ release: "api@1.1.0", environment: "staging", level: "warning", contexts: { trace: { trace_id: trace, span_id: "b0e6f15b45c36b12" } }, exception: { values: [{ type: "RangeError", value: "bad quantity", stacktrace: frames("qty") }] } }));
    await send(errorEvent({ release: "api@1.1.0", environment: "production", user: { id: "7" }, exception: { values: [{ type: "TypeError", value: "cart is undefined", stacktrace: frames("cart") }] } }));
    await eventually(async () => ((await t.api("/api/0/organizations/lighttrace/events/")).body.data.length === 3 ? true : undefined));
  });
  afterAll(async () => {
    expect(t.errors).toEqual([]);
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
