import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { errorEvent, eventEnvelope } from "../_helpers/envelopes.ts";
import { eventually } from "../_helpers/sdk.ts";
import { startTestServer, type TestServer } from "../_helpers/server.ts";
import { startTestSmtp, type TestSmtp } from "../_helpers/smtp.ts";

describe("alert noise control: hourly cap, digests, cooldown", () => {
  let t: TestServer;
  let smtp: TestSmtp;
  let offsetMs = 0;
  const clock = { now: () => Date.now() + offsetMs };
  const send = async (type: string, overrides: Record<string, unknown> = {}) => {
    const ev = errorEvent({ exception: { values: [{ type, value: "boom", stacktrace: { frames: [{ filename: `/srv/${type}.js`, function: "f", in_app: true }] } }] }, ...overrides });
    const res = await fetch(`${t.url}/api/${t.projectId}/envelope/?sentry_key=${t.publicKey}`, { method: "POST", body: new Uint8Array(eventEnvelope(ev)) });
    expect(res.status).toBe(200);
    await res.arrayBuffer();
  };
  const settle = async () => {
    await t.server.alerts.idle();
    await smtp.parsed();
  };
  const subjects = () => smtp.mails.map((m) => m.subject).sort();

  beforeAll(async () => {
    smtp = await startTestSmtp();
    t = await startTestServer({ smtpUrl: smtp.url, alertTo: "ops@example.com", alertHourlyCap: 2, alertDigestHour: 0 }, clock);
  });
  afterAll(async () => {
    await t?.close();
    await smtp?.close();
  });

  it("sends at most the hourly cap per action and collapses the excess into one digest once the hour allows", async () => {
    for (const type of ["ErrA", "ErrB", "ErrC", "ErrD", "ErrE"]) await send(type);
    await settle();
    expect(smtp.mails).toHaveLength(2);
    const held = (await t.api("/api/0/projects/lighttrace/my-project/alert-deliveries/")).body.filter((d: { status: string }) => d.status === "held");
    expect(held).toHaveLength(3);
    expect(held[0].lastError).toBe("hourly limit of 2 reached; goes out in the next digest");

    offsetMs += 61 * 60_000; // the hour is over
    await t.server.alerts.tick();
    await settle();
    expect(smtp.mails).toHaveLength(3);
    const digest = smtp.mails[2]!;
    expect(digest.subject).toBe("[my-project] Digest: 3 more alerts (hourly limit reached)");
    for (const type of ["ErrC", "ErrD", "ErrE"]) expect(digest.text).toContain(`- New issue: ${type}: boom (1 events, 0 users) `);
    const rows = (await t.api("/api/0/projects/lighttrace/my-project/alert-deliveries/")).body;
    expect(rows.filter((d: { status: string }) => d.status === "collapsed")).toHaveLength(3);
    // another tick does not send it again
    await t.server.alerts.tick();
    await settle();
    expect(smtp.mails).toHaveLength(3);
  });

  it("keeps a repeated regression within the cooldown quiet, and alerts again after it", async () => {
    offsetMs += 61 * 60_000;
    const before = smtp.mails.length;
    const issue = (await t.api("/api/0/projects/lighttrace/my-project/issues/?query=ErrA")).body[0];
    const regress = async () => {
      expect((await t.api(`/api/0/issues/${issue.id}/`, { method: "PUT", body: JSON.stringify({ status: "resolved" }) })).status).toBe(200);
      await send("ErrA");
      await settle();
    };
    await regress();
    expect(smtp.mails.length).toBe(before + 1);
    expect(smtp.mails.at(-1)!.subject).toBe("[my-project] Regression: ErrA: boom");
    await regress(); // 0 minutes later: inside the 30-minute cooldown
    expect(smtp.mails.length).toBe(before + 1);
    offsetMs += 31 * 60_000;
    await regress();
    expect(smtp.mails.length).toBe(before + 2);
  });

  it("sends a daily digest of new and regressed issues once per day", async () => {
    const rule = { name: "daily", dailyDigest: true, triggers: {}, actions: [{ type: "email", to: ["digest@example.com"] }] };
    expect((await t.api("/api/0/projects/lighttrace/my-project/rules/", { method: "POST", body: JSON.stringify(rule) })).status).toBe(201);
    await t.server.alerts.tick();
    await settle();
    const daily = await eventually(async () => smtp.mails.find((m) => m.subject?.startsWith("[my-project] Daily digest")));
    expect(daily.subject).toBe("[my-project] Daily digest: 4 new, 1 regressed");
    expect(daily.text).toContain("- Regression: ErrA: boom");
    expect(daily.text).toContain("- New issue: ErrE: boom");
    await t.server.alerts.tick();
    await settle();
    expect(subjects().filter((s) => s?.startsWith("[my-project] Daily digest"))).toHaveLength(1);
  });
});
