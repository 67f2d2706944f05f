import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { errorEvent, eventEnvelope } from "../_helpers/envelopes.ts";
import { eventually } from "../_helpers/sdk.ts";
import { startTestServer, type TestServer } from "../_helpers/server.ts";
import { freePort, startTestSmtp, type TestSmtp } from "../_helpers/smtp.ts";

/** An event of the checkout TypeError (one issue), with the facts the email must carry. */
function checkoutError(overrides: Record<string, unknown> = {}) {
  return errorEvent({
    release: "shop@1.4.0",
    environment: "production",
    user: { id: "user-1" },
    tags: { team: "billing", component: "checkout" },
    breadcrumbs: { values: [
      { timestamp: 1_700_000_000, category: "cart", message: "added item sku-42" },
      { timestamp: 1_700_000_001, category: "navigation", message: "/cart -> /checkout" },
      { timestamp: 1_700_000_002, category: "fetch", message: "POST /api/orders 500", level: "error" },
    ] },
    exception: { values: [{
      type: "TypeError",
      value: "Cannot read properties of undefined (reading 'orderId')",
      stacktrace: { frames: [
        { filename: "node:internal/process/task_queues", function: "processTicksAndRejections", lineno: 95, in_app: false },
        { filename: "/srv/shop/src/routes/checkout.js", function: "handleCheckout", lineno: 41, colno: 12, in_app: true, context_line: "const order = await submitOrder(cart);" },
        { filename: "/srv/shop/src/orders.js", function: "submitOrder", lineno: 17, colno: 30, in_app: true, context_line: "return payment.orderId.toString();" },
      ] },
      mechanism: { type: "generic", handled: false },
    }] },
    ...overrides,
  });
}

describe("email alerts over real SMTP", () => {
  let t: TestServer;
  let smtp: TestSmtp;
  const send = async (ev: Record<string, unknown>) => {
    const res = await fetch(`${t.url}/api/${t.projectId}/envelope/?sentry_key=${t.publicKey}`, { method: "POST", body: new Uint8Array(eventEnvelope(ev)) });
    expect(res.status).toBe(200);
    await res.arrayBuffer();
  };
  const settle = async () => {
    await t.server.alerts.idle();
    await smtp.parsed(); // mailparser finishes after the SMTP answer
  };

  beforeAll(async () => {
    smtp = await startTestSmtp();
    t = await startTestServer({ smtpUrl: smtp.url, smtpFrom: "LightTrace <alerts@example.com>", alertTo: "ops@example.com, oncall@example.com", baseUrl: "https://errors.example.com" });
    // a signed-up user is an admin (one organization, no roles); the passwordless local admin has no mailbox
    await t.server.store.createUser({ email: "admin@example.com", passwordHash: "not-used-here" });
    await t.server.store.ensureLocalAdmin();
  });
  afterAll(async () => {
    await t?.close();
    await smtp?.close();
  });
  const addRule = async (rule: Record<string, unknown>) => {
    const res = await t.api("/api/0/projects/lighttrace/my-project/rules/", { method: "POST", body: JSON.stringify(rule) });
    expect(res.status, JSON.stringify(res.body)).toBe(201);
  };
  const mailsTo = (address: string) => smtp.mails.filter((m) => (Array.isArray(m.to) ? m.to : [m.to]).some((a) => a?.value.some((v) => v.address === address)));
  const typed = (type: string, overrides: Record<string, unknown> = {}) =>
    errorEvent({ exception: { values: [{ type, value: "boom", stacktrace: { frames: [{ filename: "/srv/app/x.js", function: type, lineno: 1, in_app: true }] } }] }, ...overrides });

  /** The issue an event went to, and the mails about that issue to ops@ (every test's issue has its own mails; several share a title). */
  const issueOf = async (ev: Record<string, unknown>) => (await t.api(`/api/0/projects/lighttrace/my-project/events/${ev.event_id}/`)).body.groupID as string;
  const opsMailsAbout = (issueId: string) => mailsTo("ops@example.com").filter((m) => m.text?.includes(`https://errors.example.com/issues/${issueId}/`));

  it("mails a new issue once, with subject and body facts, to the users and LIGHTTRACE_ALERT_TO", async () => {
    const first = checkoutError();
    await send(first);
    const issueId = await issueOf(first);
    const mail = await eventually(async () => opsMailsAbout(issueId)[0]);
    expect(mail.subject).toBe("[my-project] New issue: TypeError: Cannot read properties of undefined (reading 'orderId')");
    expect(mail.from?.text).toBe('"LightTrace" <alerts@example.com>');
    expect((Array.isArray(mail.to) ? mail.to : [mail.to]).flatMap((a) => a!.value.map((v) => v.address)).sort()).toEqual(["admin@example.com", "oncall@example.com", "ops@example.com"]);
    const issue = (await t.api(`/api/0/issues/${issueId}/`)).body;
    const text = mail.text!;
    expect(text).toContain("Culprit:");
    expect(text).toContain("Events:      1");
    expect(text).toContain("Users:       1");
    expect(text).toContain("Release:     shop@1.4.0");
    expect(text).toContain("Environment: production");
    expect(text).toContain("team=billing");
    // in-app frames, most recent first; the runtime frame is left out
    expect(text).toMatch(/at submitOrder \(\/srv\/shop\/src\/orders\.js:17:30\)\n\s+return payment\.orderId\.toString\(\);\n\s+at handleCheckout/);
    expect(text).not.toContain("processTicksAndRejections");
    expect(text).toContain("[fetch] (error) POST /api/orders 500");
    expect(text).toContain(`Open the issue: https://errors.example.com/issues/${issue.id}/`);
    expect(mail.html).toContain(`<a href="https://errors.example.com/issues/${issue.id}/">`);
    expect(mail.html).toContain("submitOrder");
    expect(mail.headers.get("x-lighttrace-trigger")).toBe("new_issue");
    expect(mail.headers.get("auto-submitted")).toBe("auto-generated");

    // the same issue again: no mail
    await send(checkoutError());
    await send(checkoutError());
    await settle();
    expect(opsMailsAbout(issueId)).toHaveLength(1);
  });

  it("mails a regression when a resolved issue happens again, even right after the new-issue mail", async () => {
    // an issue of its own (the first test's issue has the same title)
    const ev = checkoutError({ fingerprint: ["regression-check"] });
    await send(ev);
    const issueId = await issueOf(ev);
    await eventually(async () => opsMailsAbout(issueId)[0]);
    expect((await t.api(`/api/0/issues/${issueId}/`, { method: "PUT", body: JSON.stringify({ status: "resolved" }) })).status).toBe(200);
    await send(checkoutError({ fingerprint: ["regression-check"] }));
    const mail = await eventually(async () => opsMailsAbout(issueId)[1]);
    expect(mail.subject).toBe("[my-project] Regression: TypeError: Cannot read properties of undefined (reading 'orderId')");
    expect(mail.text).toContain("this issue was resolved and happened again");
    await settle();
    expect(opsMailsAbout(issueId).map((m) => m.subject)).toEqual([
      "[my-project] New issue: TypeError: Cannot read properties of undefined (reading 'orderId')",
      "[my-project] Regression: TypeError: Cannot read properties of undefined (reading 'orderId')",
    ]);
  });

  it("sends no regression for an event from a release older than the one the issue was resolved in", async () => {
    const release = (r: string) => checkoutError({ release: r, fingerprint: ["release-check"] });
    const firstEvent = release("shop@2.0.0");
    await send(firstEvent);
    await send(release("shop@2.1.0"));
    await settle();
    const before = smtp.mails.length;
    const issueId = await issueOf(firstEvent);
    const resolved = await t.api(`/api/0/issues/${issueId}/`, { method: "PUT", body: JSON.stringify({ status: "resolved", statusDetails: { inRelease: "shop@2.1.0" } }) });
    expect(resolved.status, JSON.stringify(resolved.body)).toBe(200);
    await send(release("shop@2.0.0")); // an old deployment still failing: not a regression
    await settle();
    expect(smtp.mails.slice(before).map((m) => m.subject)).toEqual([]);
    await send(release("shop@2.2.0")); // a newer release: a regression
    await settle();
    expect(smtp.mails.slice(before).map((m) => m.subject)).toEqual(["[my-project] Regression: TypeError: Cannot read properties of undefined (reading 'orderId')"]);
  });

  it("mails one spike when an issue's rate passes the floor and its baseline, then stays quiet", async () => {
    await addRule({ name: "spikes", triggers: { spike: { minEvents: 20, factor: 3, windowMinutes: 5 } }, actions: [{ type: "email", to: ["spikes@example.com"] }] });
    for (let round = 0; round < 4; round++) await Promise.all(Array.from({ length: 15 }, () => send(typed("SpikeError"))));
    await settle();
    const spikes = mailsTo("spikes@example.com");
    expect(spikes.map((m) => m.subject)).toEqual(["[my-project] Spike: SpikeError: boom"]);
    expect(spikes[0]!.text).toMatch(/Why:\s+20 events in the last 5 min; the issue's usual rate is 0 per 5 min/);
    // the new-issue mail of the default rule went out too, once
    expect(smtp.mails.filter((m) => m.subject === "[my-project] New issue: SpikeError: boom")).toHaveLength(1);
  });

  it("mails when enough distinct users are affected", async () => {
    await addRule({ name: "users", triggers: { usersAffected: { minUsers: 3, windowMinutes: 60 } }, actions: [{ type: "email", to: ["users@example.com"] }] });
    for (const id of ["a", "b", "b", "c", "d"]) await send(typed("UsersError", { user: { id } }));
    await settle();
    const mails = mailsTo("users@example.com");
    expect(mails.map((m) => m.subject)).toEqual(["[my-project] Users affected: UsersError: boom"]);
    expect(mails[0]!.text).toMatch(/3 users affected in the last 60 min/);
  });

  it("applies environment, level and tag filters to the triggering event", async () => {
    await addRule({
      name: "billing prod", triggers: { newIssue: true },
      filters: { environments: ["production"], levels: ["error"], tags: ["team:billing"] },
      actions: [{ type: "email", to: ["billing@example.com"] }],
    });
    await send(typed("StagingError", { environment: "staging", tags: { team: "billing" } }));
    await send(typed("GrowthError", { environment: "production", tags: { team: "growth" } }));
    await send(typed("WarningOnly", { environment: "production", level: "warning", tags: { team: "billing" } }));
    await send(typed("BillingError", { environment: "production", tags: { team: "billing", component: "checkout" } }));
    await settle();
    expect(mailsTo("billing@example.com").map((m) => m.subject)).toEqual(["[my-project] New issue: BillingError: boom"]);
  });
});

describe("email alerts when the SMTP server is down", () => {
  it("retries with backoff and delivers once the server is back, exactly once", async () => {
    const port = await freePort();
    const t = await startTestServer({ smtpUrl: `smtp://127.0.0.1:${port}`, alertTo: "ops@example.com" });
    t.expectLog(/WARN  alert delivery failed, will retry/);
    const res = await fetch(`${t.url}/api/${t.projectId}/envelope/?sentry_key=${t.publicKey}`, { method: "POST", body: new Uint8Array(eventEnvelope(errorEvent())) });
    expect(res.status).toBe(200);
    const failed = await eventually(async () => {
      const rows = (await t.api("/api/0/projects/lighttrace/my-project/alert-deliveries/")).body;
      return rows[0]?.attempts >= 1 ? rows[0] : undefined;
    });
    expect(failed).toMatchObject({ status: "pending", trigger: "new_issue", lastError: expect.stringMatching(/connection refused/) });
    const smtp = await startTestSmtp(port);
    const mail = await eventually(async () => smtp.mails[0], 20_000);
    expect(mail.subject).toBe("[my-project] New issue: TypeError: x is undefined");
    const sent = (await t.api("/api/0/projects/lighttrace/my-project/alert-deliveries/")).body[0];
    expect(sent).toMatchObject({ status: "sent", lastError: null });
    expect(sent.attempts).toBeGreaterThanOrEqual(2);
    await new Promise((r) => setTimeout(r, 500));
    expect(smtp.mails).toHaveLength(1);
  });
});
