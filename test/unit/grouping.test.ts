import { describe, expect, it } from "vitest";
import { normalizeEvent } from "../../src/events/normalize.ts";
import type { NormalizedEvent } from "../../src/events/types.ts";
import { computeGrouping as computeGroupingWith, DEFAULT_GROUPING_CONFIG } from "../../src/grouping/mechanisms.ts";
import { parameterizeText } from "../../src/grouping/parameterize.ts";
import { computeLegacyV1Key } from "../../src/grouping/legacy-lt-v1.ts";
import { computeCulprit, computeTitle } from "../../src/events/title.ts";
import { fixtureEventPayload, readFixture } from "../_helpers/fixtures.ts";

const computeGrouping = (ev: NormalizedEvent) => computeGroupingWith(ev, DEFAULT_GROUPING_CONFIG);
const normalize = (raw: unknown): NormalizedEvent => normalizeEvent(raw, { receivedAtMs: Date.parse("2026-11-28T04:10:06Z"), newEventId: () => "f".repeat(32) });

describe("default grouping on real SDK captures", () => {
  it("@sentry/node: in-app frames by module, function and context line", () => {
    const ev = normalize(fixtureEventPayload("node-error-envelope.txt"));
    expect(computeGrouping(ev).key).toBe([
      "exception (in-app frames)",
      "SyntaxError",
      '  app | - | try { parseConfig("{not json"); } catch (e) { Sentry.captureException(e); }',
      "  app | parseConfig | function parseConfig(s) { return JSON.parse(s); }",
    ].join("\n"));
    expect(computeTitle(ev)).toBe("SyntaxError: Expected property name or '}' in JSON at position 1 (line 1 column 2)");
    expect(computeCulprit(ev)).toBe("parseConfig(app)");
  });

  it("@sentry/browser: URL file names and <anonymous> frames do not contribute", () => {
    const ev = normalize(fixtureEventPayload("browser-error-envelope.txt"));
    expect(computeGrouping(ev).key).toBe("exception (in-app frames)\nSyntaxError\n  - | doBoom | -");
    expect(computeCulprit(ev)).toBe("window.doBoom(http://127.0.0.1:3994/app.min.js)");
  });

  it("python sentry_sdk: module, function and context line; culprit 'module in function'", () => {
    const ev = normalize(JSON.parse(readFixture("python-error-store-body.json").toString()));
    const key = computeGrouping(ev).key.split("\n");
    expect(key[1]).toBe("JSONDecodeError");
    expect(key[3]).toBe("  __main__ | parse | return json.loads(s)");
    expect(computeCulprit(ev)).toBe("json.decoder in raw_decode");
  });

  it("ignores line numbers, so an edit above the throw keeps the issue", () => {
    const base = fixtureEventPayload("node-error-envelope.txt") as any;
    const moved = structuredClone(base);
    for (const f of moved.exception.values[0].stacktrace.frames) if (f.lineno) f.lineno += 40;
    expect(computeGrouping(normalize(moved)).hash).toBe(computeGrouping(normalize(base)).hash);
  });

  it("falls back to all frames, then to type and normalised value", () => {
    const systemOnly = normalize({ exception: { values: [{ type: "Error", value: "x", stacktrace: { frames: [{ module: "lib", function: "run", in_app: false }] } }] }, platform: "node" });
    expect(computeGrouping(systemOnly).key).toBe("exception (all frames)\nError\n  lib | run | -");
    const noFrames = normalize({ exception: { values: [{ type: "TimeoutError", value: "request 42 to 10.1.2.3 timed out after 30 s" }] } });
    expect(computeGrouping(noFrames).key).toBe("exception (no frames)\nTimeoutError: request <int> to <ip> timed out after <duration>");
  });

  it("collapses recursion and keeps chained exceptions in order", () => {
    const frame = { module: "walk", function: "visit", in_app: true };
    const ev = normalize({
      platform: "python",
      exception: { values: [
        { type: "KeyError", value: "'id'", stacktrace: { frames: [frame, frame, frame] } },
        { type: "ValueError", value: "bad tree", stacktrace: { frames: [{ module: "app", function: "load", in_app: true }] } },
      ] },
    });
    expect(computeGrouping(ev).key).toBe("exception (in-app frames)\nKeyError\n  walk | visit | -\nValueError\n  app | load | -");
  });

  it("groups message events by their template with parameters masked", () => {
    const a = normalize({ logentry: { message: "user %s failed login", params: ["alice"] } });
    const b = normalize({ logentry: { message: "user %s failed login", params: ["bob"] } });
    expect(computeGrouping(a).hash).toBe(computeGrouping(b).hash);
    expect(computeTitle(a)).toBe("user alice failed login");
    const c = normalize({ message: "payment 1234 declined for bob@example.com" });
    expect(computeGrouping(c).key).toBe("message\npayment <int> declined for <email>");
  });

  it("turns the JS SDK's synthetic captureMessage exception into a message event", () => {
    const ev = normalize({
      message: "hello from captureMessage",
      level: "warning",
      platform: "node",
      exception: { values: [{ value: "hello from captureMessage", stacktrace: { frames: [{ module: "app", function: "?", in_app: true }] }, mechanism: { type: "generic", handled: true, synthetic: true } }] },
    });
    expect(ev.type).toBe("default");
    expect(ev.exception).toBeUndefined();
    expect(ev.stacktrace?.frames).toHaveLength(1);
    expect(computeGrouping(ev).key).toBe("message\nhello from captureMessage");
    expect(computeTitle(ev)).toBe("hello from captureMessage");
  });
});

describe("SDK fingerprints", () => {
  const ev = normalize({
    platform: "node",
    transaction: "GET /orders",
    tags: { team: "billing" },
    exception: { values: [{ type: "DbError", value: "deadlock", stacktrace: { frames: [{ module: "db", function: "query", in_app: true }] } }] },
  });

  it("replace the default grouping, with {{ default }} expanding to it", () => {
    expect(computeGrouping({ ...ev, fingerprint: ["database-deadlock"] }).key).toBe("fingerprint\ndatabase-deadlock");
    expect(computeGrouping({ ...ev, fingerprint: ["{{ default }}", "eu"] }).key).toBe(
      "fingerprint\nexception (in-app frames)\nDbError\n  db | query | -\neu",
    );
  });

  it("resolve Sentry's variables", () => {
    const fp = ["{{ type }}", "{{ transaction }}", "{{ tags.team }}", "{{ function }}", "{{ level }}", "{{tags.missing}}"];
    expect(computeGrouping({ ...ev, fingerprint: fp }).key).toBe(
      "fingerprint\nDbError\nGET /orders\nbilling\nquery\nerror\n<no-value-for-tag-missing>",
    );
  });
});

describe("parameterizeText", () => {
  it.each([
    ["connect to 192.168.0.12:5432 failed", "connect to <ip>:<int> failed"],
    ["order 7f1d6c1e-2b9f-4c3b-9f5e-3a2b1c0d9e8f not found", "order <uuid> not found"],
    ["took 1.25 s at 2026-11-28T04:10:05Z", "took <duration> at <date>"],
    ["fetch https://api.example.com/v1/users?id=3 failed", "fetch <url> failed"],
    ["pointer 0xdeadbeef", "pointer <hex>"],
    ["ratio 0.75 of 12", "ratio <float> of <int>"],
    ["flag enabled=true name='x'", "flag enabled=<bool> name=<quoted_str>"],
  ])("%s", (input, expected) => {
    expect(parameterizeText(input)).toBe(expected);
  });
});

describe("lt-v1 fallback keys", () => {
  it("are remembered per stack content: the same stack gives the same key, a changed frame or in-app flag its own", () => {
    const ev = () => normalize(fixtureEventPayload("node-error-envelope.txt"));
    const first = computeLegacyV1Key(ev());
    expect(first).toBe([
      "exception (in-app frames)",
      "SyntaxError",
      '  app | - | try { parseConfig("{not json"); } catch (e) { Sentry.captureException(e); }',
      "  app | parseConfig | function parseConfig(s) { return JSON.parse(s); }",
    ].join("\n"));
    expect(computeLegacyV1Key(ev())).toBe(first);
    const renamed = ev();
    const frames = renamed.exception!.values![0]!.stacktrace!.frames;
    frames.find((f) => f.function === "parseConfig")!.function = "parseSettings";
    expect(computeLegacyV1Key(renamed)).toBe(first.replace("| parseConfig |", "| parseSettings |"));
    const noneInApp = ev();
    for (const f of noneInApp.exception!.values![0]!.stacktrace!.frames) f.in_app = false;
    expect(computeLegacyV1Key(noneInApp)).toMatch(/^exception \(all frames\)\nSyntaxError\n/);
    expect(computeLegacyV1Key(ev())).toBe(first);
  });
});
