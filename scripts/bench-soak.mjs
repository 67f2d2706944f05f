// npm run bench:soak [-- --minutes 10] — a long run at half the measured maximum ingest rate with
// the web UI's API polled, on the real server (dist/) with its default retention (10,000 stored
// events per project). Prints, per minute: server RSS, ingest p50/p99, errors, UI poll p99; then
// whether RSS grew (second half vs first half) and the totals. Exits 1 on any error.
// Options: --minutes N (default 10; fractions allowed), --max-rate N (skip the measurement),
// --measure-seconds N (default 15), --share 0.5 (of the max rate).
import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { gzipSync } from "node:zlib";
import Database from "better-sqlite3";
import { compileTemplate, envelopeTemplate, fillCompiled } from "./bench-fixtures.mjs";
import { openConnection } from "./bench-client.mjs";
import { benchCli, startBenchServer } from "./bench-server.mjs";

const { values: opts } = parseArgs({
  options: {
    minutes: { type: "string", default: "10" },
    "max-rate": { type: "string" },
    "measure-seconds": { type: "string", default: "15" },
    share: { type: "string", default: "0.5" },
  },
});
const MINUTES = Number(opts.minutes);
const ISSUES = 100;
const CONNECTIONS = 32;

const dataDir = mkdtempSync(join(tmpdir(), "lighttrace-soak-"));
// retention on, as installed: the soak must show bounded memory and disk with eviction running
const { server, url, dsn: dsnText } = await startBenchServer(dataDir, [], { LIGHTTRACE_MAX_STORED_EVENTS: "10000" });
const dsn = new URL(dsnText);
const { port, hostname } = new URL(url);
const path = `/api${dsn.pathname}/envelope/?sentry_key=${dsn.username}&sentry_version=7`;
const compiled = Array.from({ length: ISSUES }, (_, n) => compileTemplate(envelopeTemplate(n, dsn.username)));
let counter = 0;
const request = () => {
  const i = counter++;
  const body = fillCompiled(compiled[i % ISSUES], i % 500);
  const gz = i % 10 < 3;
  const payload = gz ? gzipSync(body) : body;
  return Buffer.concat([Buffer.from(`POST ${path} HTTP/1.1\r\nHost: ${hostname}:${port}\r\nContent-Length: ${payload.length}\r\n${gz ? "Content-Encoding: gzip\r\n" : ""}\r\n`), payload]);
};
const connections = Array.from({ length: CONNECTIONS }, () => openConnection(port, hostname));

// 1. the maximum: every connection sends back to back
let maxRate = Number(opts["max-rate"] ?? 0);
if (!maxRate) {
  const seconds = Number(opts["measure-seconds"]);
  let ok = 0;
  const until = performance.now() + seconds * 1000;
  await Promise.all(connections.map(async (send) => {
    while (performance.now() < until) if ((await send(request())) === 200) ok++;
  }));
  maxRate = ok / seconds;
  console.log(`measured maximum: ${maxRate.toFixed(0)} events/s over ${seconds} s (${CONNECTIONS} connections)`);
}
const rate = maxRate * Number(opts.share);

// 2. a read token for the UI poller
const { token } = benchCli(dataDir, "tokens", "create", "--name", "soak", "--scope", "read");

// 3. the soak: open loop at `rate`, paced every 10 ms over the free connections
console.log(`soak: ${MINUTES} min at ${rate.toFixed(0)} events/s (${Number(opts.share) * 100}% of ${maxRate.toFixed(0)}), UI polled every 2 s, retention cap 10,000`);
console.log("minute  RSS MB  events/s  p50 ms  p99 ms  errors  late  UI p99 ms");
const free = [...connections];
const minutes = [];
let bucket = newBucket();
let due = 0;
const started = performance.now();
const end = started + MINUTES * 60_000;
let nextMinute = started + Math.min(60_000, MINUTES * 60_000);
const pacer = setInterval(() => {
  due += rate / 100;
  while (due >= 1) {
    due--;
    const send = free.pop();
    if (!send) { bucket.late++; continue; } // every connection busy: the server fell behind
    const t0 = performance.now();
    send(request()).then((status) => {
      bucket.latencies.push(performance.now() - t0);
      if (status === 200) bucket.ok++; else bucket.errors++;
      free.push(send);
    });
  }
}, 10);
const uiPaths = ["/api/0/organizations/lighttrace/issues/?sort=priority&query=is:unresolved&limit=25&statsPeriod=24h", "/"];
const poller = setInterval(async () => {
  for (const p of uiPaths) {
    const t0 = performance.now();
    try {
      const res = await fetch(url + p, { headers: { Authorization: `Bearer ${token}` } });
      const body = await res.text();
      if (p.startsWith("/api/") && res.ok) {
        const first = JSON.parse(body)[0];
        if (first) await (await fetch(`${url}/api/0/issues/${first.id}/events/latest/`, { headers: { Authorization: `Bearer ${token}` } })).text();
      }
      if (!res.ok) bucket.uiErrors++;
    } catch {
      bucket.uiErrors++;
    }
    bucket.ui.push(performance.now() - t0);
  }
}, 2_000);

while (performance.now() < end) {
  await new Promise((r) => setTimeout(r, 250));
  if (performance.now() >= nextMinute || performance.now() >= end) {
    const seconds = (Math.min(performance.now(), end) - bucket.start) / 1000;
    const row = summarize(bucket, seconds, minutes.length + 1);
    minutes.push(row);
    console.log(`${String(row.minute).padStart(6)}  ${row.rssMb.toFixed(0).padStart(6)}  ${row.rate.toFixed(0).padStart(8)}  ${row.p50.toFixed(1).padStart(6)}  ${row.p99.toFixed(1).padStart(6)}  ${String(row.errors).padStart(6)}  ${String(row.late).padStart(4)}  ${row.uiP99.toFixed(1).padStart(9)}`);
    bucket = newBucket();
    nextMinute += 60_000;
  }
}
clearInterval(pacer);
clearInterval(poller);
await new Promise((r) => setTimeout(r, 1_000));
for (const c of connections) c.close();

const status = readFileSync(`/proc/${server.pid}/status`, "utf8");
const peakRss = Number(/VmHWM:\s+(\d+)/.exec(status)[1]) / 1024;
server.kill("SIGTERM");
await new Promise((r) => server.once("exit", r));
const db = new Database(join(dataDir, "lighttrace.db"), { readonly: true });
const stored = db.prepare("SELECT count(*) FROM events").pluck().get();
const counted = db.prepare("SELECT sum(event_count) FROM issues").pluck().get();
db.close();
const dbSize = spawnSync("du", ["-sh", dataDir]).stdout.toString().split("\t")[0];
rmSync(dataDir, { recursive: true, force: true });

const all = minutes.flatMap((m) => m.latencies).sort((a, b) => a - b);
const totalOk = minutes.reduce((n, m) => n + m.ok, 0);
const totalErrors = minutes.reduce((n, m) => n + m.errors + m.uiErrors, 0);
const half = Math.max(1, Math.floor(minutes.length / 2));
const avg = (rows) => rows.reduce((n, m) => n + m.rssMb, 0) / rows.length;
const firstHalf = avg(minutes.slice(0, half));
const secondHalf = avg(minutes.slice(half).length ? minutes.slice(half) : minutes.slice(-1));
console.log(`\ntotals: ${totalOk} events acknowledged in ${MINUTES} min, ${totalErrors} errors, ${minutes.reduce((n, m) => n + m.late, 0)} sends late (all connections busy)`);
console.log(`ingest latency ms: p50 ${pct(all, 50).toFixed(1)}  p99 ${pct(all, 99).toFixed(1)}  max ${(all.at(-1) ?? 0).toFixed(1)}`);
console.log(`server RSS MB: first half avg ${firstHalf.toFixed(0)}, second half avg ${secondHalf.toFixed(0)} (${secondHalf > firstHalf * 1.1 ? "GROWING" : "flat"}), peak ${peakRss.toFixed(0)}`);
console.log(`stored: ${stored} events (cap 10,000), issue counters total ${counted}; database ${dbSize}`);
if (totalErrors > 0) process.exitCode = 1;

function newBucket() {
  return { start: performance.now(), ok: 0, errors: 0, late: 0, latencies: [], ui: [], uiErrors: 0 };
}

function summarize(b, seconds, minute) {
  const sorted = b.latencies.sort((x, y) => x - y);
  const ui = b.ui.sort((x, y) => x - y);
  const rssMb = Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${server.pid}/status`, "utf8"))[1]) / 1024;
  return { minute, rssMb, rate: b.ok / seconds, p50: pct(sorted, 50), p99: pct(sorted, 99), errors: b.errors, late: b.late, uiP99: pct(ui, 99), uiErrors: b.uiErrors, ok: b.ok, latencies: sorted };
}

function pct(sorted, p) {
  return sorted.length ? sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] : 0;
}
