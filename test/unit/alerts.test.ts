import { describe, expect, it } from "vitest";
import { loadConfig } from "../../src/config.ts";
import { IssueRateCounters } from "../../src/alerts/rate-counters.ts";
import { DEFAULT_RULE, type AlertRule } from "../../src/alert-rules/rule-schema.ts";
import { decideTriggers, idempotencyKey, matchesFilters } from "../../src/alerts/rules.ts";
import { checkWebhookUrl, isPrivateAddress } from "../../src/alerts/url-policy.ts";
import { inAppFrames } from "../../src/alerts/message.ts";
import type { NormalizedEvent } from "../../src/events/types.ts";

const rule = (patch: Partial<AlertRule["definition"]>): AlertRule => ({
  id: 7, projectId: 1, name: "r", status: "active", isDefault: false, createdAtSec: 0, updatedAtSec: 0,
  definition: { ...DEFAULT_RULE.definition, triggers: { newIssue: false, regression: false, spike: null, usersAffected: null }, ...patch },
});
const facts = { environment: "production", level: "error", tags: [["team", "billing"], ["component", "checkout"]] as [string, string][] };
const inputs = (o: Partial<{ isNewIssue: boolean; isRegression: boolean; events: number; baselinePerWindow: number; users: number }>) => ({
  isNewIssue: o.isNewIssue ?? false, isRegression: o.isRegression ?? false,
  eventsInWindow: () => o.events ?? 0, baselineForWindow: () => o.baselinePerWindow ?? 0, usersInWindow: () => o.users ?? 0,
});

describe("alert rules", () => {
  it("fires a spike only above both the absolute floor and factor × the issue's own baseline", () => {
    const r = rule({ triggers: { newIssue: false, regression: false, spike: { windowMinutes: 10, minEvents: 50, factor: 4 }, usersAffected: null } });
    expect(decideTriggers(r, facts, inputs({ events: 49, baselinePerWindow: 0 }))).toEqual([]); // under the floor
    expect(decideTriggers(r, facts, inputs({ events: 60, baselinePerWindow: 20 }))).toEqual([]); // 3× a noisy baseline
    expect(decideTriggers(r, facts, inputs({ events: 80, baselinePerWindow: 20 }))).toEqual([
      { trigger: "spike", details: { eventsInWindow: 80, windowMinutes: 10, baseline: 20 } },
    ]);
  });

  it("fires new issue, regression and users affected as configured", () => {
    const r = rule({ triggers: { newIssue: true, regression: true, spike: null, usersAffected: { windowMinutes: 60, minUsers: 3 } } });
    expect(decideTriggers(r, facts, inputs({ isNewIssue: true })).map((f) => f.trigger)).toEqual(["new_issue"]);
    expect(decideTriggers(r, facts, inputs({ isRegression: true, users: 3 })).map((f) => f.trigger)).toEqual(["regression", "users_affected"]);
    expect(decideTriggers(r, facts, inputs({ users: 2 }))).toEqual([]);
  });

  it("matches environment, level and every tag filter", () => {
    const f = { environments: ["production"], levels: ["error" as const, "fatal" as const], tags: ["team:billing", "component:checkout"] };
    expect(matchesFilters(f, facts)).toBe(true);
    expect(matchesFilters(f, { ...facts, environment: "staging" })).toBe(false);
    expect(matchesFilters(f, { ...facts, level: "warning" })).toBe(false);
    expect(matchesFilters(f, { ...facts, tags: [["team", "billing"]] })).toBe(false);
    expect(matchesFilters({ environments: [], levels: [], tags: ["url:https://x.io/a:b"] }, { ...facts, tags: [["url", "https://x.io/a:b"]] })).toBe(true);
  });

  it("keys a new issue once per issue, other triggers once per cooldown window", () => {
    expect(idempotencyKey(5, 7, "new_issue", 1_000_000, 30, 0)).toBe("5:7:new_issue:0:0");
    expect(idempotencyKey(5, 7, "spike", 1_800_000, 30, 1)).toBe("5:7:spike:1000:1");
    expect(idempotencyKey(5, 7, "spike", 1_800_000 + 1799, 30, 1)).toBe("5:7:spike:1000:1");
    expect(idempotencyKey(5, 7, "spike", 1_800_000 + 1800, 30, 1)).toBe("5:7:spike:1001:1");
  });
});

describe("issue rate counters", () => {
  it("counts events per minute window and distinct users", () => {
    const c = new IssueRateCounters();
    const t0 = 1_700_000_000 - (1_700_000_000 % 60);
    for (let i = 0; i < 30; i++) c.record(1, t0 + i * 10, `u${i % 4}`, true); // 5 minutes, 4 users
    expect(c.eventsInWindow(1, t0 + 299, 5)).toBe(30);
    expect(c.eventsInWindow(1, t0 + 299, 1)).toBe(6);
    expect(c.eventsInWindow(1, t0 + 299 + 3600, 60)).toBe(0); // an hour later the slots are stale
    expect(c.usersInWindow(1, t0 + 299, 60)).toBe(4);
    expect(c.eventsInWindow(2, t0, 60)).toBe(0);
  });
});

describe("webhook URL policy", () => {
  it("knows private, loopback, link-local and mapped addresses", () => {
    for (const ip of ["127.0.0.1", "10.1.2.3", "172.16.0.1", "192.168.1.1", "169.254.169.254", "100.64.0.1", "0.0.0.0", "::1", "::", "fd00::1", "fe80::1", "::ffff:127.0.0.1", "::ffff:7f00:1", "64:ff9b::10.0.0.1",
      "::127.0.0.1", "::7f00:1", "::8.8.8.8", "64:ff9b::8.8.8.8", "64:ff9b:1::a00:1", "::ffff:0:127.0.0.1", "::ffff:0:8.8.8.8", "2002:808:808::1", "2001:0:4136:e378::1"]) {
      expect(isPrivateAddress(ip), ip).toBe(true);
    }
    for (const ip of ["93.184.216.34", "8.8.8.8", "2606:4700:4700::1111", "::ffff:8.8.8.8"]) expect(isPrivateAddress(ip), ip).toBe(false);
  });

  it("refuses local names and private literals unless allowed", () => {
    expect(() => checkWebhookUrl("http://localhost/x", false)).toThrow(/is local/);
    expect(() => checkWebhookUrl("http://metadata.google.internal/x", false)).toThrow(/is local/);
    expect(() => checkWebhookUrl("http://[fd00::1]/x", false)).toThrow(/private or loopback/);
    expect(() => checkWebhookUrl("file:///etc/passwd", true)).toThrow(/only http and https/);
    expect(checkWebhookUrl("https://hooks.slack.com/services/x", false).host).toBe("hooks.slack.com");
    expect(checkWebhookUrl("http://127.0.0.1:9/x", true).port).toBe("9");
  });
});

describe("alert config", () => {
  it("validates SMTP and alert settings from the environment", () => {
    const c = loadConfig({ LIGHTTRACE_SMTP_URL: "smtp://u:p@mail.example.com:587", LIGHTTRACE_ALERT_TO: "a@example.com, b@example.com", LIGHTTRACE_SMTP_TLS: "required" });
    expect(c).toMatchObject({ smtpUrl: "smtp://u:p@mail.example.com:587", alertTo: "a@example.com, b@example.com", smtpTls: "required", smtpTlsRejectUnauthorized: true });
    expect(() => loadConfig({ LIGHTTRACE_SMTP_URL: "mail.example.com" })).toThrow(/invalid smtpUrl \(LIGHTTRACE_SMTP_URL\)/);
    expect(() => loadConfig({ LIGHTTRACE_ALERT_TO: "a@example.com, nope" })).toThrow(/invalid alertTo \(LIGHTTRACE_ALERT_TO\): a comma-separated list/);
    expect(() => loadConfig({ LIGHTTRACE_SMTP_TLS: "maybe" })).toThrow(/invalid smtpTls/);
    expect(() => loadConfig({ LIGHTTRACE_BASE_URL: "errors.example.com" })).toThrow(/invalid baseUrl/);
  });
});

describe("alert message", () => {
  it("lists in-app frames most recent first, or all frames when none is in-app", () => {
    const ev = (inApp: boolean) => ({ exception: { values: [{ type: "E", stacktrace: { frames: [
      { function: "outer", in_app: inApp }, { function: "lib", in_app: false }, { function: "inner", in_app: inApp },
    ] } }] } }) as unknown as NormalizedEvent;
    expect(inAppFrames(ev(true), 5).map((f) => f.function)).toEqual(["inner", "outer"]);
    expect(inAppFrames(ev(false), 2).map((f) => f.function)).toEqual(["inner", "lib"]);
  });
});
