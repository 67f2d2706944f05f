import fc from "fast-check";
import { describe, expect, it, vi } from "vitest";
import { EnvelopeParser } from "../../src/ingest/envelope.ts";
import { HTTPError } from "h3";
import { InvalidEventError, normalizeEvent } from "../../src/events/normalize.ts";
import { prepareEvent } from "../../src/process/prepare-event.ts";
import { DEFAULT_GROUPING_CONFIG } from "../../src/grouping/mechanisms.ts";
import { scrubEvent } from "../../src/events/scrub.ts";
import { parseIssueQuery, QuerySyntaxError } from "../../src/api/query.ts";
import { getQueryFilter, setQueryFilter, tokenizeQuery } from "../../ui/lib/search-query.ts";
import { parseClientReport } from "../../src/ingest/client-report.ts";

/**
 * Property-based fuzzing (fast-check) of the parsers that take untrusted input. Bounded: each
 * property runs at most FUZZ_RUNS cases or FUZZ_MS milliseconds, whichever comes first, so CI time
 * stays fixed; `FUZZ_RUNS=100000 FUZZ_MS=600000 npx vitest run test/fuzz` fuzzes for longer. A
 * failure prints the seed and the shrunk input: add it to the regression list of its parser.
 */
const RUNS = Number(process.env.FUZZ_RUNS ?? 400);
const MS = Number(process.env.FUZZ_MS ?? 4_000);
const params = { numRuns: RUNS, interruptAfterTimeLimit: MS, markInterruptAsFailure: false };
vi.setConfig({ testTimeout: MS + 20_000 });

/** Splits bytes into chunks at arbitrary points, as a socket would deliver them. */
function feed(body: Uint8Array, cuts: number[]): ReturnType<EnvelopeParser["end"]> {
  const parser = new EnvelopeParser((type) => (type === "event" ? 1 << 20 : type === "client_report" ? 4096 : 0));
  let pos = 0;
  for (const cut of [...new Set(cuts.map((c) => c % (body.length + 1)))].sort((a, b) => a - b)) {
    parser.push(Buffer.from(body.subarray(pos, cut)));
    pos = cut;
  }
  parser.push(Buffer.from(body.subarray(pos)));
  return parser.end();
}

const jsonObject = fc.dictionary(fc.string({ maxLength: 12 }), fc.jsonValue({ maxDepth: 3 }), { maxKeys: 6 });
const itemArb = fc.record({
  type: fc.constantFrom("event", "session", "attachment", "client_report", "weird type"),
  payload: fc.oneof(fc.json({ maxDepth: 2 }).map((s) => s.replace(/\n/g, " ")), fc.uint8Array({ maxLength: 200 }).map((b) => Buffer.from(b).toString("latin1"))),
  withLength: fc.boolean(),
});

describe("fuzz: envelope parser", () => {
  it("turns any bytes into an envelope or a 400/413, never another error", () => {
    fc.assert(fc.property(fc.uint8Array({ maxLength: 600 }), fc.array(fc.nat(), { maxLength: 5 }), (bytes, cuts) => {
      try {
        feed(bytes, cuts);
      } catch (err) {
        if (!(err instanceof HTTPError) || (err.status !== 400 && err.status !== 413)) throw err;
      }
    }), params);
  });

  it("parses well-formed envelopes the same way however the body is chunked", () => {
    fc.assert(fc.property(jsonObject, fc.array(itemArb, { maxLength: 4 }), fc.array(fc.nat(), { maxLength: 6 }), (headers, items, cuts) => {
      // an item without length ends at the next newline, so its payload must not contain one
      const parts = [JSON.stringify(headers)];
      for (const item of items) {
        const payload = Buffer.from(item.withLength ? item.payload : item.payload.replace(/\n/g, ""), "latin1");
        parts.push(JSON.stringify(item.withLength ? { type: item.type, length: payload.length } : { type: item.type }), payload.toString("latin1"));
      }
      const body = Buffer.from(parts.join("\n"), "latin1");
      let whole;
      try {
        whole = feed(body, []);
      } catch (err) {
        if (err instanceof HTTPError && (err.status === 400 || err.status === 413)) return; // e.g. an item payload of "" without length
        throw err;
      }
      const chunked = feed(body, cuts);
      expect(chunked.items.map((i) => [i.type, i.length, i.payload?.toString("latin1")])).toEqual(whole.items.map((i) => [i.type, i.length, i.payload?.toString("latin1")]));
      expect(whole.items.map((i) => i.type)).toEqual(items.map((i) => i.type));
    }), params);
  });
});

/** Values shaped like Sentry events: the right keys with arbitrary (often wrong) types. */
const eventLike = fc.record({
  event_id: fc.oneof(fc.uuid().map((u) => u.replace(/-/g, "")), fc.jsonValue({ maxDepth: 1 })),
  timestamp: fc.oneof(fc.double(), fc.string(), fc.integer(), fc.constant(null)),
  level: fc.oneof(fc.constantFrom("error", "warning", "fatal", "info", "debug"), fc.jsonValue({ maxDepth: 1 })),
  message: fc.oneof(fc.string(), fc.jsonValue({ maxDepth: 2 })),
  logentry: fc.jsonValue({ maxDepth: 3 }),
  exception: fc.oneof(
    fc.record({ values: fc.array(fc.record({ type: fc.jsonValue({ maxDepth: 1 }), value: fc.jsonValue({ maxDepth: 1 }), stacktrace: fc.record({ frames: fc.array(jsonObject, { maxLength: 4 }) }, { requiredKeys: [] }), mechanism: fc.jsonValue({ maxDepth: 2 }) }, { requiredKeys: [] }), { maxLength: 3 }) }),
    fc.jsonValue({ maxDepth: 3 })),
  breadcrumbs: fc.oneof(fc.array(jsonObject, { maxLength: 4 }), fc.jsonValue({ maxDepth: 3 })),
  request: fc.oneof(fc.record({ url: fc.string(), headers: fc.jsonValue({ maxDepth: 2 }), cookies: fc.jsonValue({ maxDepth: 2 }), query_string: fc.jsonValue({ maxDepth: 2 }), data: fc.jsonValue({ maxDepth: 3 }) }, { requiredKeys: [] }), fc.jsonValue({ maxDepth: 2 })),
  tags: fc.jsonValue({ maxDepth: 2 }),
  user: fc.jsonValue({ maxDepth: 2 }),
  contexts: fc.jsonValue({ maxDepth: 3 }),
  extra: fc.jsonValue({ maxDepth: 3 }),
  fingerprint: fc.jsonValue({ maxDepth: 2 }),
  release: fc.jsonValue({ maxDepth: 1 }),
  environment: fc.jsonValue({ maxDepth: 1 }),
  platform: fc.jsonValue({ maxDepth: 1 }),
}, { requiredKeys: [] });

describe("fuzz: event normaliser", () => {
  it("normalises any event-shaped JSON (or rejects it with InvalidEventError); grouping and scrubbing never throw", () => {
    fc.assert(fc.property(fc.oneof(eventLike, fc.jsonValue({ maxDepth: 4 })), fc.option(fc.double({ min: 0, max: 4e9, noNaN: true })), (raw, sentAt) => {
      let event;
      try {
        event = normalizeEvent(structuredClone(raw), { receivedAtMs: 1_764_000_000_000, newEventId: () => "0".repeat(32), ...(sentAt === null ? {} : { sentAtSec: sentAt }) });
      } catch (err) {
        if (err instanceof InvalidEventError) return;
        throw err;
      }
      expect(event.event_id).toMatch(/^[0-9a-f]{32}$/);
      expect(Number.isFinite(event.timestamp)).toBe(true);
      const scrubbed = scrubEvent(event);
      const prepared = prepareEvent(scrubbed, DEFAULT_GROUPING_CONFIG);
      expect(typeof prepared.title).toBe("string");
      expect(prepared.grouping.hash).toMatch(/^[0-9a-f]+$/);
      expect(JSON.parse(prepared.payload).event_id).toBe(event.event_id);
    }), params);
  });

  it("reads any client report without throwing", () => {
    fc.assert(fc.property(fc.oneof(fc.jsonValue({ maxDepth: 4 }).map((v) => JSON.stringify(v)), fc.string()), (text) => {
      const { discards } = parseClientReport(Buffer.from(text));
      for (const d of discards) expect(d.quantity).toBeGreaterThan(0);
    }), params);
  });
});

const queryArb = fc.oneof(
  fc.string({ maxLength: 80 }),
  fc.array(fc.oneof(fc.constantFrom("is:", "!", "level:", "release:", '"', "*", ":", " ", "\\", "is:resolved", "tag:"), fc.string({ maxLength: 6 })), { maxLength: 12 }).map((p) => p.join("")),
);

describe("fuzz: search-query parsers", () => {
  it("the API's parser returns a well-formed filter or a QuerySyntaxError", () => {
    fc.assert(fc.property(queryArb, (query) => {
      try {
        const parsed = parseIssueQuery(query);
        for (const tag of parsed.tags) expect(typeof tag.key === "string" && typeof tag.value === "string").toBe(true);
        for (const word of parsed.text) expect(word.length).toBeGreaterThan(0);
      } catch (err) {
        if (!(err instanceof QuerySyntaxError)) throw err;
      }
    }), params);
  });

  it("the UI's query helpers round-trip a filter they set", () => {
    fc.assert(fc.property(queryArb, fc.string({ minLength: 1, maxLength: 20 }), (query, value) => {
      tokenizeQuery(query);
      const next = setQueryFilter(query, "release", value);
      expect(getQueryFilter(next, "release")).toBe(value);
    }), params);
  });

  // --- regressions: inputs fuzzing found, kept as plain tests ---
  it("regression: a filter value with a backslash survives set then get (seed 291679731)", () => {
    expect(getQueryFilter(setQueryFilter("", "release", "\\#"), "release")).toBe("\\#");
    expect(parseIssueQuery(setQueryFilter("", "release", "a\\b c")).tags).toEqual([{ key: "release", value: "a\\b c", negate: false }]);
  });
  it("regression: a stray quote in the query does not swallow the filter set after it (seed 1583291519)", () => {
    const next = setQueryFilter('"', "release", " ");
    expect(getQueryFilter(next, "release")).toBe(" ");
    expect(parseIssueQuery(next)).toEqual({ tags: [{ key: "release", value: " ", negate: false }], text: ['"'] });
  });
});
