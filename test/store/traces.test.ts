import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { Store } from "../../src/store/types.ts";
import type { TraceSegment } from "../../src/traces/parse-trace-items.ts";
import { commitOne, committerFor, emptyPlan, eventId, job, newProject, NOW_MS, rawEvent } from "./_ingest.ts";
import { STORE_BACKENDS, type TestDatabase } from "./backends.ts";

let counter = 0;
const spanId = () => (++counter).toString(16).padStart(16, "0");
const traceId = () => (++counter).toString(16).padStart(8, "0") + "a".repeat(24);

/** A transaction: its root span (the segment) and `children` child spans, all in one trace. */
function transaction(trace: string, opts: { children?: number; eventId?: string | null; name?: string; start?: number } = {}): TraceSegment {
  const root = spanId();
  const start = opts.start ?? NOW_MS / 1000 - 1;
  return {
    eventId: opts.eventId === undefined ? eventId() : opts.eventId, transaction: opts.name ?? "GET /", release: "app@1", environment: "production",
    segmentSpanIds: [root],
    spans: [
      { traceId: trace, spanId: root, parentSpanId: null, op: "http.server", description: null, status: "ok", startTimestamp: start, timestamp: start + 1 },
      ...Array.from({ length: opts.children ?? 0 }, (_, i) => ({
        traceId: trace, spanId: spanId(), parentSpanId: root, op: "db", description: `query ${i}`, status: null, startTimestamp: start + 0.1 + i / 1000, timestamp: start + 0.5,
      })),
    ],
  };
}

/** Conformance: trace spans written through ingest plans, read as one trace with its errors; caps (every backend). */
describe.each(STORE_BACKENDS)("traces ($name)", (backend) => {
  let database: TestDatabase;
  let store: Store;
  let projectId: number;
  beforeEach(async () => {
    database = await backend.create();
    store = await database.open();
    projectId = await newProject(store);
  });
  afterEach(() => database.destroy());

  const write = async (s: Store, segments: TraceSegment[], receivedAtMs = NOW_MS) => {
    expect((await s.executeWritePlan({ ...emptyPlan(), traces: [{ projectId, segments, receivedAtMs }] })).committed).toBe(true);
  };

  it("reads a trace's spans in start order with the segment's fields, and its error events with their span", async () => {
    const trace = traceId();
    const tx = transaction(trace, { children: 2, name: "GET /checkout" });
    await write(store, [tx]);
    const error = await commitOne(committerFor(store), await job(store, projectId, [
      rawEvent("checkout", { contexts: { trace: { trace_id: trace, span_id: tx.spans[1]!.spanId.toUpperCase() } } }),
    ]));
    const read = await store.getTrace(trace);
    expect(read.truncated).toBe(false);
    expect(read.spans.map((s) => s.spanId)).toEqual(tx.spans.map((s) => s.spanId));
    const slug = (await store.getProject(projectId))!.slug;
    expect(read.spans[0]).toEqual({
      projectId, projectSlug: slug, traceId: trace, spanId: tx.spans[0]!.spanId, parentSpanId: null, segmentEventId: tx.eventId, isSegment: true,
      transaction: "GET /checkout", op: "http.server", description: null, status: "ok", startTimestamp: tx.spans[0]!.startTimestamp,
      timestamp: tx.spans[0]!.timestamp, release: "app@1", environment: "production",
    });
    expect(read.spans[1]).toMatchObject({ isSegment: false, transaction: null, release: null, environment: null, parentSpanId: tx.spans[0]!.spanId, description: "query 0" });
    expect(read.errors).toHaveLength(1);
    expect(read.errors[0]).toMatchObject({ issueId: error.issueId, projectId, projectSlug: slug, level: "error", spanId: tx.spans[1]!.spanId });
    expect(read.errors[0]!.issueShortId).toBe((await store.getIssue(error.issueId))!.shortId);
    expect(await store.getTrace(traceId())).toEqual({ spans: [], errors: [], truncated: false });
  });

  it("skips a resent transaction (in the same write or a later one), never standalone spans", async () => {
    const trace = traceId();
    const tx = transaction(trace, { children: 1 });
    await write(store, [tx, { ...tx, spans: tx.spans.map((s) => ({ ...s, description: "copy" })) }]);
    await write(store, [tx]);
    const standalone = transaction(trace, { eventId: null });
    await write(store, [standalone]);
    await write(store, [standalone]);
    const spans = (await store.getTrace(trace)).spans;
    expect(spans).toHaveLength(2 + 2);
    expect(spans.filter((s) => s.description === "copy")).toEqual([]);
  });

  it("stores a transaction two nodes receive at once once", async () => {
    const trace = traceId();
    const tx = transaction(trace, { children: 3 });
    const other = await database.open();
    await Promise.all([store, other, store, other].map((s) => write(s, [tx])));
    expect((await store.getTrace(trace)).spans).toHaveLength(4);
  });

  it("keeps at most the configured number of spans, dropping the oldest past a slack of a tenth (at least 100)", async () => {
    const capped = await database.open({ maxStoredTraceSpans: 150 });
    const traces = [traceId(), traceId(), traceId(), traceId()];
    // 100 spans each: 200 stay under 150 + 100; the third write passes it and cuts back to the newest 150
    await write(capped, [transaction(traces[0]!, { children: 99 })]);
    await write(capped, [transaction(traces[1]!, { children: 99 })]);
    expect((await store.getTrace(traces[0]!)).spans).toHaveLength(100);
    await write(capped, [transaction(traces[2]!, { children: 99 })]);
    expect((await store.getTrace(traces[0]!)).spans).toHaveLength(0);
    expect((await store.getTrace(traces[1]!)).spans).toHaveLength(50);
    expect((await store.getTrace(traces[2]!)).spans).toHaveLength(100);
    await write(capped, [transaction(traces[3]!, { children: 99 })]);
    expect((await store.getTrace(traces[1]!)).spans).toHaveLength(50);
  });

  it("drops spans received before the age limit once time has moved on", async () => {
    const aged = await database.open({ maxTraceAgeDays: 1 });
    const old = traceId();
    const fresh = traceId();
    await write(aged, [transaction(old, { children: 2 })], NOW_MS);
    await write(aged, [transaction(fresh)], NOW_MS + 12 * 3_600_000);
    expect((await store.getTrace(old)).spans).toHaveLength(3);
    await write(aged, [transaction(traceId())], NOW_MS + 30 * 3_600_000);
    expect((await store.getTrace(old)).spans).toEqual([]);
    expect((await store.getTrace(fresh)).spans).toHaveLength(1);
  });
});
