import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestServer, type TestServer } from "../_helpers/server.ts";
import { errorEvent, makeEnvelope } from "../_helpers/envelopes.ts";

/** JSON nested `depth` levels deep, written by hand (JSON.stringify itself would overflow). */
function nested(depth: number, open: "[" | "{"): string {
  return open === "[" ? "[".repeat(depth) + "]".repeat(depth) : '{"a":'.repeat(depth) + "1" + "}".repeat(depth);
}

/**
 * An event nested absurdly deep (100,000 levels) is refused with 400 naming the field, before any
 * step that walks it recursively can overflow the stack.
 */
describe("ingest: deeply nested events", () => {
  let t: TestServer;

  beforeAll(async () => {
    t = await startTestServer();
  });
  afterAll(async () => {
    await t.close();
  });

  for (const [field, json] of [["tags", nested(100_000, "{")], ["user", nested(100_000, "{")], ["fingerprint", nested(100_000, "[")], ["extra", nested(100_000, "{")]] as const) {
    it(`answers 400 naming "${field}"`, async () => {
      const event = JSON.stringify(errorEvent()).replace(/^\{/, `{"${field}":${json},`);
      const res = await fetch(`${t.url}/api/${t.projectId}/envelope/?sentry_key=${t.publicKey}`, {
        method: "POST", body: new Uint8Array(makeEnvelope({}, [{ headers: { type: "event" }, payload: event }])),
      });
      expect(res.status).toBe(400);
      expect((await res.json()).detail).toBe(`"event" item: "${field}" is nested more than 64 levels deep`);
    });
  }

  it("answers 400 for a transaction and a /store/ body too", async () => {
    const transaction = `{"type":"transaction","transaction":"GET /","start_timestamp":1,"timestamp":2,"contexts":{"trace":{"trace_id":"${"a".repeat(32)}","span_id":"${"b".repeat(16)}"}},"extra":${nested(100_000, "[")}}`;
    const tx = await fetch(`${t.url}/api/${t.projectId}/envelope/?sentry_key=${t.publicKey}`, {
      method: "POST", body: new Uint8Array(makeEnvelope({}, [{ headers: { type: "transaction" }, payload: transaction }])),
    });
    expect(tx.status).toBe(400);
    expect((await tx.json()).detail).toBe('"transaction" item: "extra" is nested more than 64 levels deep');
    const store = await fetch(`${t.url}/api/${t.projectId}/store/?sentry_key=${t.publicKey}`, { method: "POST", body: `{"message":"x","tags":${nested(1000, "{")}}` });
    expect(store.status).toBe(400);
    expect((await store.json()).detail).toBe('request body: "tags" is nested more than 64 levels deep');
  });

  it("still takes ordinary nesting", async () => {
    const event = errorEvent({ extra: JSON.parse(nested(20, "{")), contexts: { app: { deep: JSON.parse(nested(30, "[")) } } });
    const res = await fetch(`${t.url}/api/${t.projectId}/store/?sentry_key=${t.publicKey}`, { method: "POST", body: JSON.stringify(event) });
    expect(res.status).toBe(200);
  });
});
