import { describe, expect, it } from "vitest";
import { EnvelopeParser, type Envelope } from "../../src/ingest/envelope.ts";
import { readFixture } from "../_helpers/fixtures.ts";

const keepEvents = (type: string) => (type === "event" || type === "transaction" || type === "session" ? 1 << 20 : 0);

function parseInChunks(body: Buffer, chunkSize: number): Envelope {
  const parser = new EnvelopeParser(keepEvents);
  for (let i = 0; i < body.length; i += chunkSize) parser.push(body.subarray(i, i + chunkSize));
  return parser.end();
}

describe("EnvelopeParser", () => {
  const captures = ["node-error-envelope.txt", "browser-error-envelope.txt", "node-session-envelope.txt", "python-session-envelope.txt", "python-transaction-envelope.txt"];
  for (const name of captures) {
    it(`parses the real capture ${name} identically at any chunking`, () => {
      const body = readFixture(name);
      const whole = parseInChunks(body, body.length);
      expect(whole.items).toHaveLength(1);
      for (const size of [1, 2, 7, 64, 1000]) {
        const chunked = parseInChunks(body, size);
        expect(chunked.headers).toEqual(whole.headers);
        expect(chunked.items.map((i) => [i.type, i.length, i.payload?.toString()])).toEqual(whole.items.map((i) => [i.type, i.length, i.payload?.toString()]));
      }
    });
  }

  it("reads the node capture's event item without a length header", () => {
    const env = parseInChunks(readFixture("node-error-envelope.txt"), 100);
    expect(env.headers.event_id).toBe("a4fe3b04d6774df4b47b9350eff34484");
    expect(env.items[0]!.type).toBe("event");
    expect(JSON.parse(env.items[0]!.payload!.toString()).exception.values[0].type).toBe("SyntaxError");
  });

  it("reads python's length-prefixed items followed by a blank trailing line", () => {
    const env = parseInChunks(readFixture("python-transaction-envelope.txt"), 3);
    expect(env.items[0]!.type).toBe("transaction");
    expect(env.items[0]!.length).toBe(861);
    expect(JSON.parse(env.items[0]!.payload!.toString()).transaction).toBe("demo-task");
  });

  it("counts but does not keep payloads of types it was not asked for", () => {
    const body = Buffer.from('{}\n{"type":"attachment","length":5}\nhello\n{"type":"client_report"}\n{"x":1}\n');
    const env = parseInChunks(body, 4);
    expect(env.items.map((i) => [i.type, i.length, i.payload])).toEqual([["attachment", 5, undefined], ["client_report", 7, undefined]]);
  });

  it("keeps payload bytes exactly, newlines included, for length-prefixed items", () => {
    const payload = '{"a":"line1\\nline2"}\n\n';
    const body = Buffer.from(`{}\n{"type":"event","length":${Buffer.byteLength(payload)}}\n${payload}`);
    const env = parseInChunks(body, 5);
    expect(env.items[0]!.payload!.toString()).toBe(payload);
  });

  it("enforces the per-item cap for kept items even without a length header", () => {
    const parser = new EnvelopeParser(() => 10);
    parser.push(Buffer.from('{}\n{"type":"event"}\n'));
    expect(() => parser.push(Buffer.from("x".repeat(11)))).toThrow(expect.objectContaining({ status: 413 }));
    expect(() => new EnvelopeParser(() => 10).push(Buffer.from('{}\n{"type":"event","length":11}\n'))).toThrow(expect.objectContaining({ status: 413 }));
  });

  it("pauses after the envelope header and parses the held bytes identically on resume, at any chunking", () => {
    const body = readFixture("python-transaction-envelope.txt");
    const whole = parseInChunks(body, body.length);
    for (const size of [1, 5, 64, body.length]) {
      const parser = new EnvelopeParser(keepEvents, { pauseAfterHeader: true });
      let pausedAt = -1;
      for (let i = 0; i < body.length; i += size) {
        parser.push(body.subarray(i, i + size));
        if (parser.isPaused && pausedAt < 0) {
          pausedAt = i;
          expect(parser.envelopeHeaders).toEqual(whole.headers);
          parser.resume();
        }
      }
      expect(pausedAt).toBeGreaterThanOrEqual(0);
      expect(parser.end().items.map((i) => [i.type, i.length, i.payload?.toString()])).toEqual(whole.items.map((i) => [i.type, i.length, i.payload?.toString()]));
    }
  });

  it("caps the kept payloads of all items together, with and without length headers", () => {
    const framed = new EnvelopeParser(() => 10, { maxKeptBytes: 15 });
    framed.push(Buffer.from('{}\n{"type":"event","length":8}\n12345678\n'));
    expect(() => framed.push(Buffer.from('{"type":"event","length":8}\n'))).toThrowError("the envelope's items to process exceed the limit of 15 bytes in total");
    const unframed = new EnvelopeParser(() => 10, { maxKeptBytes: 15 });
    unframed.push(Buffer.from('{}\n{"type":"event"}\n12345678\n{"type":"event"}\n1234567'));
    expect(() => unframed.push(Buffer.from("8"))).toThrowError("exceed the limit of 15 bytes in total");
  });
});
