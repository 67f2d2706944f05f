import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runCli } from "../_helpers/child-server.ts";
import { errorEvent, eventEnvelope } from "../_helpers/envelopes.ts";
import { eventually } from "../_helpers/sdk.ts";
import { startTestServer, type TestServer } from "../_helpers/server.ts";
import { startTestSmtp, type TestSmtp } from "../_helpers/smtp.ts";

/** An error at `file` with tags: each distinct file is its own issue. */
function eventAt(file: string, tags: Record<string, string> = {}) {
  return errorEvent({
    tags,
    exception: { values: [{ type: "TypeError", value: `failed in ${file}`, stacktrace: { frames: [{ filename: file, function: "run", lineno: 3, in_app: true }] } }] },
  });
}

/**
 * Teams (CLI and API), ownership rules in Sentry's syntax, auto-assignment on the first event,
 * `owner:` search, and the default alert rule mailing the issue's owners over real SMTP (with
 * fallthrough to everyone when no rule matches), through the built CLI and the real server.
 */
describe("teams, ownership rules and routing", () => {
  let t: TestServer;
  let smtp: TestSmtp;
  const send = async (ev: Record<string, unknown>): Promise<string> => {
    const res = await fetch(`${t.url}/api/${t.projectId}/envelope/?sentry_key=${t.publicKey}`, { method: "POST", body: new Uint8Array(eventEnvelope(ev)) });
    expect(res.status).toBe(200);
    return eventually(async () => (await t.api(`/api/0/projects/lighttrace/my-project/events/${ev.event_id}/`)).body?.groupID as string | undefined);
  };
  const mailsFor = async (issueId: string) => {
    await t.server.alerts.idle();
    await smtp.parsed();
    return smtp.mails.filter((m) => String(m.text).includes(`/issues/${issueId}/`)).map((m) => [m.to].flat().flatMap((a) => a!.value.map((v) => v.address)).sort());
  };
  const put = (path: string, body: unknown) => t.api(path, { method: "PUT", body: JSON.stringify(body) });
  const ownershipPath = "/api/0/projects/lighttrace/my-project/ownership/";

  beforeAll(async () => {
    smtp = await startTestSmtp();
    t = await startTestServer({ smtpUrl: smtp.url, smtpFrom: "LightTrace <alerts@example.com>", alertTo: "ops@example.com" });
  });
  afterAll(async () => {
    await t?.close();
    await smtp?.close();
  });

  it("manages teams from the CLI and the API", async () => {
    const created = await runCli(["teams", "create", "billing", "--name", "Billing", "--data", t.dataDir]);
    expect(created, created.stderr).toMatchObject({ code: 0, stdout: expect.stringContaining("Created team #billing") });
    const added = await runCli(["teams", "add-member", "billing", "Bill@Example.com", "ann@example.com", "--data", t.dataDir, "--json"]);
    expect(JSON.parse(added.stdout)).toMatchObject({ slug: "billing", name: "Billing", members: ["ann@example.com", "bill@example.com"] });
    expect((await runCli(["teams", "create", "billing", "--data", t.dataDir])).stderr).toContain('a team "billing" already exists');

    const api = await t.api("/api/0/organizations/lighttrace/teams/", { method: "POST", body: JSON.stringify({ name: "Web Platform" }) });
    expect(api).toMatchObject({ status: 201, body: { slug: "web-platform", name: "Web Platform", memberCount: 0, memberEmails: [] } });
    expect((await t.api("/api/0/teams/lighttrace/web-platform/members/", { method: "POST", body: JSON.stringify({ email: "Wes@Example.com" }) })).body.memberEmails).toEqual(["wes@example.com"]);
    expect((await t.api("/api/0/organizations/lighttrace/teams/", { method: "POST", body: JSON.stringify({ slug: "default" }) })).status).toBe(400);
    expect((await t.api("/api/0/organizations/lighttrace/teams/", { method: "POST", body: JSON.stringify({ slug: "billing" }) })).status).toBe(409);
    const teams = (await t.api("/api/0/organizations/lighttrace/teams/")).body;
    expect(teams.map((x: { slug: string; memberEmails: string[] }) => [x.slug, x.memberEmails])).toEqual([
      ["default", []], ["billing", ["ann@example.com", "bill@example.com"]], ["web-platform", ["wes@example.com"]],
    ]);
    expect((await t.api("/api/0/teams/lighttrace/web-platform/members/wes@example.com/", { method: "DELETE" })).status).toBe(204);
    expect((await t.api("/api/0/teams/lighttrace/web-platform/", { method: "DELETE" })).status).toBe(204);
    expect((await t.api("/api/0/teams/lighttrace/web-platform/")).status).toBe(404);
  });

  it("refuses bad rules with a 400 naming the line, and keeps good ones in Sentry's shape", async () => {
    expect((await t.api(ownershipPath)).body).toMatchObject({ raw: "", fallthrough: true, autoAssignment: "Auto Assign to Issue Owner", dateCreated: null });
    const bad = await put(ownershipPath, { raw: "# billing\npath:src/* #billing\nmodule:shop.* bob" });
    expect(bad).toMatchObject({ status: 400, body: { detail: 'invalid field "raw": line 3: "bob" is not an owner (an email address or #team)' } });
    expect((await put(ownershipPath, { raw: "path:src/* #nobody" })).body.detail).toBe('invalid field "raw": line 1: no team #nobody (create it with lighttrace teams create nobody)');
    expect((await put(ownershipPath, { raw: "release:1.* a@example.com" })).body.detail).toContain('line 1: unknown rule type "release"');
    expect((await put(ownershipPath, { autoAssignment: "Auto Assign to Suspect Commits" })).status).toBe(400);

    const raw = "# who owns what\ntags.team:billing #billing\npath:*/orders/*.js Owner@Example.com\nurl:https://shop.example.com/admin/* admin@example.com";
    const saved = await put(ownershipPath, { raw });
    expect(saved.status).toBe(200);
    expect(saved.body).toMatchObject({ raw, fallthrough: true, dateCreated: expect.stringMatching(/Z$/), schema: { $version: 1, rules: [
      { matcher: { type: "tags.team", pattern: "billing" }, owners: [{ type: "team", identifier: "billing" }] },
      { matcher: { type: "path", pattern: "*/orders/*.js" }, owners: [{ type: "user", identifier: "owner@example.com" }] },
      { matcher: { type: "url", pattern: "https://shop.example.com/admin/*" }, owners: [{ type: "user", identifier: "admin@example.com" }] },
    ] } });
    expect((await t.api(ownershipPath)).body.raw).toBe(raw);
  });

  it("assigns a new issue to its owner, mails only the owners, and falls through to everyone when no rule matches", async () => {
    // only the tags rule matches: team billing owns it, its members get the mail
    const billing = await send(eventAt("/srv/shop/src/checkout.js", { team: "billing" }));
    await eventually(async () => (await t.api(`/api/0/issues/${billing}/`)).body.assignedTo ?? undefined);
    expect((await t.api(`/api/0/issues/${billing}/`)).body.assignedTo).toMatchObject({ type: "team", name: "billing" });
    expect(await mailsFor(billing)).toEqual([["ann@example.com", "bill@example.com"]]);

    // both rules match: the last one wins
    const orders = await send(eventAt("/srv/shop/src/orders/submit.js", { team: "billing" }));
    await eventually(async () => (await t.api(`/api/0/issues/${orders}/`)).body.assignedTo ?? undefined);
    expect((await t.api(`/api/0/issues/${orders}/`)).body.assignedTo).toMatchObject({ type: "user", id: "owner@example.com" });
    expect(await mailsFor(orders)).toEqual([["owner@example.com"]]);

    // no rule matches: the usual recipients (LIGHTTRACE_ALERT_TO and the users), and no assignee
    const other = await send(eventAt("/srv/shop/src/search.js"));
    expect(await mailsFor(other)).toEqual([["ops@example.com"]]);
    expect((await t.api(`/api/0/issues/${other}/`)).body.assignedTo).toBe(null);

    const activity = (await t.api(`/api/0/issues/${orders}/activities/`)).body.activity;
    expect(activity.map((a: { type: string }) => a.type).sort()).toEqual(["alert_sent", "assigned", "first_seen"]);
    expect(activity.find((a: { type: string }) => a.type === "assigned").data).toMatchObject({ assignee: "owner@example.com", rule: "path:*/orders/*.js Owner@Example.com" });
    expect(activity.find((a: { type: string }) => a.type === "alert_sent").data).toMatchObject({ recipients: "owner@example.com", trigger: "new_issue" });

    const ids = async (query: string) => ((await t.api(`/api/0/projects/lighttrace/my-project/issues/?query=${encodeURIComponent(query)}`)).body as { id: string }[]).map((i) => i.id).sort();
    expect(await ids("owner:#billing")).toEqual([billing]);
    expect(await ids("owner:owner@example.com")).toEqual([orders]);
    expect(await ids("assigned:#billing")).toEqual([billing]);
    expect((await t.api(`/api/0/projects/lighttrace/my-project/issues/?query=${encodeURIComponent("owner:bob")}`)).status).toBe(400);

    // no fallthrough: an unmatched issue mails no one
    await put(ownershipPath, { fallthrough: false });
    const quiet = await send(eventAt("/srv/shop/src/quiet.js"));
    expect(await mailsFor(quiet)).toEqual([]);
  });

  it("sends a rule's Team and Member targets to those people", async () => {
    const rule = await t.api("/api/0/projects/lighttrace/my-project/rules/", { method: "POST", body: JSON.stringify({
      name: "Payments to billing", triggers: { newIssue: true }, filters: { tags: ["component:payments"] },
      actions: [{ type: "email", targetType: "Team", targetIdentifier: "billing" }, { type: "email", targetType: "Member", targetIdentifier: "cfo@example.com" }],
    }) });
    expect(rule.status, JSON.stringify(rule.body)).toBe(201);
    const bad = await t.api("/api/0/projects/lighttrace/my-project/rules/", { method: "POST", body: JSON.stringify({
      name: "x", triggers: { newIssue: true }, actions: [{ type: "email", targetType: "Member", targetIdentifier: "not-an-email" }],
    }) });
    expect(bad.status).toBe(400);
    const issue = await send(eventAt("/srv/shop/src/pay.js", { component: "payments" }));
    const mails = await mailsFor(issue);
    expect(mails).toEqual(expect.arrayContaining([["ann@example.com", "bill@example.com"], ["cfo@example.com"]]));
    expect(t.errors).toEqual([]);
  });
});
