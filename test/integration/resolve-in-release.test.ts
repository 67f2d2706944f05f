import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestServer, type TestServer } from "../_helpers/server.ts";
import { errorEvent, eventEnvelope } from "../_helpers/envelopes.ts";

/** Resolve in release / in next release over the real API, and the writer's regression rule. */
describe("resolve in release", () => {
  let t: TestServer;
  const send = async (group: string, release: string | undefined) => {
    const ev = errorEvent({ fingerprint: [group], ...(release ? { release } : {}) });
    const res = await fetch(`${t.url}/api/${t.projectId}/envelope/?sentry_key=${t.publicKey}`, { method: "POST", body: new Uint8Array(eventEnvelope(ev)) });
    expect(res.status).toBe(200);
    return ev.event_id as string;
  };
  const issueOf = async (eventId: string): Promise<string> =>
    (await t.api(`/api/0/projects/lighttrace/my-project/events/${eventId}/`)).body.groupID;
  const detail = async (id: string) => (await t.api(`/api/0/issues/${id}/`)).body;
  const put = (id: string, body: unknown) => t.api(`/api/0/issues/${id}/`, { method: "PUT", body: JSON.stringify(body) });

  beforeAll(async () => {
    t = await startTestServer();
  });
  afterAll(async () => {
    await t.close();
  });

  it("resolved in web@1.2.0: an older release does not reopen it, web@1.10.0 is a regression", async () => {
    const a = await issueOf(await send("A", "web@1.0.0"));
    await send("A", "web@1.1.0");
    // the release does not exist yet: 400 naming it, nothing changed
    const unknown = await put(a, { status: "resolved", statusDetails: { inRelease: "web@1.2.0" } });
    expect(unknown).toMatchObject({ status: 400, body: { detail: 'unknown release "web@1.2.0" in project "my-project"' } });
    expect((await detail(a)).status).toBe("unresolved");

    await send("other", "web@1.2.0");
    const resolved = await put(a, { status: "resolved", statusDetails: { inRelease: "web@1.2.0" } });
    expect(resolved.status).toBe(200);
    expect(resolved.body).toMatchObject({ status: "resolved", statusDetails: { inRelease: "web@1.2.0" } });

    // an old deployment still running web@1.1.0 keeps failing: counted, not reopened
    await send("A", "web@1.1.0");
    let d = await detail(a);
    expect(d).toMatchObject({ status: "resolved", statusDetails: { inRelease: "web@1.2.0" }, count: "3" });
    expect(d.releaseCounts.map((r: any) => [r.version, r.count])).toEqual([["web@1.0.0", 1], ["web@1.1.0", 2]]);
    expect(d.resolution).toMatchObject({ type: "inRelease", release: "web@1.2.0", fixedReleaseEventCount: 0, lastFixedReleaseEvent: null });
    expect(d.resolution.lastOlderReleaseEvent.release).toBe("web@1.1.0");
    expect(d.firstRelease).toEqual({ version: "web@1.0.0" });

    // 1.10.0 sorts before 1.2.0 as text but is newer by semver
    await send("A", "web@1.10.0");
    d = await detail(a);
    expect(d).toMatchObject({ status: "unresolved", substatus: "regressed", statusDetails: {}, resolution: null });
    expect(d.lastRelease).toEqual({ version: "web@1.10.0" });
  });

  it("resolved in the next release: the current latest does not reopen it, a newer one does", async () => {
    const b = await issueOf(await send("B", "web@1.10.0"));
    const res = await put(b, { status: "resolvedInNextRelease" });
    expect(res.body).toMatchObject({ status: "resolved", statusDetails: { inNextRelease: true } });
    await send("B", "web@1.10.0");
    expect((await detail(b)).status).toBe("resolved");
    await send("B", "web@2.0.0");
    expect((await detail(b))).toMatchObject({ status: "unresolved", substatus: "regressed" });
  });

  it("orders non-semver releases by first seen; an event without release reopens", async () => {
    const c = await issueOf(await send("C", "abc123"));
    await new Promise((r) => setTimeout(r, 20));
    await send("other", "fff999");
    await put(c, { status: "resolved", statusDetails: { inRelease: "fff999" } });
    await send("C", "abc123");
    expect((await detail(c)).status).toBe("resolved");
    await send("C", undefined);
    expect((await detail(c)).status).toBe("unresolved");
  });

  it("bulk: checks the release before changing any issue; `latest` picks the newest release", async () => {
    // newest by semver and by first seen (latest compares across the non-semver releases above too)
    const d1 = await issueOf(await send("D1", "web@3.0.0"));
    const d2 = await issueOf(await send("D2", "web@3.0.0"));
    const bulk = (body: unknown) => t.api(`/api/0/projects/lighttrace/my-project/issues/?id=${d1}&id=${d2}`, { method: "PUT", body: JSON.stringify(body) });
    const bad = await bulk({ status: "resolved", statusDetails: { inRelease: "web@9.9.9" } });
    expect(bad).toMatchObject({ status: 400, body: { detail: 'unknown release "web@9.9.9" in project "my-project"' } });
    expect((await detail(d1)).status).toBe("unresolved");
    const ok = await bulk({ status: "resolved", statusDetails: { inRelease: "latest" } });
    expect(ok.body).toEqual({ status: "resolved", statusDetails: { inRelease: "web@3.0.0", actor: null } });
    for (const id of [d1, d2]) expect((await detail(id)).statusDetails).toEqual({ inRelease: "web@3.0.0", actor: null });
    // lists carry the same statusDetails
    const listed = (await t.api(`/api/0/projects/lighttrace/my-project/issues/?query=is:resolved`)).body;
    expect(listed.find((i: any) => i.id === d1).statusDetails).toEqual({ inRelease: "web@3.0.0", actor: null });
    // a plain status change voids the resolution
    await bulk({ status: "unresolved" });
    expect((await detail(d1))).toMatchObject({ status: "unresolved", statusDetails: {}, resolution: null });
    const wrong = await bulk({ status: "ignored", statusDetails: { inNextRelease: true } });
    expect(wrong).toMatchObject({ status: 400, body: { detail: 'statusDetails.inNextRelease needs status "resolved", not "ignored"' } });
  });

  it("accepts a release created through the API (sentry-cli releases new) before any event names it", async () => {
    const f = await issueOf(await send("F", "web@3.0.0"));
    const created = await t.api("/api/0/organizations/lighttrace/releases/", { method: "POST", body: JSON.stringify({ version: "web@4.0.0", projects: ["my-project"] }) });
    expect(created.status).toBe(201);
    expect((await put(f, { status: "resolved", statusDetails: { inRelease: "web@4.0.0" } })).status).toBe(200);
    await send("F", "web@3.0.0");
    expect((await detail(f)).status).toBe("resolved");
    await send("F", "web@4.0.0");
    expect((await detail(f)).substatus).toBe("regressed");
  });

  it("a plain resolution still regresses on any event", async () => {
    const e = await issueOf(await send("E", "web@2.0.0"));
    await put(e, { status: "resolved" });
    await send("E", "web@1.0.0");
    expect((await detail(e))).toMatchObject({ status: "unresolved", substatus: "regressed" });
  });
});
