import { brotliCompressSync, constants } from "node:zlib";
import { describe, expect, it } from "vitest";
import { decodeEventData, encodeEventData, isZstdFrame } from "../../src/store/event-codec.ts";
import { fixtureEventPayload } from "../_helpers/fixtures.ts";

/** A payload row as LightTrace stored it before zstd (brotli quality 1, window 18), copied from such a database. */
const BROTLI_ROW = Buffer.from("A08AAICqqqrq/3Q14LOCg5kvix7OdvSbgYGDmimrugGomjqIChiAg4HBBhz7TmHgGOEcAGdC28GNq34WD4u2O1+ut/vj+XLT7BluHMIgcWOCBUWKwOCXnIYi" +
  "GRZr8YRBZq0uEnZHKJKdKj0sqhahb6Z/0y/xq29xM5v21OEwUBcr7DAgcWOCAUWKYByPAQ==", "base64");
const BROTLI_ROW_JSON = '{"event_id":"0123456789abcdef0123456789abcdef","level":"error","platform":"node","message":{"formatted":"stored by LightTrace 0.1"},"tags":[["level","error"]]}';

/** The encoder of the versions before zstd, to make old rows of any size. */
const oldEncode = (json: string) => brotliCompressSync(json, { params: {
  [constants.BROTLI_PARAM_QUALITY]: 1, [constants.BROTLI_PARAM_LGWIN]: 18,
  [constants.BROTLI_PARAM_MODE]: constants.BROTLI_MODE_TEXT, [constants.BROTLI_PARAM_SIZE_HINT]: json.length,
} });

describe("event codec", () => {
  const json = JSON.stringify(fixtureEventPayload("node-error-envelope.txt"));

  it("stores new payloads as zstd frames, smaller than the JSON, and reads them back exactly", () => {
    const stored = encodeEventData(json);
    expect(isZstdFrame(stored)).toBe(true);
    expect(stored.length).toBeLessThan(json.length / 2);
    expect(decodeEventData(stored)).toBe(json);
    const unicode = JSON.stringify({ message: "Ünïcödé ✓ 日本語 🚀", extra: { "k\u0000": "\u2028" } });
    expect(decodeEventData(encodeEventData(unicode))).toBe(unicode);
    expect(decodeEventData(encodeEventData(""))).toBe("");
  });

  it("reads rows written by earlier versions: brotli BLOBs and plain-JSON TEXT", () => {
    expect(isZstdFrame(BROTLI_ROW)).toBe(false);
    expect(decodeEventData(BROTLI_ROW)).toBe(BROTLI_ROW_JSON);
    for (const text of ["", "{}", json, json.repeat(40)]) {
      const old = oldEncode(text);
      expect(isZstdFrame(old)).toBe(false);
      expect(decodeEventData(old)).toBe(text);
    }
    expect(decodeEventData(json)).toBe(json);
  });
});
