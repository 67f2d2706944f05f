import { gzipSync } from "node:zlib";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestServer, type TestServer } from "../_helpers/server.ts";
import { errorEvent, makeEnvelope, newEventId } from "../_helpers/envelopes.ts";
import { openUpload } from "../_helpers/raw-http.ts";

/**
 * An envelope whose only credential is the `dsn` envelope header: the key is checked as soon as
 * the header line has been parsed, before any item is decompressed or buffered, and an envelope
 * never holds more than `maxEnvelopeItemBytes` of item payloads in memory.
 */
describe("ingest: the envelope header's DSN is checked before the items are read", () => {
  let t: TestServer;
  let base: string;

  beforeAll(async () => {
    t = await startTestServer({ maxEnvelopeItemBytes: 3 * 1024 * 1024 });
    base = `${t.url}/api/${t.projectId}/envelope/`;
  });
  afterAll(async () => {
    await t.close();
  });

  it("answers 401 when the header has no DSN, while the body is still arriving", async () => {
    const { req, response } = openUpload(t.server.port, "POST", `/api/${t.projectId}/envelope/`);
    req.write(`{"event_id":"${newEventId()}"}\n{"type":"event","length":1000000}\n{"message":"`);
    const res = await response;
    expect(res.status).toBe(401);
    expect(JSON.parse(res.body)).toEqual({ detail: "missing authorization information" });
    req.destroy();
  });

  it("answers 403 for an unknown key in the header's DSN, while the body is still arriving", async () => {
    const dsn = t.dsn.replace(t.publicKey, "f".repeat(32));
    const { req, response } = openUpload(t.server.port, "POST", `/api/${t.projectId}/envelope/`);
    req.write(`${JSON.stringify({ event_id: newEventId(), dsn })}\n{"type":"event","length":1000000}\n{"message":"`);
    const res = await response;
    expect(res.status).toBe(403);
    expect(JSON.parse(res.body).detail).toBe("event submission rejected: unknown or disabled DSN key");
    req.destroy();
  });

  it("refuses a compressed envelope without a DSN before it looks at the items", async () => {
    // the first item header is not JSON: a parser that read on would answer 400
    const body = gzipSync(Buffer.concat([Buffer.from(`{"event_id":"${newEventId()}"}\nnot an item header\n`), Buffer.alloc(4 * 1024 * 1024, 0x20)]));
    const res = await fetch(base, { method: "POST", body: new Uint8Array(body), headers: { "Content-Encoding": "gzip" } });
    expect(res.status).toBe(401);
    expect(await res.json()).toEqual({ detail: "missing authorization information" });
  });

  it("refuses a DSN for another project from the header alone", async () => {
    const other = t.dsn.replace(new RegExp(`/${t.projectId}$`), "/999");
    const body = Buffer.from(`${JSON.stringify({ dsn: other })}\nnot an item header\n`);
    const res = await fetch(base, { method: "POST", body: new Uint8Array(body) });
    expect(res.status).toBe(403);
    expect((await res.json()).detail).toBe(`DSN in the envelope is for project 999, not ${t.projectId}`);
  });

  it("still accepts an envelope whose only credential is the header's DSN, compressed or not", async () => {
    const plain = errorEvent();
    const ok = await fetch(base, { method: "POST", body: new Uint8Array(makeEnvelope({ dsn: t.dsn }, [{ headers: { type: "event" }, payload: JSON.stringify(plain) }])) });
    expect(ok.status).toBe(200);
    expect(await ok.json()).toEqual({ id: plain.event_id });
    const zipped = errorEvent();
    const gz = gzipSync(makeEnvelope({ dsn: t.dsn }, [{ headers: { type: "event" }, payload: JSON.stringify(zipped) }]));
    const ok2 = await fetch(base, { method: "POST", body: new Uint8Array(gz), headers: { "Content-Encoding": "gzip" } });
    expect(ok2.status).toBe(200);
    expect((await t.api(`/api/0/projects/lighttrace/my-project/events/${zipped.event_id}/`)).status).toBe(200);
  });

  it("answers 413 when the items it must hold exceed maxEnvelopeItemBytes in total", async () => {
    const filler = "x".repeat(900 * 1024);
    const items = [1, 2, 3, 4].map((n) => ({ headers: { type: "event" }, payload: JSON.stringify(errorEvent({ message: `part ${n}`, extra: { filler } })) }));
    const res = await fetch(`${base}?sentry_key=${t.publicKey}`, { method: "POST", body: new Uint8Array(makeEnvelope({}, items)) });
    expect(res.status).toBe(413);
    expect((await res.json()).detail).toBe(`the envelope's items to process exceed the limit of ${3 * 1024 * 1024} bytes in total`);
    // the same without length headers: counted as the bytes arrive
    const unframed = items.map((i) => ({ ...i, withLength: false }));
    const res2 = await fetch(`${base}?sentry_key=${t.publicKey}`, { method: "POST", body: new Uint8Array(makeEnvelope({}, unframed)) });
    expect(res2.status).toBe(413);
    // attachments are counted, not held: a large one does not count against the cap
    const attachment = { headers: { type: "attachment", filename: "big.bin" }, payload: Buffer.alloc(5 * 1024 * 1024, 1) };
    const event = errorEvent();
    const withAttachment = makeEnvelope({ event_id: event.event_id }, [{ headers: { type: "event" }, payload: JSON.stringify(event) }, attachment]);
    expect((await fetch(`${base}?sentry_key=${t.publicKey}`, { method: "POST", body: new Uint8Array(withAttachment) })).status).toBe(200);
  });
});
