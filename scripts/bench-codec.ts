/**
 * bench:codec — how stored event payloads are compressed: brotli at several qualities against zstd
 * at several levels (both node:zlib on Node 24), on the stored form of bench:ingest's 2,000
 * envelopes (each event normalised and prepared exactly as ingest does, then serialised). Prints,
 * per codec: compressed size (total and ratio), compress and decompress µs per event (median of
 * several passes over all events, one thread). Plain JSON is the baseline.
 * Usage: node scripts/bench-codec.ts [--passes 7]
 */
import { readFileSync } from "node:fs";
import { parseArgs } from "node:util";
import { brotliCompressSync, brotliDecompressSync, constants, zstdCompressSync, zstdDecompressSync } from "node:zlib";
import { normalizeEvent } from "../src/events/normalize.ts";
import { prepareEvent } from "../src/process/prepare-event.ts";
import { DEFAULT_GROUPING_CONFIG } from "../src/grouping/mechanisms.ts";
// @ts-expect-error a plain .mjs module without types
import { buildEnvelopes, eventIdSource, fillBody } from "./bench-envelopes.mjs";

const { values: opts } = parseArgs({ options: { passes: { type: "string", default: "7" } } });
const PASSES = Number(opts.passes);

const nextId = eventIdSource() as () => Buffer;
const payloads = (buildEnvelopes(2000, 120, "0".repeat(32)) as { pieces: Buffer[] }[]).map((envelope) => {
  const text = fillBody(envelope, nextId()).toString("utf8").split("\n")[2]!;
  const event = normalizeEvent(JSON.parse(text), { receivedAtMs: Date.now(), newEventId: () => "0".repeat(32) });
  return Buffer.from(prepareEvent(event, DEFAULT_GROUPING_CONFIG).payload);
});
const plainBytes = payloads.reduce((n, p) => n + p.length, 0);

const brotli = (quality: number, lgwin: number) => ({
  name: `brotli q${quality} w${lgwin}`,
  compress: (b: Buffer) => brotliCompressSync(b, { params: {
    [constants.BROTLI_PARAM_QUALITY]: quality, [constants.BROTLI_PARAM_LGWIN]: lgwin,
    [constants.BROTLI_PARAM_MODE]: constants.BROTLI_MODE_TEXT, [constants.BROTLI_PARAM_SIZE_HINT]: b.length,
  } }),
  decompress: (b: Buffer) => brotliDecompressSync(b),
});
const zstd = (level: number) => ({
  name: `zstd ${level}`,
  compress: (b: Buffer) => zstdCompressSync(b, { params: { [constants.ZSTD_c_compressionLevel]: level, [constants.ZSTD_c_checksumFlag]: 0 }, pledgedSrcSize: b.length }),
  decompress: (b: Buffer) => zstdDecompressSync(b),
});
const codecs = [brotli(0, 18), brotli(1, 18), brotli(2, 18), brotli(4, 18), zstd(-5), zstd(-3), zstd(-1), zstd(1), zstd(2), zstd(3), zstd(6)];

const load = () => readFileSync("/proc/loadavg", "utf8").split(" ").slice(0, 3).join(" ");
console.log(`bench:codec — ${payloads.length} stored event payloads, ${(plainBytes / payloads.length / 1024).toFixed(1)} KiB of JSON each on average ` +
  `(${(plainBytes / 1e6).toFixed(1)} MB in all); ${PASSES} passes, codecs interleaved within each pass; CPU time of this thread (not wall time, ` +
  `so other load on the machine weighs less); load average ${load()}`);
const results = codecs.map((codec) => {
  const compressed = payloads.map((p) => codec.compress(p));
  for (let i = 0; i < compressed.length; i++) {
    if (!codec.decompress(compressed[i]!).equals(payloads[i]!)) throw new Error(`${codec.name} does not round-trip`);
  }
  return { codec, compressed, compressUs: [] as number[], decompressUs: [] as number[] };
});
for (let pass = 0; pass < PASSES; pass++) {
  for (const r of pass % 2 ? [...results].reverse() : results) {
    let t0 = cpuMicros();
    for (const p of payloads) r.codec.compress(p);
    r.compressUs.push((cpuMicros() - t0) / payloads.length);
    t0 = cpuMicros();
    for (const c of r.compressed) r.codec.decompress(c);
    r.decompressUs.push((cpuMicros() - t0) / payloads.length);
  }
}
console.log("codec              stored bytes/event   ratio   compress µs/event   decompress µs/event   (CPU, median of passes)");
for (const { codec, compressed, compressUs, decompressUs } of results) {
  const bytes = compressed.reduce((n, c) => n + c.length, 0);
  console.log(`${codec.name.padEnd(18)} ${String(Math.round(bytes / payloads.length)).padStart(18)} ${(plainBytes / bytes).toFixed(2).padStart(7)}x` +
    ` ${median(compressUs).toFixed(1).padStart(19)} ${median(decompressUs).toFixed(1).padStart(21)}`);
}
console.log(`load average after: ${load()}`);

function cpuMicros(): number {
  const u = process.cpuUsage();
  return u.user + u.system;
}

function median(values: number[]): number {
  const s = [...values].sort((a, b) => a - b);
  return s[s.length >> 1]!;
}
