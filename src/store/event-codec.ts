import { brotliDecompressSync, constants, zstdCompressSync, zstdDecompressSync } from "node:zlib";

/**
 * How event payloads are stored: zstd at level 1 (no checksum: SQLite and PostgreSQL guard their
 * pages; the content size goes in the frame header). Error events are repetitive JSON (frames,
 * context lines, breadcrumbs) and shrink ~3.8x, which cuts the bytes every commit and checkpoint
 * writes by the same factor. Chosen with `node scripts/bench-codec.ts` on bench:ingest's events
 * (README, "Performance"): against brotli quality 1, the codec before it, 7% smaller, 18% less CPU
 * to compress and 44% less to read back.
 *
 * Each row says its codec by its first bytes, so rows of every earlier version keep reading:
 * a zstd frame starts with the magic 28 B5 2F FD; any other BLOB is brotli (what earlier versions
 * wrote: quality 1, window 18, so the stream's first byte has low nibble 0x3, never 0x28's 0x8);
 * TEXT is plain JSON (written by hand or by tools).
 */
export function encodeEventData(json: string): Buffer {
  const bytes = Buffer.from(json);
  return zstdCompressSync(bytes, {
    params: { [constants.ZSTD_c_compressionLevel]: 1, [constants.ZSTD_c_checksumFlag]: 0 },
    pledgedSrcSize: bytes.length,
  });
}

export function decodeEventData(data: Buffer | string): string {
  if (typeof data === "string") return data;
  return (isZstdFrame(data) ? zstdDecompressSync(data) : brotliDecompressSync(data)).toString("utf8");
}

/** Whether `data` starts with a zstd frame's magic number (RFC 8878 §3.1.1: 0xFD2FB528, little-endian). */
export function isZstdFrame(data: Uint8Array): boolean {
  return data.length >= 4 && data[0] === 0x28 && data[1] === 0xb5 && data[2] === 0x2f && data[3] === 0xfd;
}
