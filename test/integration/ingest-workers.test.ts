import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createGzip } from "node:zlib";
import { WorkerCrashedError } from "../../src/ingest/workers/errors.ts";
import { IngestWorkerPool } from "../../src/ingest/workers/pool.ts";
import { transferableCopy, type BodySpec } from "../../src/ingest/workers/protocol.ts";
import { createLogger } from "../../src/logger.ts";
import { DEFAULT_GROUPING_CONFIG } from "../../src/grouping/mechanisms.ts";
import { startTestServer, type TestServer } from "../_helpers/server.ts";
import { errorEvent, eventEnvelope, makeEnvelope } from "../_helpers/envelopes.ts";

const MiB = 1024 * 1024;

describe("ingest worker threads", () => {
  describe("through the server", () => {
    let t: TestServer;
    beforeAll(async () => {
      t = await startTestServer({ ingestWorkers: 2 });
    });
    afterAll(async () => {
      await t.close();
    });

    it("checks the envelope header's DSN before it decodes the items", async () => {
      // no key on the request, a DSN of another key in the header, then 300 MiB of gzip'd zeros: a
      // server that decoded first would answer 413 after inflating 100 MiB; this one refuses at the header
      const header = { dsn: t.dsn.replace(t.publicKey, "f".repeat(32)) };
      const body = await gzipStream(`${JSON.stringify(header)}\n{"type":"attachment","length":${300 * MiB}}\n`, 300 * MiB);
      const res = await fetch(`${t.url}/api/${t.projectId}/envelope/`, { method: "POST", body: new Uint8Array(body), headers: { "Content-Encoding": "gzip" } });
      expect(res.status).toBe(403);
      expect((await res.json()).detail).toContain("unknown or disabled DSN key");
    });

    it("stores events sent on many connections at once, processed on the main thread until a worker has loaded, then in the workers", async () => {
      const events = Array.from({ length: 40 }, (_, i) => errorEvent({ message: `parallel ${i}` }));
      const answers = await Promise.all(events.map((ev) =>
        fetch(`${t.url}/api/${t.projectId}/envelope/?sentry_key=${t.publicKey}`, { method: "POST", body: new Uint8Array(eventEnvelope(ev)) })));
      expect(answers.map((r) => r.status)).toEqual(events.map(() => 200));
      for (const ev of events) expect((await t.api(`/api/0/projects/lighttrace/my-project/events/${ev.event_id}/`)).status).toBe(200);
      expect(t.server.ingestWorkers()).toBeGreaterThanOrEqual(1);
      expect(t.server.ingestWorkers()).toBeLessThanOrEqual(2);
    });
  });

  describe("the pool", () => {
    const spec = (maxEventBytes: number): BodySpec => ({
      endpoint: "envelope", encoding: "", projectId: 1, receivedAtMs: Date.now(), awaitHeaderAuth: false,
      maxCompressedBytes: 64 * MiB, maxDecompressedBytes: 64 * MiB, maxEventBytes, maxEnvelopeItemBytes: 64 * MiB,
    });
    const project = { projectId: 1, version: 1, config: { hasSourceMaps: false, grouping: DEFAULT_GROUPING_CONFIG } };

    it("runs the first bodies itself while the workers load, then hands them to the workers", async () => {
      const pool = new IngestWorkerPool({ size: 1, logger: createLogger("error", () => {}), resourceLimits: {} });
      try {
        const first = errorEvent();
        const done = await pool.startBody(spec(MiB), project, own(eventEnvelope(first)), false).result;
        expect(done.events[0]!.eventId).toBe(first.event_id);
        expect(pool.running).toBe(1); // started by the first body, which did not wait for it
        await warm(pool, 1);
        expect(pool.ready).toBe(1);
      } finally {
        await pool.close();
      }
    });

    it("fails only the jobs of a worker that crashes (out of heap) and starts a fresh one for the next", async () => {
      // a worker heap of 16 MiB: an event of 300,000 objects (7 MB of JSON) cannot be parsed in it
      const pool = new IngestWorkerPool({ size: 2, logger: createLogger("error", () => {}), resourceLimits: { maxOldGenerationSizeMb: 16, maxYoungGenerationSizeMb: 4 } });
      try {
        await warm(pool, 2);
        const huge = errorEvent({ extra: { rows: Array.from({ length: 300_000 }, (_, i) => ({ i, v: "row" })) } });
        const small = errorEvent();
        const crashing = pool.startBody(spec(64 * MiB), project, own(eventEnvelope(huge)), false);
        const healthy = pool.startBody(spec(MiB), project, own(eventEnvelope(small)), false);
        await expect(crashing.result).rejects.toBeInstanceOf(WorkerCrashedError);
        const done = await healthy.result;
        expect(done.eventId).toBe(small.event_id);
        await warm(pool, 1);
        const after = errorEvent();
        const next = await pool.startBody(spec(MiB), project, own(eventEnvelope(after)), false).result;
        expect(next.events[0]!.eventId).toBe(after.event_id);
        expect(next.payloads.byteLength).toBe(next.events[0]!.payloadBytes);
      } finally {
        await pool.close();
      }
    }, 120_000);

    it("streams a large body with flow control and answers as soon as the worker refuses it", async () => {
      const pool = new IngestWorkerPool({ size: 1, logger: createLogger("error", () => {}), resourceLimits: { maxOldGenerationSizeMb: 64 } });
      try {
        await warm(pool, 1);
        const body = makeEnvelope({}, [{ headers: { type: "event" }, payload: JSON.stringify(errorEvent({ extra: { blob: "x".repeat(2 * MiB) } })) }]);
        const job = pool.startBody(spec(MiB), project, own(body.subarray(0, 64 * 1024)), true);
        for (let offset = 64 * 1024; offset < body.length && !job.settled; offset += 64 * 1024) await job.push(own(body.subarray(offset, offset + 64 * 1024)));
        expect(job.settled).toBe(true); // refused at the item's length header, long before the end
        await expect(job.result).rejects.toMatchObject({ status: 413 });
      } finally {
        await pool.close();
      }
    });
  });
});

/** Sends small bodies, `n` at a time, until `n` workers are loaded (the first bodies run on the main thread). */
async function warm(pool: IngestWorkerPool, n: number): Promise<void> {
  const spec: BodySpec = {
    endpoint: "envelope", encoding: "", projectId: 1, receivedAtMs: Date.now(), awaitHeaderAuth: false,
    maxCompressedBytes: MiB, maxDecompressedBytes: MiB, maxEventBytes: MiB, maxEnvelopeItemBytes: MiB,
  };
  const project = { projectId: 1, version: 1, config: { hasSourceMaps: false, grouping: DEFAULT_GROUPING_CONFIG } };
  while (pool.ready < n) {
    await Promise.all(Array.from({ length: n }, () => pool.startBody(spec, project, own(eventEnvelope(errorEvent())), false).result));
    await new Promise((r) => setTimeout(r, 20));
  }
}

/** A copy with an ArrayBuffer of its own: the pool transfers what it is given. */
function own(bytes: Uint8Array): Buffer {
  return transferableCopy([bytes], bytes.length);
}

/** `head` then `zeros` bytes of zeros, gzip-compressed as a stream. */
async function gzipStream(head: string, zeros: number): Promise<Buffer> {
  const gz = createGzip({ level: 9 });
  const out: Buffer[] = [];
  gz.on("data", (c: Buffer) => out.push(c));
  gz.write(head);
  const chunk = Buffer.alloc(MiB);
  for (let left = zeros; left > 0; left -= MiB) gz.write(left >= MiB ? chunk : chunk.subarray(0, left));
  await new Promise((resolve) => gz.end(resolve));
  return Buffer.concat(out);
}
