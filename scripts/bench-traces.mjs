// npm run bench:traces — what traces cost: starts the real server, sends browser-like transaction
// envelopes (a page load with 30 child spans, ~7 KB) over loopback HTTP with 16 concurrent
// requests, and prints transactions/s, latency percentiles and the server's CPU per transaction;
// then reads 300 traces back through GET /events-trace/{id}/ and prints that latency.
import { randomBytes } from "node:crypto";
import { readFileSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { benchCli, startBenchServer } from "./bench-server.mjs";

const DURATION_MS = Number(process.env.BENCH_SECONDS ?? 15) * 1000;
const WARMUP_MS = 2000;
const CONCURRENCY = 16;
const SPANS = 30;

const dataDir = mkdtempSync(join(tmpdir(), "lighttrace-bench-traces-"));
const { server, url, dsn: dsnText } = await startBenchServer(dataDir);
const dsn = new URL(dsnText);
const envelopeUrl = `${url}/api${dsn.pathname}/envelope/?sentry_key=${dsn.username}`;
const hex = (n) => randomBytes(n).toString("hex");

function transactionEnvelope(traceId) {
  const now = Date.now() / 1000;
  const root = hex(8);
  const spans = Array.from({ length: SPANS }, (_, i) => ({
    span_id: hex(8), parent_span_id: root, trace_id: traceId, op: i % 3 ? "resource.script" : "http.client",
    description: `GET https://cdn.example.com/assets/chunk-${i}.js`, status: "ok",
    start_timestamp: now - 2 + i * 0.03, timestamp: now - 1.9 + i * 0.03, origin: "auto.resource.browser.metrics",
    data: { "http.response_content_length": 12345, "resource.render_blocking_status": "non-blocking" },
  }));
  const tx = {
    type: "transaction", event_id: hex(16), transaction: "/checkout", transaction_info: { source: "url" }, platform: "javascript",
    start_timestamp: now - 2, timestamp: now, release: "web@1.0.0", environment: "production",
    contexts: { trace: { trace_id: traceId, span_id: root, op: "pageload", status: "ok" } }, spans,
    measurements: { lcp: { value: 812, unit: "millisecond" } }, sdk: { name: "sentry.javascript.browser", version: "11.12.0" },
  };
  const payload = JSON.stringify(tx);
  return `${JSON.stringify({ event_id: tx.event_id, sent_at: new Date().toISOString(), trace: { trace_id: traceId, public_key: dsn.username } })}\n` +
    `${JSON.stringify({ type: "transaction", length: Buffer.byteLength(payload) })}\n${payload}\n`;
}

const traceIds = [];
const latencies = [];
let ok = 0, failed = 0, measuring = false, cpuAtStart = 0;
const start = performance.now();
const deadline = start + WARMUP_MS + DURATION_MS;
setTimeout(() => { measuring = true; ok = 0; failed = 0; latencies.length = 0; cpuAtStart = serverCpuSeconds(); }, WARMUP_MS);
const sample = transactionEnvelope(hex(16));
await Promise.all(Array.from({ length: CONCURRENCY }, async () => {
  while (performance.now() < deadline) {
    const traceId = hex(16);
    const body = transactionEnvelope(traceId);
    const t0 = performance.now();
    const res = await fetch(envelopeUrl, { method: "POST", body });
    await res.arrayBuffer();
    // the latest ones: the oldest may already be gone under the span cap (LIGHTTRACE_MAX_STORED_TRACE_SPANS)
    traceIds.push(traceId);
    if (traceIds.length > 2000) traceIds.shift();
    if (!measuring) continue;
    latencies.push(performance.now() - t0);
    if (res.status === 200) ok++; else failed++;
  }
}));
const elapsed = (performance.now() - start - WARMUP_MS) / 1000;
const serverCpu = serverCpuSeconds() - cpuAtStart;

// reads: the trace view's API on random stored traces (a token from the CLI against the same data dir)
const reads = [];
try {
  const { token } = benchCli(dataDir, "tokens", "create", "--name", "bench", "--scope", "read");
  for (let i = 0; i < 300; i++) {
    const id = traceIds[Math.floor(Math.random() * traceIds.length)];
    const t0 = performance.now();
    const res = await fetch(`${url}/api/0/organizations/lighttrace/events-trace/${id}/`, { headers: { Authorization: `Bearer ${token}` } });
    const body = await res.json();
    reads.push(performance.now() - t0);
    if (res.status !== 200 || body.transactions[0].spans.length !== SPANS) throw new Error(`trace read failed: ${res.status}`);
  }
} finally {
  server.kill("SIGTERM");
}
await new Promise((r) => server.once("exit", r));
rmSync(dataDir, { recursive: true, force: true });

const pct = (list, p) => { const s = [...list].sort((a, b) => a - b); return s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))].toFixed(1); };
console.log(`traces benchmark: ${CONCURRENCY} concurrent requests (fetch client on the same cores), ${DURATION_MS / 1000}s measured after ${WARMUP_MS / 1000}s warm-up`);
console.log(`  envelope: one page-load transaction with ${SPANS} spans, ${Buffer.byteLength(sample)} bytes`);
console.log(`  transactions/s: ${(ok / elapsed).toFixed(0)} (${((ok * (SPANS + 1)) / elapsed).toFixed(0)} spans/s; ${ok} acknowledged, ${failed} failed)`);
console.log(`  latency ms: p50 ${pct(latencies, 50)}  p90 ${pct(latencies, 90)}  p99 ${pct(latencies, 99)}`);
console.log(`  server CPU: ${(serverCpu / ok * 1e6).toFixed(0)} µs per transaction (${(serverCpu / elapsed * 100).toFixed(0)}% of one core)`);
console.log(`  events-trace reads (300 random traces, ${SPANS + 1} spans each): p50 ${pct(reads, 50)} ms  p95 ${pct(reads, 95)} ms`);
if (failed > 0) process.exitCode = 1;

function serverCpuSeconds() {
  const fields = readFileSync(`/proc/${server.pid}/stat`, "utf8").split(") ")[1].split(" ");
  return (Number(fields[11]) + Number(fields[12])) / 100;
}

