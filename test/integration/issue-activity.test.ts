import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { errorEvent, eventEnvelope } from "../_helpers/envelopes.ts";
import { eventually } from "../_helpers/sdk.ts";
import { startTestServer, type TestServer } from "../_helpers/server.ts";

/**
 * Assignment, the activity log and notes through the real server over HTTP, in Sentry's shapes:
 * `PUT /issues/{id}/` with `assignedTo`, `/activities/`, `/comments/` (alias `/notes/`) and the
 * assignee searches, as a token and as a signed-in user.
 */
describe("issue assignment, activity and notes", () => {
  let t: TestServer;
  let first: string;
  let second: string;
  let cookie: string;
  const put = (path: string, body: unknown, headers: Record<string, string> = {}) => t.api(path, { method: "PUT", body: JSON.stringify(body), headers });
  const post = (path: string, body: unknown, headers: Record<string, string> = {}) => t.api(path, { method: "POST", body: JSON.stringify(body), headers });
  const ids = async (query: string, headers: Record<string, string> = {}) =>
    ((await t.api(`/api/0/projects/lighttrace/my-project/issues/?query=${encodeURIComponent(query)}`, { headers })).body as { id: string }[]).map((i) => i.id).sort();

  beforeAll(async () => {
    t = await startTestServer();
    const send = async (fn: string) => {
      const ev = errorEvent({ exception: { values: [{ type: "TypeError", value: `${fn} failed`, stacktrace: { frames: [{ filename: `/srv/${fn}.js`, function: fn, lineno: 1, in_app: true }] } }] } });
      const res = await fetch(`${t.url}/api/${t.projectId}/envelope/?sentry_key=${t.publicKey}`, { method: "POST", body: new Uint8Array(eventEnvelope(ev)) });
      expect(res.status).toBe(200);
      return eventually(async () => (await t.api(`/api/0/projects/lighttrace/my-project/events/${ev.event_id}/`)).body?.groupID as string | undefined);
    };
    first = await send("checkout");
    second = await send("billing");
    const local = await fetch(`${t.localUrl}/api/0/auth/login/local/`, { method: "POST", headers: { Origin: t.localUrl } });
    cookie = local.headers.get("set-cookie")!.split(";")[0]!;
  });
  afterAll(() => t.close());
  const asMe = () => ({ Cookie: cookie, Authorization: "", Origin: t.url });

  it("assigns by email, user and team, shapes assignedTo as Sentry does, and logs each change", async () => {
    expect((await t.api(`/api/0/issues/${first}/`)).body).toMatchObject({ assignedTo: null, numComments: 0 });
    const byEmail = await put(`/api/0/issues/${first}/`, { assignedTo: "Owner@Example.com" });
    expect(byEmail).toMatchObject({ status: 200, body: { id: first, status: "unresolved", assignedTo: { type: "user", id: "owner@example.com", name: "owner@example.com" } } });
    // a team must exist; an unknown user or a malformed value is a 400 naming the field
    expect(await put(`/api/0/organizations/lighttrace/issues/${first}/`, { assignedTo: "team:nobody" })).toMatchObject({ status: 400, body: { detail: 'invalid field "assignedTo": no team "nobody"' } });
    expect((await put(`/api/0/issues/${first}/`, { assignedTo: "user:999" })).body.detail).toContain("no user");
    expect((await put(`/api/0/issues/${first}/`, { assignedTo: 12 })).status).toBe(400);
    expect((await put(`/api/0/issues/${first}/`, { isBookmarked: true })).body.detail).toContain('"status"');

    const me = (await t.api("/api/0/auth/login/", { headers: { Cookie: cookie } })).body.user;
    const byUser = await put(`/api/0/organizations/lighttrace/issues/${first}/`, { assignedTo: `user:${me.id}`, status: "resolved" });
    expect(byUser.body).toMatchObject({ status: "resolved", assignedTo: { type: "user", id: me.id, email: me.email } });
    // the same assignee again changes nothing and logs nothing
    await put(`/api/0/issues/${first}/`, { assignedTo: me.email });

    const { activity } = (await t.api(`/api/0/organizations/lighttrace/issues/${first}/activities/`)).body;
    expect(activity.map((a: { type: string }) => a.type)).toEqual(["set_resolved", "assigned", "assigned", "first_seen"]);
    expect(activity[1]).toMatchObject({ data: { assignee: me.id, assigneeEmail: me.email, assigneeType: "user" }, user: null, dateCreated: expect.stringMatching(/Z$/) });
    expect(activity[2].data).toEqual({ assignee: "owner@example.com", assigneeEmail: "owner@example.com", assigneeType: "user", assigneeName: "owner@example.com" });

    const cleared = await put(`/api/0/issues/${first}/`, { assignedTo: null, status: "unresolved" }, asMe());
    expect(cleared.body.assignedTo).toBe(null);
    const after = (await t.api(`/api/0/issues/${first}/activities/`)).body.activity;
    expect(after.slice(0, 2).map((a: { type: string; user: { email: string } | null }) => [a.type, a.user?.email])).toEqual([["set_unresolved", me.email], ["unassigned", me.email]]);
  });

  it("searches assigned:me, assigned:<email>, is:assigned and is:unassigned", async () => {
    const me = (await t.api("/api/0/auth/login/", { headers: { Cookie: cookie } })).body.user;
    await put(`/api/0/issues/${first}/`, { assignedTo: me.email });
    await put(`/api/0/issues/${second}/`, { assignedTo: "dev@example.com" });
    expect(await ids("is:assigned")).toEqual([first, second].sort());
    expect(await ids("is:unassigned")).toEqual([]);
    expect(await ids("assigned:dev@example.com")).toEqual([second]);
    expect(await ids(`assigned:user:${me.id}`)).toEqual([first]);
    expect(await ids("assigned:me", asMe())).toEqual([first]);
    expect(await ids("!assigned:me", asMe())).toEqual([second]);
    // a token is no one
    const asToken = await t.api(`/api/0/projects/lighttrace/my-project/issues/?query=${encodeURIComponent("assigned:me")}`);
    expect(asToken).toMatchObject({ status: 400, body: { detail: expect.stringContaining("needs a signed-in user") } });
    await put(`/api/0/issues/${second}/`, { assignedTo: "" });
    expect(await ids("is:unassigned")).toEqual([second]);
    expect(await ids("assigned:none")).toEqual([second]);
  });

  it("keeps notes: post (201), refuse the same one within an hour, edit and delete by the author only", async () => {
    const posted = await post(`/api/0/issues/${second}/comments/`, { text: "What broke: the VAT lookup" });
    expect(posted).toMatchObject({ status: 201, body: { type: "note", data: { text: "What broke: the VAT lookup" }, isAuthor: true, dateUpdated: null } });
    expect(await post(`/api/0/issues/${second}/notes/`, { text: "What broke: the VAT lookup" })).toMatchObject({ status: 400, body: { detail: "You have already posted that comment." } });
    expect((await post(`/api/0/issues/${second}/notes/`, { text: "  " })).body.detail).toContain("a note needs text");
    expect((await post(`/api/0/issues/${second}/notes/`, { text: "x".repeat(4097) })).status).toBe(400);
    const mine = await post(`/api/0/organizations/lighttrace/issues/${second}/notes/`, { text: "Why the tests missed it" }, asMe());
    expect(mine.body.user).toMatchObject({ email: expect.stringContaining("@") });

    const listed = (await t.api(`/api/0/issues/${second}/comments/`)).body;
    expect(listed.map((n: { data: { text: string }; isAuthor: boolean }) => [n.data.text, n.isAuthor])).toEqual([["Why the tests missed it", false], ["What broke: the VAT lookup", true]]);
    expect((await t.api(`/api/0/issues/${second}/`)).body.numComments).toBe(2);
    expect((await t.api(`/api/0/projects/lighttrace/my-project/issues/?query=`)).body.find((i: { id: string }) => i.id === second).numComments).toBe(2);

    // someone else's note: 403; a missing one: 404
    expect((await put(`/api/0/issues/${second}/comments/${mine.body.id}/`, { text: "hijacked" })).status).toBe(403);
    expect((await t.api(`/api/0/issues/${second}/comments/${mine.body.id}/`, { method: "DELETE" })).status).toBe(403);
    expect((await put(`/api/0/issues/${second}/comments/99999/`, { text: "x" })).status).toBe(404);
    const edited = await put(`/api/0/issues/${second}/comments/${posted.body.id}/`, { text: "What broke: the VAT lookup for EU guests" });
    expect(edited.body).toMatchObject({ data: { text: "What broke: the VAT lookup for EU guests" }, dateUpdated: expect.stringMatching(/Z$/) });
    expect((await t.api(`/api/0/issues/${second}/comments/${posted.body.id}/`, { method: "DELETE" })).status).toBe(204);
    expect((await t.api(`/api/0/issues/${second}/`)).body.numComments).toBe(1);
  });
});
