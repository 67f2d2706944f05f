// npm run bench:ingest — starts the real server, sends realistic error envelopes (5-10 KB, a share
// gzip-encoded, ~100 distinct issues) over loopback HTTP with 32 concurrent connections, and prints
// events/s, latency percentiles and the server's peak RSS. Acknowledged events are checked in the DB.
import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { gzipSync } from "node:zlib";
import Database from "better-sqlite3";
import { compileTemplate, envelopeTemplate, fillCompiled, fillTemplate } from "./bench-fixtures.mjs";
import { startBenchServer } from "./bench-server.mjs";
import { openConnection } from "./bench-client.mjs";

const DURATION_MS = Number(process.env.BENCH_SECONDS ?? 20) * 1000;
const WARMUP_MS = 3000;
const CONCURRENCY = Number(process.env.BENCH_CONCURRENCY ?? 32);
const ISSUES = 100;
const GZIP_SHARE = 0.3;

const dataDir = mkdtempSync(join(tmpdir(), "lighttrace-bench-"));
const started = await startBenchServer(dataDir, process.env.BENCH_NODE_ARGS ? process.env.BENCH_NODE_ARGS.split(" ") : []);
const { server, url } = started;
const dsn = new URL(started.dsn);
const { port, hostname } = new URL(url);
const path = `/api${dsn.pathname}/envelope/?sentry_key=${dsn.username}&sentry_version=7`;

const templates = Array.from({ length: ISSUES }, (_, n) => envelopeTemplate(n, dsn.username));
const compiled = templates.map(compileTemplate);
const sizes = templates.map((t) => Buffer.byteLength(fillTemplate(t, 0)));
// gzip bodies are prepared ahead so compression does not load the generator during the run
const gzipPool = Array.from({ length: 20000 }, (_, i) => gzipSync(fillCompiled(compiled[i % ISSUES], i % 500)));
let gzipNext = 0;

const latencies = [];
let ok = 0, failed = 0, sentBytes = 0;
let measuring = false;
const start = performance.now();
const deadline = start + WARMUP_MS + DURATION_MS;
let cpuAtStart = 0;
setTimeout(() => { measuring = true; ok = 0; failed = 0; latencies.length = 0; sentBytes = 0; cpuAtStart = serverCpuSeconds(); }, WARMUP_MS);

function buildRequest(i) {
  const useGzip = Math.random() < GZIP_SHARE && gzipNext < gzipPool.length;
  const body = useGzip ? gzipPool[gzipNext++] : fillCompiled(compiled[i % ISSUES], i % 500);
  const head = `POST ${path} HTTP/1.1\r\nHost: ${hostname}:${port}\r\nContent-Length: ${body.length}\r\n${useGzip ? "Content-Encoding: gzip\r\n" : ""}\r\n`;
  return { bytes: Buffer.concat([Buffer.from(head), body]), size: body.length };
}

let counter = 0;
await Promise.all(Array.from({ length: CONCURRENCY }, async () => {
  const send = openConnection(port, hostname);
  while (performance.now() < deadline) {
    const { bytes, size } = buildRequest(counter++);
    const t0 = performance.now();
    const status = await send(bytes);
    if (!measuring) continue;
    latencies.push(performance.now() - t0);
    if (status === 200) ok++; else failed++;
    sentBytes += size;
  }
}));
const elapsed = (performance.now() - start - WARMUP_MS) / 1000;
const serverCpu = serverCpuSeconds() - cpuAtStart;
const status = readFileSync(`/proc/${server.pid}/status`, "utf8");
const peakRssMb = Number(/VmHWM:\s+(\d+)/.exec(status)[1]) / 1024;
const rssMb = Number(/VmRSS:\s+(\d+)/.exec(status)[1]) / 1024;

server.kill("SIGTERM");
await new Promise((r) => server.once("exit", r));
const db = new Database(join(dataDir, "lighttrace.db"), { readonly: true });
const stored = db.prepare("SELECT count(*) AS n FROM events").get().n;
const issues = db.prepare("SELECT count(*) AS n FROM issues").get().n;
db.close();
const dbSize = spawnSync("du", ["-sh", dataDir]).stdout.toString().split("\t")[0];
rmSync(dataDir, { recursive: true, force: true });

latencies.sort((a, b) => a - b);
const pct = (p) => latencies[Math.min(latencies.length - 1, Math.floor((p / 100) * latencies.length))].toFixed(1);
console.log(`ingest benchmark: ${CONCURRENCY} connections, ${DURATION_MS / 1000}s measured after ${WARMUP_MS / 1000}s warm-up`);
console.log(`  envelopes: ${Math.min(...sizes)}-${Math.max(...sizes)} bytes, ${ISSUES} distinct issues, ${GZIP_SHARE * 100}% gzip`);
console.log(`  events/s:   ${(ok / elapsed).toFixed(0)}  (${ok} acknowledged, ${failed} failed, ${(sentBytes / elapsed / 1e6).toFixed(1)} MB/s on the wire)`);
console.log(`  latency ms: p50 ${pct(50)}  p90 ${pct(90)}  p99 ${pct(99)}  max ${latencies.at(-1).toFixed(1)}`);
console.log(`  server CPU: ${(serverCpu / elapsed * 100).toFixed(0)}% of one core; ${(ok / serverCpu).toFixed(0)} events per CPU-second (${(serverCpu / ok * 1e6).toFixed(0)} µs per event)`);
console.log(`  server RSS: peak ${peakRssMb.toFixed(0)} MB, at end ${rssMb.toFixed(0)} MB`);
console.log(`  stored: ${stored} events in ${issues} issues (database ${dbSize})`);
if (failed > 0) process.exitCode = 1;

/** utime + stime of the server process, in seconds (/proc/<pid>/stat fields 14 and 15, in clock ticks). */
function serverCpuSeconds() {
  const fields = readFileSync(`/proc/${server.pid}/stat`, "utf8").split(") ")[1].split(" ");
  return (Number(fields[11]) + Number(fields[12])) / 100;
}

