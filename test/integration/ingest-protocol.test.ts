import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { brotliCompressSync, deflateRawSync, deflateSync, gzipSync, zstdCompressSync } from "node:zlib";
import { startTestServer, type TestServer } from "../_helpers/server.ts";
import { errorEvent, eventEnvelope, makeEnvelope, newEventId } from "../_helpers/envelopes.ts";

describe("ingest protocol: auth, framing, encodings, CORS", () => {
  let t: TestServer;
  let envelopeUrl: string;

  beforeAll(async () => {
    t = await startTestServer();
    envelopeUrl = `${t.url}/api/${t.projectId}/envelope/?sentry_key=${t.publicKey}&sentry_version=7`;
  });
  afterAll(async () => {
    await t.close();
  });

  const post = async (url: string, body: Buffer | string, headers: Record<string, string> = {}) => {
    const res = await fetch(url, { method: "POST", body: typeof body === "string" ? body : new Uint8Array(body), headers });
    const text = await res.text();
    return { status: res.status, body: text ? JSON.parse(text) : null, headers: res.headers };
  };
  const storedEvent = (id: string) => t.api(`/api/0/projects/lighttrace/my-project/events/${id}/`);

  describe("authentication", () => {
    it("accepts the key in the query string, X-Sentry-Auth, Authorization and the envelope dsn", async () => {
      const base = `${t.url}/api/${t.projectId}/envelope/`;
      const a = errorEvent();
      expect(await post(`${base}?sentry_key=${t.publicKey}`, eventEnvelope(a))).toMatchObject({ status: 200, body: { id: a.event_id } });
      const b = errorEvent();
      const xAuth = `Sentry sentry_key=${t.publicKey}, sentry_version=7, sentry_client=test/1.0`;
      expect(await post(base, eventEnvelope(b), { "X-Sentry-Auth": xAuth })).toMatchObject({ status: 200, body: { id: b.event_id } });
      const c = errorEvent();
      expect(await post(base, eventEnvelope(c), { Authorization: `Sentry sentry_key=${t.publicKey}` })).toMatchObject({ status: 200 });
      const d = errorEvent();
      expect(await post(base, eventEnvelope(d, { dsn: t.dsn }))).toMatchObject({ status: 200, body: { id: d.event_id } });
      for (const e of [a, b, c, d]) expect((await storedEvent(e.event_id as string)).status).toBe(200);
    });

    it("answers 401 without auth or with malformed auth", async () => {
      const base = `${t.url}/api/${t.projectId}/envelope/`;
      expect(await post(base, eventEnvelope(errorEvent()))).toEqual(expect.objectContaining({ status: 401, body: { detail: "missing authorization information" } }));
      const noKey = await post(base, eventEnvelope(errorEvent()), { "X-Sentry-Auth": "Sentry sentry_version=7" });
      expect(noKey.status).toBe(401);
      expect(noKey.body.detail).toContain("sentry_key");
      const conflicting = await post(`${base}?sentry_key=${"0".repeat(32)}`, eventEnvelope(errorEvent()), { "X-Sentry-Auth": `Sentry sentry_key=${t.publicKey}` });
      expect(conflicting.status).toBe(401);
      expect(conflicting.body.detail).toContain("multiple authorization");
    });

    it("answers 403 for an unknown key or a key of another project, 400 for a bad project id", async () => {
      const unknown = await post(`${t.url}/api/${t.projectId}/envelope/?sentry_key=${"a".repeat(32)}`, eventEnvelope(errorEvent()));
      expect(unknown.status).toBe(403);
      expect(unknown.body.detail).toContain("unknown or disabled DSN key");
      const other = await t.server.store.createProject({ slug: "other", name: "Other", platform: null, organizationId: 1, defaultAlertRules: [] });
      const wrongProject = await post(`${t.url}/api/${other.project.id}/envelope/?sentry_key=${t.publicKey}`, eventEnvelope(errorEvent()));
      expect(wrongProject.status).toBe(403);
      expect(wrongProject.body.detail).toContain(`does not belong to project ${other.project.id}`);
      const badId = await post(`${t.url}/api/abc/envelope/?sentry_key=${t.publicKey}`, eventEnvelope(errorEvent()));
      expect(badId).toMatchObject({ status: 400, body: { detail: 'invalid project id "abc": must be a positive integer' } });
      const dsnOther = await post(`${t.url}/api/${t.projectId}/envelope/`, eventEnvelope(errorEvent(), { dsn: `http://${t.publicKey}@127.0.0.1/999` }));
      expect(dsnOther.status).toBe(403);
    });
  });

  describe("envelope framing", () => {
    it("parses length-prefixed and newline-delimited items, with or without a trailing newline", async () => {
      const ev = errorEvent();
      const body = makeEnvelope({ event_id: ev.event_id }, [
        { headers: { type: "session" }, payload: '{"sid":"abc","init":true,"started":"2026-01-01T00:00:00Z","attrs":{"release":"r@1"}}', withLength: false },
        { headers: { type: "event", content_type: "application/json" }, payload: JSON.stringify(ev) },
        { headers: { type: "client_report" }, payload: '{"discarded_events":[]}', withLength: false },
      ], false);
      expect(await post(envelopeUrl, body)).toMatchObject({ status: 200, body: { id: ev.event_id } });
      const stored = (await storedEvent(ev.event_id as string)).body;
      expect(stored.title).toBe("TypeError: x is undefined");
    });

    it("accepts a header-only envelope, empty items and length 0", async () => {
      expect(await post(envelopeUrl, "{}")).toMatchObject({ status: 200, body: {} });
      expect(await post(envelopeUrl, "{}\n")).toMatchObject({ status: 200, body: {} });
      const empties = makeEnvelope({}, [
        { headers: { type: "attachment", length: 0 }, payload: "" },
        { headers: { type: "client_report" }, payload: "", withLength: false },
      ]);
      expect(await post(envelopeUrl, empties)).toMatchObject({ status: 200, body: {} });
    });

    it("counts every item type it does not process yet, per project and type (unknown types as other)", async () => {
      const before = await t.server.store.itemCounts(t.projectId);
      const countOf = (rows: typeof before, type: string) => rows.filter((r) => r.itemType === type).reduce((n, r) => n + r.count, 0);
      const body = makeEnvelope({ event_id: newEventId() }, [
        { headers: { type: "replay_event" }, payload: "{}" },
        { headers: { type: "attachment", filename: "log.txt" }, payload: Buffer.alloc(5000, 65) },
        { headers: { type: "attachment", filename: "log2.txt" }, payload: "second" },
        { headers: { type: "profile" }, payload: "{}" },
        { headers: { type: "some_future_type" }, payload: "whatever" },
      ]);
      expect((await post(envelopeUrl, body)).status).toBe(200);
      const after = await t.server.store.itemCounts(t.projectId);
      expect(countOf(after, "attachment") - countOf(before, "attachment")).toBe(2);
      expect(countOf(after, "replay_event") - countOf(before, "replay_event")).toBe(1);
      expect(countOf(after, "profile") - countOf(before, "profile")).toBe(1);
      expect(countOf(after, "other") - countOf(before, "other")).toBe(1);
      expect(countOf(after, "some_future_type")).toBe(0);
    });

    const malformed: [string, string | Buffer, number, string][] = [
      ["empty body", "", 400, "empty envelope"],
      ["envelope header not JSON", "{nope\n", 400, "envelope header is not valid JSON"],
      ["envelope header not an object", "[1]\n", 400, "envelope header must be a JSON object"],
      ["item header without type", '{}\n{"length":2}\n{}\n', 400, 'has no "type"'],
      ["negative length", '{}\n{"type":"event","length":-1}\n{}\n', 400, "invalid length header"],
      ["string length", '{}\n{"type":"event","length":"2"}\n{}\n', 400, "invalid length header"],
      ["payload longer than length", '{}\n{"type":"event","length":2}\n{}xx\n', 400, "longer than its length"],
      ["payload shorter than length", '{}\n{"type":"event","length":50}\n{}\n', 400, "shorter than its length"],
      ["event not JSON", '{}\n{"type":"event"}\n{not json\n', 400, '"event" item is not valid JSON'],
      ["event not an object", '{}\n{"type":"event"}\n[1,2]\n', 400, "event payload must be a JSON object"],
      ["bad envelope event_id", '{"event_id":"nope"}\n', 400, "is not a UUID"],
      ["blank line between items", '{}\n{"type":"session"}\n{}\n\n{"type":"session"}\n{}\n', 400, "blank line"],
    ];
    for (const [name, body, status, detail] of malformed) {
      it(`rejects ${name} with ${status}`, async () => {
        const res = await post(envelopeUrl, body);
        expect(res.status).toBe(status);
        expect(res.body.detail).toContain(detail);
        expect(res.headers.get("access-control-allow-origin")).toBe("*");
      });
    }

    it("stores a duplicate event_id once and still answers 200", async () => {
      const ev = errorEvent({ exception: { values: [{ type: "DupError", value: "once" }] } });
      expect((await post(envelopeUrl, eventEnvelope(ev))).status).toBe(200);
      expect((await post(envelopeUrl, eventEnvelope(ev))).body).toEqual({ id: ev.event_id });
      const issue = (await t.api(`/api/0/projects/lighttrace/my-project/issues/?query=DupError`)).body[0];
      expect(issue.count).toBe("1");
    });

    it("lets the envelope header event_id win and normalises dashed UUIDs", async () => {
      const dashed = "6f1d6c1e-2b9f-4c3b-9f5e-3a2b1c0d9e8f";
      const ev = errorEvent({ event_id: newEventId() });
      const body = makeEnvelope({ event_id: dashed }, [{ headers: { type: "event" }, payload: JSON.stringify(ev) }]);
      expect((await post(envelopeUrl, body)).body).toEqual({ id: dashed.replace(/-/g, "") });
      expect((await storedEvent(dashed.replace(/-/g, ""))).status).toBe(200);
    });
  });

  describe("normalisation at ingest", () => {
    it("corrects client clock drift from sent_at and fills {{auto}} IPs", async () => {
      const clientNow = Date.now() / 1000 + 3 * 3600; // client clock 3 h ahead
      const ev = errorEvent({ timestamp: clientNow - 5, user: { ip_address: "{{auto}}" } });
      const body = makeEnvelope({ event_id: ev.event_id, sent_at: new Date(clientNow * 1000).toISOString() }, [
        { headers: { type: "event" }, payload: JSON.stringify(ev) },
      ]);
      expect((await post(envelopeUrl, body)).status).toBe(200);
      const stored = (await storedEvent(ev.event_id as string)).body;
      const age = Date.now() / 1000 - Date.parse(stored.dateCreated) / 1000;
      expect(age).toBeGreaterThan(3);
      expect(age).toBeLessThan(15);
      expect(stored.user.ip_address).toBe("127.0.0.1");
    });

    it("accepts ISO timestamps, exception arrays, tag pairs, breadcrumb lists and legacy message objects", async () => {
      const ev = {
        event_id: newEventId(),
        timestamp: new Date().toISOString().replace("Z", ""),
        exception: [{ type: "ValueError", value: "bad value 42", stacktrace: { frames: [{ filename: "app.py", function: "run", module: "app", in_app: true }] } }],
        tags: [["team", "billing"], ["region", "eu"]],
        breadcrumbs: [{ timestamp: "2026-01-01T00:00:00Z", message: "hello", category: "log" }],
        message: { message: "processing %s", params: ["order"] },
        level: "warn",
        platform: "python",
      };
      expect((await post(envelopeUrl, eventEnvelope(ev))).status).toBe(200);
      const stored = (await storedEvent(ev.event_id)).body;
      const tags = Object.fromEntries(stored.tags.map((x: any) => [x.key, x.value]));
      expect(tags).toMatchObject({ team: "billing", region: "eu", level: "warning" });
      expect(stored.level).toBe("warning");
      expect(stored.title).toBe("ValueError: bad value 42");
      expect(stored.entries.find((e: any) => e.type === "breadcrumbs").data.values[0]).toMatchObject({ message: "hello", category: "log", level: "info" });
    });
  });

  describe("content encodings and limits", () => {
    const encoders: [string, (b: Buffer) => Buffer][] = [
      ["gzip", gzipSync],
      ["deflate", deflateSync],
      ["br", brotliCompressSync],
      ["zstd", zstdCompressSync],
    ];
    for (const [encoding, encode] of encoders) {
      it(`decodes Content-Encoding ${encoding}`, async () => {
        const ev = errorEvent();
        const res = await post(envelopeUrl, encode(eventEnvelope(ev)), { "Content-Encoding": encoding, "Content-Type": "text/plain;charset=UTF-8" });
        expect(res).toMatchObject({ status: 200, body: { id: ev.event_id } });
      });
    }

    it("decodes raw deflate sent as deflate", async () => {
      const ev = errorEvent();
      const res = await post(envelopeUrl, deflateRawSync(eventEnvelope(ev)), { "Content-Encoding": "deflate" });
      expect(res).toMatchObject({ status: 200, body: { id: ev.event_id } });
    });

    it("rejects corrupt gzip with 400 and an unknown encoding with 415", async () => {
      const corrupt = await post(envelopeUrl, Buffer.from("definitely not gzip"), { "Content-Encoding": "gzip" });
      expect(corrupt.status).toBe(400);
      expect(corrupt.body.detail).toContain("not valid gzip");
      const unknown = await post(envelopeUrl, eventEnvelope(errorEvent()), { "Content-Encoding": "lzma" });
      expect(unknown.status).toBe(415);
      expect(unknown.body.detail).toContain('unsupported Content-Encoding "lzma"');
    });

    it("rejects an event item over 1 MiB with 413", async () => {
      const ev = errorEvent({ extra: { blob: "x".repeat(1024 * 1024) } });
      const res = await post(envelopeUrl, eventEnvelope(ev));
      expect(res.status).toBe(413);
      expect(res.body.detail).toContain("exceeds the limit of 1048576 bytes");
    });

    it("stops a decompression bomb at the cap without holding it in memory", async () => {
      // 300 MiB of zeros, gzip-compressed to well under 1 MiB, inside a declared attachment
      const { createGzip } = await import("node:zlib");
      const gz = createGzip({ level: 9 });
      const out: Buffer[] = [];
      gz.on("data", (c: Buffer) => out.push(c));
      const total = 300 * 1024 * 1024;
      gz.write(`{}\n{"type":"attachment","length":${total}}\n`);
      const zeros = Buffer.alloc(1024 * 1024);
      for (let i = 0; i < 300; i++) gz.write(zeros);
      await new Promise((r) => gz.end(r));
      const bomb = Buffer.concat(out);
      expect(bomb.length).toBeLessThan(1024 * 1024);
      global.gc?.();
      const rssBefore = process.memoryUsage().rss;
      const res = await post(envelopeUrl, bomb, { "Content-Encoding": "gzip" });
      const rssGrowth = process.memoryUsage().rss - rssBefore;
      expect(res.status).toBe(413);
      expect(res.body.detail).toContain("decompressed body exceeds the limit of 104857600 bytes");
      expect(rssGrowth).toBeLessThan(64 * 1024 * 1024);
    });

    it("rejects a declared Content-Length over the compressed cap", async () => {
      const small = await startTestServer({ maxEnvelopeCompressedBytes: 1000 });
      try {
        const res = await post(`${small.url}/api/${small.projectId}/envelope/?sentry_key=${small.publicKey}`, Buffer.alloc(5000, 32));
        expect(res.status).toBe(413);
        expect(res.body.detail).toContain("exceeds the limit of 1000 bytes");
      } finally {
        await small.close();
      }
    });
  });

  describe("CORS and methods", () => {
    it("answers preflight like Relay and exposes the rate-limit headers", async () => {
      const res = await fetch(envelopeUrl, { method: "OPTIONS", headers: { Origin: "http://app.example", "Access-Control-Request-Method": "POST" } });
      expect(res.status).toBe(200);
      expect(res.headers.get("access-control-allow-origin")).toBe("*");
      expect(res.headers.get("access-control-allow-methods")).toContain("POST");
      expect(res.headers.get("access-control-allow-headers")).toContain("x-sentry-auth");
      expect(res.headers.get("access-control-allow-headers")).toContain("content-encoding");
      const posted = await post(envelopeUrl, eventEnvelope(errorEvent()), { Origin: "http://app.example" });
      expect(posted.headers.get("access-control-expose-headers")).toBe("x-sentry-error, x-sentry-rate-limits, retry-after");
    });

    it("answers GET with 405", async () => {
      const res = await fetch(envelopeUrl);
      expect(res.status).toBe(405);
      expect(res.headers.get("allow")).toBe("POST, OPTIONS");
    });
  });

  describe("/store/ endpoint", () => {
    it("accepts one gzip JSON event with X-Sentry-Auth and mints a missing event_id", async () => {
      const ev = errorEvent();
      delete ev.event_id;
      const res = await post(`${t.url}/api/${t.projectId}/store/`, gzipSync(JSON.stringify(ev)), {
        "Content-Encoding": "gzip",
        "Content-Type": "application/json",
        "X-Sentry-Auth": `Sentry sentry_key=${t.publicKey}, sentry_version=7`,
      });
      expect(res.status).toBe(200);
      expect(res.body.id).toMatch(/^[0-9a-f]{32}$/);
      expect((await storedEvent(res.body.id)).status).toBe(200);
    });
  });

  it("answers 429 with Sentry rate-limit headers over the per-project quota", async () => {
    const limited = await startTestServer({ eventsPerMinute: 2 });
    try {
      const url = `${limited.url}/api/${limited.projectId}/envelope/?sentry_key=${limited.publicKey}`;
      expect((await post(url, eventEnvelope(errorEvent()))).status).toBe(200);
      expect((await post(url, eventEnvelope(errorEvent()))).status).toBe(200);
      // over the limit, one event per issue per minute still passes (test/integration/quotas.test.ts)
      expect((await post(url, eventEnvelope(errorEvent()))).status).toBe(200);
      const third = await post(url, eventEnvelope(errorEvent()));
      expect(third.status).toBe(429);
      const retry = Number(third.headers.get("retry-after"));
      expect(retry).toBeGreaterThan(0);
      expect(retry).toBeLessThanOrEqual(60);
      expect(third.headers.get("x-sentry-rate-limits")).toBe(`${retry}:error;default:project:events_per_minute`);
      // sessions and other items still pass
      const session = { sid: "q1", init: true, started: new Date().toISOString(), attrs: { release: "r@1" } };
      expect((await post(url, makeEnvelope({}, [{ headers: { type: "session" }, payload: JSON.stringify(session) }]))).status).toBe(200);
    } finally {
      await limited.close();
    }
  });

  it("keeps serving after all the bad input above", async () => {
    const ev = errorEvent();
    expect(await post(envelopeUrl, eventEnvelope(ev))).toMatchObject({ status: 200, body: { id: ev.event_id } });
    expect((await fetch(`${t.url}/health`)).status).toBe(200);
  });
});
