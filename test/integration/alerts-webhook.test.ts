import { createServer, type IncomingMessage, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { hostname } from "node:os";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { postWebhook } from "../../src/alerts/channels/webhook.ts";
import { errorEvent, eventEnvelope } from "../_helpers/envelopes.ts";
import { eventually } from "../_helpers/sdk.ts";
import { startTestServer, type TestServer } from "../_helpers/server.ts";

interface Received { path: string; headers: IncomingMessage["headers"]; body: any }

/** A real local HTTP receiver: /json and /slack answer 200, /moved redirects, /broken is 500, /hang never answers. */
async function startReceiver(): Promise<{ server: Server; url: string; received: Received[] }> {
  const received: Received[] = [];
  const server = createServer((req, res) => {
    let text = "";
    req.on("data", (c) => (text += c));
    req.on("end", () => {
      received.push({ path: req.url!, headers: req.headers, body: text ? JSON.parse(text) : null });
      if (req.url === "/moved") res.writeHead(302, { Location: "http://169.254.169.254/latest/meta-data" }).end();
      else if (req.url === "/broken") res.writeHead(500).end("database down");
      else if (req.url === "/hang") return; // never answers
      else res.writeHead(200).end("ok");
    });
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", () => r()));
  return { server, url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, received };
}

describe("webhook alerts", () => {
  let t: TestServer;
  let rx: Awaited<ReturnType<typeof startReceiver>>;
  beforeAll(async () => {
    rx = await startReceiver();
    // the receiver is on loopback: tests allow private targets explicitly
    t = await startTestServer({ alertAllowPrivateWebhooks: true, alertWebhookTimeoutMs: 500, baseUrl: "https://errors.example.com" });
  });
  afterAll(async () => {
    await t?.close();
    rx.server.closeAllConnections();
    await new Promise((r) => rx.server.close(r));
  });

  it("POSTs the generic JSON and a Slack-compatible payload; refuses redirects; retries errors and timeouts", async () => {
    const rule = {
      name: "hooks", triggers: { newIssue: true },
      actions: ["json", "slack", "moved", "broken", "hang"].map((p) => ({ type: "webhook", url: `${rx.url}/${p}`, format: p === "slack" ? "slack" : "json" })),
    };
    expect((await t.api("/api/0/projects/lighttrace/my-project/rules/", { method: "POST", body: JSON.stringify(rule) })).status).toBe(201);
    t.expectLog(/WARN  alert delivery failed for good .*redirects are not followed/);
    // the failing and hanging hooks are retried in the background for the rest of this file
    t.tolerateLog(/WARN  alert delivery failed, will retry .*error="(webhook answered HTTP 500: database down|no answer within 500 ms)"/);
    const ev = errorEvent({ release: "api@2.0.0", environment: "production", tags: { team: "billing" } });
    const res = await fetch(`${t.url}/api/${t.projectId}/envelope/?sentry_key=${t.publicKey}`, { method: "POST", body: new Uint8Array(eventEnvelope(ev)) });
    expect(res.status).toBe(200);

    const json = await eventually(async () => rx.received.find((r) => r.path === "/json"));
    const issueId = json.body.issue.id;
    expect(json.headers["content-type"]).toBe("application/json");
    expect(json.headers["idempotency-key"]).toBe(`${issueId}:${json.body.idempotencyKey.split(":")[1]}:new_issue:0:0`);
    expect(json.body).toMatchObject({
      trigger: "new_issue",
      text: "[my-project] New issue: TypeError: x is undefined",
      project: { slug: "my-project" },
      issue: { title: "TypeError: x is undefined", count: 1, url: `https://errors.example.com/issues/${issueId}/` },
      event: { eventId: ev.event_id, release: "api@2.0.0", environment: "production", tags: expect.arrayContaining([["team", "billing"]]) },
    });
    const slack = await eventually(async () => rx.received.find((r) => r.path === "/slack"));
    expect(Object.keys(slack.body)).toEqual(["text"]);
    expect(slack.body.text).toMatch(new RegExp(`^\\*\\[my-project\\] New issue:\\* <https://errors\\.example\\.com/issues/${issueId}/\\|TypeError: x is undefined>\\n`));
    expect(slack.body.text).toContain("Release: api@2.0.0");

    const deliveries = async () => (await t.api("/api/0/projects/lighttrace/my-project/alert-deliveries/")).body as any[];
    const byUrl = async (p: string) => (await deliveries()).find((d) => d.action.url === `${rx.url}/${p}`);
    await eventually(async () => ((await byUrl("hang"))?.attempts >= 1 ? true : undefined));
    expect(await byUrl("json")).toMatchObject({ status: "sent", attempts: 1 });
    expect(await byUrl("slack")).toMatchObject({ status: "sent" });
    expect(await byUrl("moved")).toMatchObject({ status: "failed", lastError: expect.stringMatching(/redirect \(HTTP 302 to http:\/\/169\.254\.169\.254\/latest\/meta-data\); redirects are not followed/) });
    expect(await byUrl("broken")).toMatchObject({ status: "pending", lastError: "webhook answered HTTP 500: database down" });
    expect(await byUrl("hang")).toMatchObject({ status: "pending", lastError: "no answer within 500 ms" });
    // the redirect target was never contacted, and each 2xx endpoint got exactly one request
    expect(rx.received.filter((r) => r.path === "/json")).toHaveLength(1);
    expect(rx.received.every((r) => !r.path.includes("meta-data"))).toBe(true);
  });

  it("refuses, at send time, a host that resolves to a loopback or private address", async () => {
    const before = rx.received.length;
    const port = new URL(rx.url).port;
    await expect(postWebhook(`http://${hostname()}:${port}/json`, "{}", { timeoutMs: 1000, allowPrivate: false, idempotencyKey: "k" }))
      .rejects.toThrow(/resolves to .*a private or loopback address/);
    await expect(postWebhook(`http://127.0.0.1:${port}/json`, "{}", { timeoutMs: 1000, allowPrivate: false, idempotencyKey: "k" }))
      .rejects.toThrow(/private or loopback/);
    await expect(postWebhook(`http://[::ffff:127.0.0.1]:${port}/json`, "{}", { timeoutMs: 1000, allowPrivate: false, idempotencyKey: "k" }))
      .rejects.toThrow(/private or loopback/);
    expect(rx.received.length).toBe(before);
    // allowed explicitly, the same target works
    await expect(postWebhook(`http://${hostname()}:${port}/json`, "{}", { timeoutMs: 1000, allowPrivate: true, idempotencyKey: "k" })).resolves.toBe("HTTP 200");
  });

  it("does not hold email alerts behind a webhook that is slow to answer", async () => {
    const smtpMod = await import("../_helpers/smtp.ts");
    const smtp = await smtpMod.startTestSmtp();
    let release!: () => void;
    const released = new Promise<void>((r) => (release = r));
    const slow = createServer((req, res) => {
      req.resume();
      void released.then(() => res.writeHead(200).end("ok"));
    });
    await new Promise<void>((r) => slow.listen(0, "127.0.0.1", () => r()));
    const s = await startTestServer({ smtpUrl: smtp.url, alertTo: "ops@example.com", alertAllowPrivateWebhooks: true, alertWebhookTimeoutMs: 60_000 });
    try {
      const rule = { name: "slow hook", triggers: { newIssue: true }, actions: [{ type: "webhook", url: `http://127.0.0.1:${(slow.address() as AddressInfo).port}/` }] };
      expect((await s.api("/api/0/projects/lighttrace/my-project/rules/", { method: "POST", body: JSON.stringify(rule) })).status).toBe(201);
      for (const type of ["SlowA", "SlowB"]) {
        const ev = errorEvent({ exception: { values: [{ type, value: "x", stacktrace: { frames: [{ function: type, filename: `/srv/${type}.js`, in_app: true }] } }] } });
        const res = await fetch(`${s.url}/api/${s.projectId}/envelope/?sentry_key=${s.publicKey}`, { method: "POST", body: new Uint8Array(eventEnvelope(ev)) });
        expect(res.status).toBe(200);
      }
      // both emails arrive while the webhook still has not answered
      await eventually(async () => (smtp.mails.length >= 2 ? true : undefined));
      await smtp.parsed();
      expect(smtp.mails.map((m) => m.subject).sort()).toEqual(["[my-project] New issue: SlowA: x", "[my-project] New issue: SlowB: x"]);
      const hook = (await s.api("/api/0/projects/lighttrace/my-project/alert-deliveries/")).body.filter((d: any) => d.action.type === "webhook");
      expect(hook.map((d: any) => d.status)).toEqual(["pending", "pending"]);
      release();
      await s.server.alerts.idle();
      const after = (await s.api("/api/0/projects/lighttrace/my-project/alert-deliveries/")).body;
      expect(after.map((d: any) => d.status)).toEqual(["sent", "sent", "sent", "sent"]);
    } finally {
      release();
      await s.close();
      slow.closeAllConnections();
      await new Promise((r) => slow.close(r));
      await smtp.close();
    }
  });
});
