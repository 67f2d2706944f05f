// npm run bench:ingest [-- options] — LightTrace against a minimal durable reference ingest
// (scripts/bench-reference-server.mjs: node:http, JSON.parse, one INSERT per event, WAL,
// synchronous=FULL, group commit every 1 ms, 200 after commit), in one run: the same 2,000 distinct
// real-shaped error envelopes (scripts/bench-envelopes.mjs), the same raw-socket client with 32
// keep-alive connections, repetitions interleaved (reference, LightTrace, LightTrace, reference, …)
// so both see the same machine. Prints events/s, p50/p99, peak RSS and CPU of each (also per event: on a
// machine shared with other work that is the steadier figure; and per event by thread: "main" is the
// event loop, "lighttrace-inge" the ingest workers, "V8Worker" V8's GC/compiler helpers, "WorkerThread"
// the checkpoint/retention workers), the bytes each wrote per event (write calls: WAL, checkpoints,
// responses), and the ratio.
// Every acknowledged event is checked in each server's database afterwards.
// Variants: plain (uncompressed bodies), gzip (every body gzip), cap (LightTrace's project at its
// stored-event cap of 10,000 throughout the measurement, so retention runs; same reference).
// Options: --variants plain,gzip,cap (default plain; "all"), --rounds N (3), --seconds N (10 measured),
//          --warmup N (3 s), --connections N (32), --start dist|bin|npm|binary (how LightTrace is
//          started; default dist = `node dist/lighttrace.mjs serve` with no flags), --json,
//          --baseline DIR (also run another checkout's build, e.g. the previous version, started the same way),
//          --only lighttrace (skip the reference, e.g. while profiling), --cpu-prof DIR (LightTrace writes a V8 CPU
//          profile per thread into DIR: open them in Chrome DevTools or summarise with scripts/cpu-profile-top.mjs),
//          --node-args "…" (more flags for LightTrace's node, e.g. --trace-gc)
import { spawn } from "node:child_process";
import { mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parseArgs } from "node:util";
import Database from "better-sqlite3";
import { buildEnvelopes, compileGzip, eventIdSource, fillBody } from "./bench-envelopes.mjs";
import { openConnection } from "./bench-client.mjs";
import { startBenchServer } from "./bench-server.mjs";

const { values: opts } = parseArgs({
  options: {
    variants: { type: "string", default: "plain" },
    rounds: { type: "string", default: "3" },
    seconds: { type: "string", default: "10" },
    warmup: { type: "string", default: "3" },
    connections: { type: "string", default: "32" },
    start: { type: "string", default: "dist" },
    baseline: { type: "string" },
    only: { type: "string" },
    "cpu-prof": { type: "string" },
    "node-args": { type: "string", default: "" },
    json: { type: "boolean", default: false },
  },
});
const VARIANTS = opts.variants === "all" ? ["plain", "gzip", "cap"] : opts.variants.split(",");
for (const v of VARIANTS) if (!["plain", "gzip", "cap"].includes(v)) throw new Error(`unknown variant ${v} (plain, gzip, cap)`);
const ROUNDS = Number(opts.rounds);
const MEASURE_MS = Number(opts.seconds) * 1000;
const WARMUP_MS = Number(opts.warmup) * 1000;
const CONNECTIONS = Number(opts.connections);
const ENVELOPES = 2000;
const ISSUES = 120;
/** LightTrace's default stored-event cap; the cap variant fills the project to it before measuring */
const STORED_EVENT_CAP = 10_000;
const REFERENCE_KEY = "0123456789abcdef0123456789abcdef";
const log = (line) => { if (!opts.json) console.log(line); };

const nextId = eventIdSource();
const report = { loadAverageBefore: loadAverage(), variants: {} };
const bodyStats = buildEnvelopes(ENVELOPES, ISSUES, REFERENCE_KEY).map((e) => e.bytes).sort((a, b) => a - b);
log(`bench:ingest — ${ENVELOPES} distinct envelopes (median ${(bodyStats[ENVELOPES >> 1] / 1024).toFixed(1)} KiB, 18 frames, 20 breadcrumbs, ${ISSUES} issues), ` +
  `${CONNECTIONS} connections, ${ROUNDS} rounds × ${MEASURE_MS / 1000} s (after ${WARMUP_MS / 1000} s warm-up); LightTrace started as "${opts.start}"; ` +
  `load average ${report.loadAverageBefore}`);

for (const variant of VARIANTS) {
  const runs = opts.only === "lighttrace" ? { lighttrace: [] } : { reference: [], lighttrace: [], ...(opts.baseline ? { baseline: [] } : {}) };
  for (let round = 0; round < ROUNDS; round++) {
    const order = Object.keys(runs);
    if (round % 2) order.reverse();
    for (const who of order) runs[who].push(await runOnce(who, variant));
  }
  const summary = Object.fromEntries(Object.entries(runs).map(([who, r]) => [who, summarize(r)]));
  summary.ratio = summary.reference ? round2(summary.lighttrace.eventsPerSec / summary.reference.eventsPerSec) : NaN;
  if (summary.baseline) summary.baselineRatio = round2(summary.baseline.eventsPerSec / summary.reference.eventsPerSec);
  report.variants[variant] = { ...summary, runs };
  printVariant(variant, summary, runs);
}
report.loadAverageAfter = loadAverage();
log(`load average after: ${report.loadAverageAfter}`);
if (opts.json) console.log(JSON.stringify(report, null, 2));
const failures = Object.values(report.variants).flatMap((v) => Object.values(v.runs).flat()).filter((r) => r.failed > 0 || !r.storedOk);
if (failures.length) {
  console.error(`${failures.length} run(s) had failed requests or missing events`);
  process.exitCode = 1;
}

// --- Internal ---

/** One measured run against a fresh server and data directory. */
async function runOnce(who, variant) {
  const dataDir = mkdtempSync(join(tmpdir(), `lighttrace-bench-${who}-`));
  try {
    const started = who === "reference" ? await startReference(dataDir) : await startLightTrace(dataDir, variant, who === "baseline" ? opts.baseline : undefined);
    const { pid, port, path, key } = started;
    const envelopes = buildEnvelopes(ENVELOPES, ISSUES, key);
    const gzip = variant === "gzip" ? envelopes.map(compileGzip) : undefined;
    const minWarmupEvents = variant === "cap" ? STORED_EVENT_CAP + 1000 : 0;
    const load = await drive({ port, path, envelopes, gzip, minWarmupEvents, pid });
    const peakRssMb = procStatusMb(pid, "VmHWM");
    await started.stop();
    const stored = countStored(who, dataDir);
    // without a cap every acknowledged event must be there; at the cap retention thins them out
    const storedOk = variant === "cap" && who !== "reference" ? stored > 0 : stored >= load.acknowledgedTotal;
    return { ...load, peakRssMb, stored, storedOk };
  } finally {
    rmSync(dataDir, { recursive: true, force: true });
  }
}

/** Sends from `connections` keep-alive sockets until the measured window ends; latencies only inside it. */
async function drive({ port, path, envelopes, gzip, minWarmupEvents, pid }) {
  const head = (length) => Buffer.from(`POST ${path} HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\nContent-Length: ${length}\r\n` +
    `${gzip ? "Content-Encoding: gzip\r\n" : ""}\r\n`);
  const latencies = [];
  let acknowledgedTotal = 0, ok = 0, failed = 0, wireBytes = 0, next = 0;
  let measuring = false, measureStart = 0, cpuStart = 0, threadsStart = new Map(), ioStart = {}, deadline = Infinity;
  const startMeasuring = () => {
    measuring = true;
    measureStart = performance.now();
    cpuStart = cpuSeconds(pid);
    threadsStart = threadCpuSeconds(pid);
    ioStart = ioBytes(pid);
    deadline = measureStart + MEASURE_MS;
  };
  const warmupEnds = performance.now() + WARMUP_MS;
  const sockets = Array.from({ length: CONNECTIONS }, () => openConnection(port, "127.0.0.1"));
  await Promise.all(sockets.map(async (send) => {
    while (performance.now() < deadline) {
      if (!measuring && performance.now() >= warmupEnds && acknowledgedTotal >= minWarmupEvents) startMeasuring();
      const k = next++ % envelopes.length;
      const id = nextId();
      const body = gzip ? gzip[k].body(id) : fillBody(envelopes[k], id);
      const t0 = performance.now();
      const status = await send(Buffer.concat([head(body.length), body]));
      if (status === 200) acknowledgedTotal++;
      if (!measuring || t0 < measureStart) continue;
      latencies.push(performance.now() - t0);
      if (status === 200) ok++;
      else failed++;
      wireBytes += body.length;
    }
  }));
  for (const s of sockets) s.close();
  const elapsedSec = (performance.now() - measureStart) / 1000;
  const cpu = cpuSeconds(pid) - cpuStart;
  const threadsCpu = threadCpuDelta(threadsStart, threadCpuSeconds(pid), pid);
  const io = ioBytes(pid);
  latencies.sort((a, b) => a - b);
  const pct = (p) => round1(latencies[Math.min(latencies.length - 1, Math.floor((p / 100) * latencies.length))] ?? NaN);
  return {
    eventsPerSec: Math.round(ok / elapsedSec), ok, failed, acknowledgedTotal, p50Ms: pct(50), p99Ms: pct(99), maxMs: round1(latencies.at(-1) ?? NaN),
    cpuPercent: Math.round((cpu / elapsedSec) * 100), cpuUsPerEvent: Math.round((cpu * 1e6) / Math.max(1, ok)),
    writtenKBPerEvent: round1((io.wchar - ioStart.wchar) / 1024 / Math.max(1, ok)),
    threadCpuUsPerEvent: Object.fromEntries(Object.entries(threadsCpu).map(([name, sec]) => [name, Math.round((sec * 1e6) / Math.max(1, ok))])), wireMBps: round1(wireBytes / elapsedSec / 1e6),
  };
}

async function startLightTrace(dataDir, variant, root) {
  const env = variant === "cap" ? { LIGHTTRACE_MAX_STORED_EVENTS: String(STORED_EVENT_CAP) } : {};
  const profile = [...(opts["cpu-prof"] ? ["--cpu-prof", "--cpu-prof-dir", opts["cpu-prof"]] : []), ...opts["node-args"].split(" ").filter(Boolean)];
  const { server, url, dsn: dsnText } = await startBenchServer(dataDir, profile, env, opts.start, root);
  const dsn = new URL(dsnText);
  return {
    pid: server.pid, port: Number(new URL(url).port), key: dsn.username,
    path: `/api${dsn.pathname}/envelope/?sentry_key=${dsn.username}&sentry_version=7`,
    stop: () => stopChild(server),
  };
}

async function startReference(dataDir) {
  const script = new URL("./bench-reference-server.mjs", import.meta.url).pathname;
  const child = spawn(process.execPath, [script, "--data", dataDir, "--key", REFERENCE_KEY], { stdio: ["ignore", "pipe", "inherit"] });
  const port = await new Promise((resolve, reject) => {
    let out = "";
    child.on("exit", (code) => reject(new Error(`reference server exited with ${code}`)));
    child.stdout.on("data", (d) => {
      out += d;
      const m = /listening on http:\/\/127\.0\.0\.1:(\d+)/.exec(out);
      if (m) resolve(Number(m[1]));
    });
  });
  return { pid: child.pid, port, key: REFERENCE_KEY, path: `/api/1/envelope/?sentry_key=${REFERENCE_KEY}&sentry_version=7`, stop: () => stopChild(child) };
}

function stopChild(child) {
  return new Promise((resolve) => {
    if (child.exitCode !== null) return resolve();
    child.removeAllListeners("exit");
    child.once("exit", resolve);
    child.kill("SIGTERM");
  });
}

function countStored(who, dataDir) {
  const db = new Database(join(dataDir, who === "reference" ? "reference.db" : "lighttrace.db"), { readonly: true });
  try {
    return db.prepare("SELECT count(*) AS n FROM events").get().n;
  } finally {
    db.close();
  }
}

/** Medians over the rounds (peak RSS: the highest). */
function summarize(runs) {
  const med = (key) => round1(median(runs.map((r) => r[key])));
  return {
    eventsPerSec: med("eventsPerSec"), p50Ms: med("p50Ms"), p99Ms: med("p99Ms"), cpuPercent: med("cpuPercent"), cpuUsPerEvent: med("cpuUsPerEvent"),
    peakRssMb: Math.max(...runs.map((r) => r.peakRssMb)), failed: runs.reduce((n, r) => n + r.failed, 0),
  };
}

function printVariant(variant, summary, runs) {
  const what = { plain: "uncompressed bodies", gzip: "gzip bodies", cap: `LightTrace's project at its cap of ${STORED_EVENT_CAP} stored events` }[variant];
  log(`\n${variant}: ${what}`);
  log("              events/s   p50 ms   p99 ms   peak RSS MB   server CPU   CPU µs/event   per round (events/s)");
  for (const who of Object.keys(runs)) {
    const s = summary[who];
    log(`  ${who.padEnd(10)} ${String(s.eventsPerSec).padStart(9)} ${String(s.p50Ms).padStart(8)} ${String(s.p99Ms).padStart(8)} ` +
      `${String(Math.round(s.peakRssMb)).padStart(13)} ${`${s.cpuPercent}%`.padStart(12)} ${String(s.cpuUsPerEvent).padStart(14)}   ${runs[who].map((r) => r.eventsPerSec).join(" / ")}` +
      `${s.failed ? `   ${s.failed} FAILED` : ""}`);
  }
  for (const who of Object.keys(runs)) {
    const threads = runs[who].map((r) => Object.entries(r.threadCpuUsPerEvent).filter(([, us]) => us > 0).sort((a, b) => b[1] - a[1]).slice(0, 4)
      .map(([name, us]) => `${name} ${us}`).join(", "));
    log(`  ${who.padEnd(10)} CPU µs/event by thread, per round: ${threads.join(" / ")}; KB written per event: ${runs[who].map((r) => r.writtenKBPerEvent).join(" / ")}`);
  }
  if (summary.reference) log(`  ratio      ${summary.ratio.toFixed(2)}× (LightTrace / reference, medians)` +
    `${summary.baseline ? `; baseline ${summary.baselineRatio.toFixed(2)}× (${opts.baseline})` : ""}`);
}

/** Bytes a process wrote through write calls (`wchar`, sockets included) and to storage (`write_bytes`), from /proc/PID/io. */
function ioBytes(pid) {
  const text = readFileSync(`/proc/${pid}/io`, "utf8");
  return { wchar: Number(/wchar: (\d+)/.exec(text)[1]), writeBytes: Number(/write_bytes: (\d+)/.exec(text)[1]) };
}

/** utime + stime of each thread of a process in seconds, by thread id, with the thread's name. */
function threadCpuSeconds(pid) {
  const out = new Map();
  for (const tid of readdirSync(`/proc/${pid}/task`)) {
    try {
      const stat = readFileSync(`/proc/${pid}/task/${tid}/stat`, "utf8");
      const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
      out.set(tid, { name: stat.slice(stat.indexOf("(") + 1, stat.lastIndexOf(")")), sec: (Number(fields[11]) + Number(fields[12])) / 100 });
    } catch { /* the thread ended meanwhile */ }
  }
  return out;
}

/** CPU seconds per kind of thread over a window: "main" (the event loop) and the others by name (threads that ended in the window are not counted). */
function threadCpuDelta(before, after, pid) {
  const out = {};
  for (const [tid, t] of after) {
    const name = String(tid) === String(pid) ? "main" : t.name;
    out[name] = round1((out[name] ?? 0) + t.sec - (before.get(tid)?.sec ?? 0));
  }
  return out;
}

/** utime + stime of a process in seconds (all its threads). */
function cpuSeconds(pid) {
  const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
  const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
  return (Number(fields[11]) + Number(fields[12])) / 100;
}

function procStatusMb(pid, field) {
  const status = readFileSync(`/proc/${pid}/status`, "utf8");
  return Number(new RegExp(`${field}:\\s+(\\d+)`).exec(status)[1]) / 1024;
}

function loadAverage() {
  return readFileSync("/proc/loadavg", "utf8").split(" ").slice(0, 3).join(" ");
}

function median(values) {
  const s = [...values].sort((a, b) => a - b);
  const mid = s.length >> 1;
  return s.length % 2 ? s[mid] : (s[mid - 1] + s[mid]) / 2;
}

function round1(n) {
  return Math.round(n * 10) / 10;
}

function round2(n) {
  return Math.round(n * 100) / 100;
}
