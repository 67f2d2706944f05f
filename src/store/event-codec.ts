import { brotliCompressSync, brotliDecompressSync, constants } from "node:zlib";

/**
 * How event payloads are stored: brotli at quality 1 with a 256 KiB window. Error events are
 * repetitive JSON (frames, context lines, breadcrumbs) and shrink 4-7x, which cuts the bytes every
 * commit and checkpoint writes by the same factor, for ~35 µs per 10 KB event. (The async zlib API
 * costs far more per small buffer: it builds a stream per call.)
 */
export function encodeEventData(json: string): Buffer {
  return brotliCompressSync(json, {
    params: {
      [constants.BROTLI_PARAM_QUALITY]: 1,
      [constants.BROTLI_PARAM_LGWIN]: 18,
      [constants.BROTLI_PARAM_MODE]: constants.BROTLI_MODE_TEXT,
      [constants.BROTLI_PARAM_SIZE_HINT]: json.length,
    },
  });
}

export function decodeEventData(data: Buffer | string): string {
  // TEXT values are plain JSON (written by hand or by tools); BLOBs are brotli
  return typeof data === "string" ? data : brotliDecompressSync(data).toString("utf8");
}
