import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { errorEvent, eventEnvelope } from "../_helpers/envelopes.ts";
import { eventually } from "../_helpers/sdk.ts";
import { startTestServer, type TestServer } from "../_helpers/server.ts";
import { startTestSmtp, type TestSmtp } from "../_helpers/smtp.ts";

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
    await new Promise((r) => setTimeout(r, 150)); // mailparser finishes after the SMTP answer
  };

  beforeAll(async () => {
    smtp = await startTestSmtp();
    t = await startTestServer({ smtpUrl: smtp.url, smtpFrom: "LightTrace <alerts@example.com>", alertTo: "ops@example.com, oncall@example.com", baseUrl: "https://errors.example.com" });
  });
  afterAll(async () => {
    await t?.close();
    await smtp?.close();
  });

  it("mails a new issue once, with subject and body facts, to LIGHTTRACE_ALERT_TO", async () => {
    await send(checkoutError());
    const mail = await eventually(async () => smtp.mails[0]);
    expect(mail.subject).toBe("[my-project] New issue: TypeError: Cannot read properties of undefined (reading 'orderId')");
    expect(mail.from?.text).toBe('"LightTrace" <alerts@example.com>');
    expect((Array.isArray(mail.to) ? mail.to : [mail.to]).flatMap((a) => a!.value.map((v) => v.address)).sort()).toEqual(["oncall@example.com", "ops@example.com"]);
    const issue = (await t.api("/api/0/projects/lighttrace/my-project/issues/")).body[0];
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

    // the same issue again: no mail
    await send(checkoutError());
    await send(checkoutError());
    await settle();
    expect(smtp.mails).toHaveLength(1);
  });

  it("mails a regression when a resolved issue happens again, even right after the new-issue mail", async () => {
    const issue = (await t.api("/api/0/projects/lighttrace/my-project/issues/")).body[0];
    expect((await t.api(`/api/0/issues/${issue.id}/`, { method: "PUT", body: JSON.stringify({ status: "resolved" }) })).status).toBe(200);
    await send(checkoutError());
    const mail = await eventually(async () => smtp.mails[1]);
    expect(mail.subject).toBe("[my-project] Regression: TypeError: Cannot read properties of undefined (reading 'orderId')");
    expect(mail.text).toContain("this issue was resolved and happened again");
    await settle();
    expect(smtp.mails).toHaveLength(2);
  });
});
