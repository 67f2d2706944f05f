import { describe, expect, it } from "vitest";
import { normalizeEvent, type NormalizeContext } from "../../src/events/normalize.ts";
import { computeEventTags, computeUserKey } from "../../src/events/tags.ts";

const RECEIVED = Date.parse("2026-11-28T12:00:00Z");
const ctx = (extra: Partial<NormalizeContext> = {}): NormalizeContext => ({ receivedAtMs: RECEIVED, newEventId: () => "a".repeat(32), ...extra });

describe("normalizeEvent", () => {
  it("reads timestamps as float seconds or ISO strings, zone-less meaning UTC", () => {
    expect(normalizeEvent({ timestamp: 1795867200.5 }, ctx()).timestamp).toBe(1795867200.5);
    expect(normalizeEvent({ timestamp: "2026-11-28T11:59:00" }, ctx()).timestamp).toBe(Date.parse("2026-11-28T11:59:00Z") / 1000);
    expect(normalizeEvent({ timestamp: "2026-11-28T13:59:00+02:00" }, ctx()).timestamp).toBe(Date.parse("2026-11-28T11:59:00Z") / 1000);
  });

  it("clamps future and ancient timestamps to the receive time and says so in errors[]", () => {
    const future = normalizeEvent({ timestamp: RECEIVED / 1000 + 600 }, ctx());
    expect(future.timestamp).toBe(RECEIVED / 1000);
    expect(future.errors).toEqual([{ type: "future_timestamp", name: "timestamp", value: RECEIVED / 1000 + 600 }]);
    const past = normalizeEvent({ timestamp: "2020-01-01T00:00:00Z" }, ctx());
    expect(past.timestamp).toBe(RECEIVED / 1000);
    expect(past.errors?.[0]?.type).toBe("past_timestamp");
  });

  it("shifts all times by the clock drift when sent_at is off by 55 minutes or more", () => {
    const sentAt = RECEIVED / 1000 - 2 * 3600; // client clock 2 h behind
    const ev = normalizeEvent({ timestamp: sentAt - 1, breadcrumbs: [{ timestamp: sentAt - 10, message: "m" }] }, ctx({ sentAtSec: sentAt }));
    expect(ev.timestamp).toBe(RECEIVED / 1000 - 1);
    expect(ev.breadcrumbs!.values[0]!.timestamp).toBe(RECEIVED / 1000 - 10);
    const small = normalizeEvent({ timestamp: RECEIVED / 1000 - 30 }, ctx({ sentAtSec: RECEIVED / 1000 - 20 }));
    expect(small.timestamp).toBe(RECEIVED / 1000 - 30);
  });

  it("keeps a fingerprint of strings, numbers and booleans, and drops one holding objects (found by the fuzz test)", () => {
    expect(normalizeEvent({ fingerprint: ["{{ default }}", 42, true, null] }, ctx()).fingerprint).toEqual(["{{ default }}", "42", "true"]);
    expect(normalizeEvent({ fingerprint: ["a", { toString: false }] }, ctx()).fingerprint).toBeUndefined();
    expect(normalizeEvent({ fingerprint: [["nested"]] }, ctx()).fingerprint).toBeUndefined();
  });

  it("lets the envelope event_id win and normalises dashed ids", () => {
    expect(normalizeEvent({ event_id: "b".repeat(32) }, ctx({ envelopeEventId: "C".repeat(8) + "-" + "c".repeat(4) + "-" + "c".repeat(4) + "-" + "c".repeat(4) + "-" + "c".repeat(12) })).event_id).toBe("c".repeat(32));
    expect(normalizeEvent({}, ctx()).event_id).toBe("a".repeat(32));
  });

  it("maps lenient levels and defaults environment and platform", () => {
    const ev = normalizeEvent({ level: "warn" }, ctx());
    expect([ev.level, ev.environment, ev.platform]).toEqual(["warning", "production", "other"]);
    expect(normalizeEvent({ level: "critical" }, ctx()).level).toBe("fatal");
    expect(normalizeEvent({ level: "bogus" }, ctx()).level).toBe("error");
  });

  it("accepts tags as an object or pairs, and records unusable ones", () => {
    expect(normalizeEvent({ tags: { a: "1", n: 2, b: true } }, ctx()).tags).toEqual([["a", "1"], ["n", "2"], ["b", "true"]]);
    const ev = normalizeEvent({ tags: [["team", "billing"], ["bad", "x".repeat(201)], ["", "y"]] }, ctx());
    expect(ev.tags).toEqual([["team", "billing"]]);
    expect(ev.errors?.map((e) => e.name)).toEqual(["tags.bad", "tags."]);
  });

  it("replaces {{auto}} IPs with the client address unless inference is off", () => {
    const auto = normalizeEvent({ user: { id: "1", ip_address: "{{auto}}" } }, ctx({ clientIp: "203.0.113.9" }));
    expect(auto.user).toEqual({ id: "1", ip_address: "203.0.113.9" });
    const never = normalizeEvent({ user: { ip_address: "{{auto}}" }, sdk: { settings: { infer_ip: "never" } } }, ctx({ clientIp: "203.0.113.9" }));
    expect(never.user).toBeUndefined();
  });

  it("normalises request headers, query strings and cookies into pairs", () => {
    const ev = normalizeEvent({ request: { method: "post", url: "https://x.test/a", headers: { Accept: "json" }, query_string: "a=1&b=two%20words", cookies: "s=1; t=2" } }, ctx());
    expect(ev.request).toMatchObject({ method: "POST", headers: [["Accept", "json"]], query_string: [["a", "1"], ["b", "two words"]], cookies: [["s", "1"], ["t", "2"]] });
  });

  it("drops exception values that have neither type, value nor frames, and rejects non-objects", () => {
    const ev = normalizeEvent({ exception: { values: [{}, { type: "E" }] } }, ctx());
    expect(ev.exception?.values).toEqual([{ type: "E" }]);
    expect(() => normalizeEvent([1, 2], ctx())).toThrowError("event payload must be a JSON object");
  });
});

describe("derived tags and users", () => {
  it("derives browser and os from the User-Agent, as Sentry does for browser events", () => {
    const ev = normalizeEvent({
      platform: "javascript",
      request: { headers: { "User-Agent": "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0.6099.71 Safari/537.36" } },
      user: { email: "a@b.c" },
      tags: { level: "spoofed", team: "web" },
    }, ctx());
    const tags = Object.fromEntries(computeEventTags(ev, computeUserKey(ev)));
    expect(tags).toMatchObject({ browser: "Chrome 120.0.6099.71", "browser.name": "Chrome", os: "Windows 10.0", user: "email:a@b.c", team: "web", level: "error" });
  });

  it("identifies users by id, then email, then ip, then username", () => {
    const key = (user: unknown) => computeUserKey(normalizeEvent({ user }, ctx()));
    expect(key({ id: 7, email: "x@y.z" })).toBe("id:7");
    expect(key({ email: "x@y.z", ip_address: "1.2.3.4" })).toBe("email:x@y.z");
    expect(key({ ip_address: "1.2.3.4" })).toBe("ip:1.2.3.4");
    expect(key({ username: "neo" })).toBe("username:neo");
    expect(key(undefined)).toBeUndefined();
  });
});
