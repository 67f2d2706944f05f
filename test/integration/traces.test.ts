import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { errorEvent, eventEnvelope, makeEnvelope, newEventId } from "../_helpers/envelopes.ts";
import { readFixture } from "../_helpers/fixtures.ts";
import { startTestServer, type TestServer } from "../_helpers/server.ts";

const TRACE = "0af7651916cd43dd8448eb211c80319c";
const hex16 = () => newEventId().slice(0, 16);

/** A transaction as @sentry/node sends it: root span in contexts.trace, children in spans[]. */
function transaction(opts: { name: string; spanId: string; parentSpanId?: string; start: number; end: number; spans?: object[]; op?: string; release?: string }) {
  return {
    type: "transaction",
    event_id: newEventId(),
    transaction: opts.name,
    transaction_info: { source: "route" },
    start_timestamp: opts.start,
    timestamp: opts.end,
    release: opts.release ?? "api@1.0.0",
    environment: "test",
    contexts: { trace: { trace_id: TRACE, span_id: opts.spanId, parent_span_id: opts.parentSpanId, op: opts.op ?? "http.server", status: "ok" } },
    spans: opts.spans ?? [],
  };
}

function txEnvelope(tx: Record<string, unknown>): Buffer {
  return makeEnvelope({ event_id: tx.event_id, sent_at: new Date().toISOString(), trace: { trace_id: TRACE, public_key: "x" } }, [
    { headers: { type: "transaction" }, payload: JSON.stringify(tx) },
  ]);
}

describe("traces: transactions and spans into the events-trace tree", () => {
  let t: TestServer;
  let web: { slug: string; id: number; key: string };
  let post: (body: Buffer, projectId?: number, key?: string) => Promise<{ status: number; body: any }>;

  beforeAll(async () => {
    t = await startTestServer({ maxStoredTraceSpans: 150 });
    post = async (body, projectId = t.projectId, key = t.publicKey) => {
      const res = await fetch(`${t.url}/api/${projectId}/envelope/?sentry_key=${key}`, { method: "POST", body: new Uint8Array(body) });
      return { status: res.status, body: await res.json() };
    };
    const created = await t.api("/api/0/teams/lighttrace/default/projects/", { method: "POST", body: JSON.stringify({ name: "web" }) });
    expect(created.status).toBe(201);
    web = { slug: created.body.slug, id: Number(created.body.id), key: created.body.keys[0].public };
  });
  afterAll(async () => {
    await t.close();
  });

  it("stores a browser page load, its fetch span, the server transaction and the error as one tree", async () => {
    const now = Date.now() / 1000;
    const pageSpan = hex16(), fetchSpan = hex16(), serverSpan = hex16(), dbSpan = hex16();
    const pageload = transaction({
      name: "/checkout", spanId: pageSpan, start: now - 2, end: now, op: "pageload", release: "web@3.0.0",
      spans: [{ span_id: fetchSpan, parent_span_id: pageSpan, op: "http.client", description: "POST /api/pay", start_timestamp: now - 1.5, timestamp: now - 0.5, status: "internal_error" }],
    });
    const server = transaction({
      name: "POST /api/pay", spanId: serverSpan, parentSpanId: fetchSpan, start: now - 1.4, end: now - 0.6,
      spans: [{ span_id: dbSpan, parent_span_id: serverSpan, op: "db.query", description: "SELECT * FROM cards", start_timestamp: now - 1.3, timestamp: now - 1.2 }],
    });
    server.contexts.trace.status = "internal_error";
    expect((await post(txEnvelope(pageload), web.id, web.key)).status).toBe(200);
    expect((await post(txEnvelope(server))).body).toEqual({ id: server.event_id });
    const err = errorEvent({ contexts: { trace: { trace_id: TRACE, span_id: dbSpan } } });
    const orphan = errorEvent({ contexts: { trace: { trace_id: TRACE, span_id: "ffffffffffffffff" } }, exception: { values: [{ type: "Error", value: "lost" }] } });
    expect((await post(eventEnvelope(err))).status).toBe(200);
    expect((await post(eventEnvelope(orphan))).status).toBe(200);

    const res = await t.api(`/api/0/organizations/lighttrace/events-trace/${TRACE}/`);
    expect(res.status).toBe(200);
    expect(res.body.trace_id).toBe(TRACE);
    expect(res.body.transactions).toHaveLength(1);
    const root = res.body.transactions[0];
    expect(root).toMatchObject({
      event_id: pageload.event_id, project_slug: web.slug, transaction: "/checkout", span_id: pageSpan, parent_span_id: null,
      "transaction.op": "pageload", release: "web@3.0.0", generation: 0, errors: [],
    });
    expect(root.start_timestamp).toBeCloseTo(now - 2, 2);
    expect(root.timestamp).toBeCloseTo(now, 2);
    expect(root.spans).toEqual([expect.objectContaining({ span_id: fetchSpan, op: "http.client", description: "POST /api/pay", status: "internal_error" })]);
    expect(root.children).toHaveLength(1);
    const child = root.children[0];
    expect(child).toMatchObject({
      event_id: server.event_id, project_slug: "my-project", transaction: "POST /api/pay", span_id: serverSpan, parent_span_id: fetchSpan,
      parent_event_id: pageload.event_id, "transaction.status": "internal_error", generation: 1, children: [],
    });
    expect(child.spans.map((s: any) => s.description)).toEqual(["SELECT * FROM cards"]);
    expect(child.errors).toHaveLength(1);
    expect(child.errors[0]).toMatchObject({ event_id: err.event_id, title: "TypeError: x is undefined", span: dbSpan, project_slug: "my-project" });
    expect(child.errors[0].issue_id).toBeGreaterThan(0);
    expect(res.body.orphan_errors.map((e: any) => [e.event_id, e.span, e.title])).toEqual([[orphan.event_id, "ffffffffffffffff", "Error: lost"]]);

    // a resent transaction (SDK retry) is stored once
    expect((await post(txEnvelope(server))).status).toBe(200);
    const again = await t.api(`/api/0/organizations/lighttrace/events-trace/${TRACE}/`);
    expect(again.body.transactions[0].children).toHaveLength(1);
    expect(again.body.transactions[0].children[0].spans).toHaveLength(1);
  });

  it("stores the real Python SDK's transaction capture", async () => {
    expect((await post(readFixture("python-transaction-envelope.txt"))).status).toBe(200);
    const res = await t.api("/api/0/organizations/lighttrace/events-trace/c49d61bc6c384a82bcf380ac7d97bd01/");
    expect(res.status).toBe(200);
    expect(res.body.transactions).toEqual([expect.objectContaining({
      event_id: "5fe2f280378c4860bcb9a4032e2dcee4", transaction: "demo-task", span_id: "9f3093913d3797a0", parent_span_id: null,
      "transaction.op": "task", "transaction.duration": 70, release: "lighttrace-py@1.0.0", environment: "feasibility",
      children: [], errors: [], spans: [],
    })]);
    // the capture's sent_at is hours old: its times are shifted by the same clock-drift correction as events
    const tx = res.body.transactions[0];
    expect(tx.timestamp - tx.start_timestamp).toBeCloseTo(0.07, 4);
  });

  it("stores standalone v2 span items and hangs them under their segment", async () => {
    const trace = newEventId();
    const seg = hex16(), child = hex16();
    const now = Date.now() / 1000;
    const attrs = (op: string) => ({ "sentry.op": { type: "string", value: op }, "sentry.release": { type: "string", value: "web@9" } });
    const body = makeEnvelope({ sent_at: new Date().toISOString() }, [{
      headers: { type: "span", item_count: 2, content_type: "application/vnd.sentry.items.span.v2+json" },
      payload: JSON.stringify({ version: 2, items: [
        { trace_id: trace, span_id: seg, name: "/settings", start_timestamp: now - 1, end_timestamp: now, status: "ok", is_segment: true, attributes: attrs("pageload") },
        { trace_id: trace, span_id: child, parent_span_id: seg, name: "GET /api/me", start_timestamp: now - 0.8, end_timestamp: now - 0.7, status: "error", is_segment: false, attributes: attrs("http.client") },
      ] }),
    }]);
    expect((await post(body)).status).toBe(200);
    expect((await post(body)).status).toBe(200); // an SDK resend
    const res = await t.api(`/api/0/organizations/lighttrace/events-trace/${trace}/`);
    expect(res.body.transactions).toHaveLength(1);
    expect(res.body.transactions[0]).toMatchObject({ span_id: seg, transaction: "/settings", "transaction.op": "pageload", release: "web@9" });
    expect(res.body.transactions[0].spans).toEqual([expect.objectContaining({ span_id: child, op: "http.client", description: "GET /api/me", status: "error" })]);
  });

  it("scrubs span descriptions like events: secret query values, bearer credentials, card numbers", async () => {
    const trace = newEventId();
    const root = hex16();
    const now = Date.now() / 1000;
    const tx = transaction({ name: "/pay?session_id=abc123", spanId: root, start: now - 1, end: now, spans: [
      { span_id: hex16(), parent_span_id: root, op: "http.client", description: "GET https://api.example/v1/users?api_key=s3cr3t&page=2", start_timestamp: now - 0.5, timestamp: now - 0.4 },
      { span_id: hex16(), parent_span_id: root, op: "function", description: "charge 4111 1111 1111 1111 with Bearer abcdefgh12345", start_timestamp: now - 0.3, timestamp: now - 0.2 },
    ] });
    tx.contexts.trace.trace_id = trace;
    expect((await post(txEnvelope(tx))).status).toBe(200);
    const res = (await t.api(`/api/0/organizations/lighttrace/events-trace/${trace}/`)).body.transactions[0];
    expect(res.transaction).toBe("/pay?session_id=[Filtered]");
    expect(res.spans.map((s: any) => s.description)).toEqual([
      "GET https://api.example/v1/users?api_key=[Filtered]&page=2",
      "charge [Filtered] with Bearer [Filtered]",
    ]);
  });

  it("refuses malformed transactions in words and validates the trace id", async () => {
    const bad = transaction({ name: "x", spanId: "nothex", start: 1, end: 2 });
    const res = await post(txEnvelope(bad));
    expect(res).toEqual({ status: 400, body: { detail: "transaction contexts.trace.span_id is not 16 hex characters" } });
    const noTimes = { ...transaction({ name: "x", spanId: hex16(), start: 1, end: 2 }), start_timestamp: "yesterday" };
    expect((await post(txEnvelope(noTimes))).body.detail).toBe("transaction needs start_timestamp and timestamp");
    expect((await t.api("/api/0/organizations/lighttrace/events-trace/xyz/")).body).toEqual({ detail: 'trace id "xyz" is not 32 hex characters' });
    const missing = await t.api(`/api/0/organizations/lighttrace/events-trace/${"1".repeat(32)}/`);
    expect(missing.status).toBe(404);
    const unauth = await fetch(`${t.url}/api/0/organizations/lighttrace/events-trace/${TRACE}/`);
    expect(unauth.status).toBe(401);
  });

  it("keeps at most the configured number of spans, dropping the oldest", async () => {
    // cap 150 + slack 100: after ~300 spans the table is cut back to the newest 150
    const oldTrace = newEventId();
    const now = Date.now() / 1000;
    const many = (trace: string) => {
      const root = hex16();
      const tx = transaction({ name: "batch", spanId: root, start: now - 1, end: now,
        spans: Array.from({ length: 99 }, (_, i) => ({ span_id: hex16(), parent_span_id: root, op: "task", description: `step ${i}`, start_timestamp: now - 1, timestamp: now })) });
      tx.contexts.trace.trace_id = trace;
      return tx;
    };
    expect((await post(txEnvelope(many(oldTrace)))).status).toBe(200);
    expect((await t.api(`/api/0/organizations/lighttrace/events-trace/${oldTrace}/`)).body.transactions[0].spans).toHaveLength(99);
    for (let i = 0; i < 3; i++) expect((await post(txEnvelope(many(newEventId())))).status).toBe(200);
    expect((await t.api(`/api/0/organizations/lighttrace/events-trace/${oldTrace}/`)).status).toBe(404);
  });
});

describe("traces: the events' age limit applies to spans too", () => {
  it("drops spans received before the age limit once time has moved on", async () => {
    let now = Date.now();
    const t = await startTestServer({ maxEventAgeDays: 1 }, { now: () => now });
    const send = async (traceId: string) => {
      const tx = transaction({ name: "job", spanId: hex16(), start: now / 1000 - 1, end: now / 1000 });
      tx.contexts.trace.trace_id = traceId;
      const res = await fetch(`${t.url}/api/${t.projectId}/envelope/?sentry_key=${t.publicKey}`, { method: "POST", body: new Uint8Array(txEnvelope(tx)) });
      expect(res.status).toBe(200);
    };
    const old = newEventId(), fresh = newEventId();
    await send(old);
    expect((await t.api(`/api/0/organizations/lighttrace/events-trace/${old}/`)).status).toBe(200);
    now += 2 * 86_400_000;
    await send(fresh);
    expect((await t.api(`/api/0/organizations/lighttrace/events-trace/${old}/`)).status).toBe(404);
    expect((await t.api(`/api/0/organizations/lighttrace/events-trace/${fresh}/`)).status).toBe(200);
  });
});
