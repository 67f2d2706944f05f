import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createBrotliCompress, createDeflate, createGzip, constants as zlibConstants, type BrotliCompress, type Gzip } from "node:zlib";
import { systemClock } from "../clock.ts";
import { loadConfig } from "../config.ts";
import { createLogger } from "../logger.ts";
import { startServer } from "../lighttrace.ts";
import { print } from "./output.ts";

const GiB = 1024 * 1024 * 1024;

export interface BombResult { encoding: string; decompressedBytes: number; compressedBytes: number; status: number; detail: string; rssGrowthBytes: number; ms: number }

/**
 * `lighttrace selftest bomb`: starts a throw-away server in this process and sends it
 * decompression bombs (gzip, deflate, br; each an envelope whose attachment inflates to 1 GiB of
 * zeros). Each must be answered 413 and the process's memory must stay flat (under 64 MiB of growth for 1 GiB): the body is inflated
 * as a stream and reading stops at the decompressed cap. Exits 1 if any check fails.
 */
export async function runSelftestBomb(flags: { json?: boolean; size?: number }): Promise<void> {
  const results = await selftestBombs({ decompressedBytes: flags.size ? flags.size * 1024 * 1024 : GiB });
  const failed = results.filter((r) => !bombPassed(r));
  print(flags.json, results, () => [
    ...results.map((r) => `${bombPassed(r) ? "ok  " : "FAIL"} ${r.encoding.padEnd(8)} ${(r.decompressedBytes / GiB).toFixed(2)} GiB in ${(r.compressedBytes / 1024).toFixed(0)} KiB`
      + ` → ${r.status} in ${r.ms} ms, RSS +${(r.rssGrowthBytes / 1024 / 1024).toFixed(1)} MiB (${r.detail})`),
    failed.length ? `${failed.length} bomb check(s) failed` : "all bombs refused with 413, memory flat",
  ]);
  if (failed.length) process.exitCode = 1;
}

/** The most a bomb may grow the process's resident memory by and still count as "flat". */
export const MAX_BOMB_RSS_GROWTH = 64 * 1024 * 1024;

export function bombPassed(r: BombResult): boolean {
  return r.status === 413 && r.rssGrowthBytes < MAX_BOMB_RSS_GROWTH;
}

/** Builds the bombs, then sends each to a fresh in-process server and measures it. */
export async function selftestBombs(opts: { decompressedBytes: number }): Promise<BombResult[]> {
  const encodings = ["gzip", "deflate", "br"] as const;
  const bombs = [];
  for (const encoding of encodings) bombs.push({ encoding, body: await buildBomb(encoding, opts.decompressedBytes) });
  const dataDir = mkdtempSync(join(tmpdir(), "lighttrace-selftest-"));
  const server = await startServer(loadConfig({}, { port: 0, dataDir, logLevel: "error" }), { logger: createLogger("error"), clock: systemClock });
  try {
    const { project, key } = server.bootstrap.firstProject!;
    const url = `${server.url}/api/${project.id}/envelope/?sentry_key=${key.publicKey}`;
    // warm up: the HTTP client and each decoder's streaming path (12 MiB, past the one-call inflate
    // limit, under the cap) load on first use; only the bombs themselves are measured
    for (const encoding of encodings) {
      const warm = await buildBomb(encoding, 12 * 1024 * 1024);
      await (await fetch(url, { method: "POST", body: new Uint8Array(warm), headers: { "Content-Encoding": encoding } })).text();
    }
    const results: BombResult[] = [];
    for (const { encoding, body } of bombs) {
      global.gc?.();
      const baseline = process.memoryUsage().rss;
      let peak = baseline;
      const sampler = setInterval(() => (peak = Math.max(peak, process.memoryUsage().rss)), 5);
      const started = performance.now();
      const res = await fetch(url, { method: "POST", body: new Uint8Array(body), headers: { "Content-Encoding": encoding } });
      const text = await res.text();
      clearInterval(sampler);
      peak = Math.max(peak, process.memoryUsage().rss);
      let detail = text;
      try {
        detail = String(JSON.parse(text).detail);
      } catch {
        // keep the raw text
      }
      results.push({
        encoding, decompressedBytes: opts.decompressedBytes, compressedBytes: body.length, status: res.status, detail,
        rssGrowthBytes: peak - baseline, ms: Math.round(performance.now() - started),
      });
    }
    return results;
  } finally {
    await server.close();
    rmSync(dataDir, { recursive: true, force: true });
  }
}

/**
 * An envelope whose one attachment item is `decompressedBytes` of zeros, compressed as a stream
 * (never held decompressed): a few hundred KiB to a MiB on the wire.
 */
export async function buildBomb(encoding: "gzip" | "deflate" | "br", decompressedBytes: number): Promise<Buffer> {
  const compressor: Gzip | BrotliCompress = encoding === "gzip" ? createGzip({ level: 9 }) : encoding === "deflate" ? createDeflate({ level: 9 })
    : createBrotliCompress({ params: { [zlibConstants.BROTLI_PARAM_QUALITY]: 5, [zlibConstants.BROTLI_PARAM_SIZE_HINT]: decompressedBytes } });
  const out: Buffer[] = [];
  compressor.on("data", (c: Buffer) => out.push(c));
  const done = new Promise<void>((resolve, reject) => {
    compressor.on("end", resolve);
    compressor.on("error", reject);
  });
  const header = `{"event_id":"${"b".repeat(32)}"}\n{"type":"attachment","length":${decompressedBytes},"filename":"bomb.bin"}\n`;
  compressor.write(header);
  const zeros = Buffer.alloc(1024 * 1024);
  for (let left = decompressedBytes; left > 0; left -= zeros.length) {
    const chunk = left >= zeros.length ? zeros : zeros.subarray(0, left);
    if (!compressor.write(chunk)) await new Promise((r) => compressor.once("drain", r));
  }
  compressor.end("\n");
  await done;
  return Buffer.concat(out);
}
