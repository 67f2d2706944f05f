// npm run bench:ingest:postgres [-- options] — the same LightTrace build on SQLite (one node),
// on PostgreSQL (one node) and on PostgreSQL (two nodes sharing the database, the load split
// between them), in one run with interleaved rounds, so all see the same machine. The load is
// bench:ingest's: 2,000 distinct real-shaped error envelopes over 120 issues from a raw-socket
// client with keep-alive connections. Prints events/s, p50/p99, the CPU of the LightTrace
// processes and of PostgreSQL, and the ratios PG/SQLite and two nodes/one node. Every
// acknowledged event is checked in the database afterwards.
// Options: --database URL (a PostgreSQL server where the URL's user may create databases; each run
//          gets a fresh database, dropped afterwards; default: a private PostgreSQL 15 started for
//          the run, fsync and synchronous_commit on as a default installation has them),
//          --rounds N (3), --seconds N (10 measured), --warmup N (3 s), --connections N (32),
//          --sqlite-synchronous normal|full (LightTrace's default: normal), --json
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parseArgs } from "node:util";
import Database from "better-sqlite3";
import pg from "pg";
import { buildEnvelopes, eventIdSource, fillBody } from "./bench-envelopes.mjs";
import { openConnection } from "./bench-client.mjs";
import { startBenchServer } from "./bench-server.mjs";

const { values: opts } = parseArgs({
  options: {
    database: { type: "string" },
    rounds: { type: "string", default: "3" },
    seconds: { type: "string", default: "10" },
    warmup: { type: "string", default: "3" },
    connections: { type: "string", default: "32" },
    "sqlite-synchronous": { type: "string", default: "normal" },
    json: { type: "boolean", default: false },
  },
});
const ROUNDS = Number(opts.rounds);
const MEASURE_MS = Number(opts.seconds) * 1000;
const WARMUP_MS = Number(opts.warmup) * 1000;
const CONNECTIONS = Number(opts.connections);
const ENVELOPES = 2000;
const ISSUES = 120;
const SETUPS = ["sqlite", "pg-1-node", "pg-2-nodes"];
const log = (line) => { if (!opts.json) console.log(line); };

const nextId = eventIdSource();
const cluster = opts.database ? undefined : await startPrivatePostgres();
const adminUrl = opts.database ?? cluster.url("postgres");
const admin = new pg.Client(pgConfig(adminUrl));
await admin.connect();
const serverVersion = (await admin.query("SHOW server_version")).rows[0].server_version;
const settings = Object.fromEntries((await admin.query("SELECT name, setting FROM pg_settings WHERE name IN ('fsync', 'synchronous_commit', 'shared_buffers')")).rows.map((r) => [r.name, r.setting]));
const report = { loadAverageBefore: loadAverage(), postgres: { version: serverVersion, ...settings, private: !opts.database }, runs: {} };
log(`bench:ingest:postgres — ${ENVELOPES} distinct envelopes over ${ISSUES} issues, ${CONNECTIONS} connections, ${ROUNDS} rounds × ${MEASURE_MS / 1000} s ` +
  `(after ${WARMUP_MS / 1000} s warm-up); SQLite synchronous=${opts["sqlite-synchronous"]}; PostgreSQL ${serverVersion} ` +
  `(${opts.database ? "given by --database" : "private, Unix socket"}; fsync=${settings.fsync}, synchronous_commit=${settings.synchronous_commit}); load average ${report.loadAverageBefore}`);

try {
  const runs = Object.fromEntries(SETUPS.map((s) => [s, []]));
  for (let round = 0; round < ROUNDS; round++) {
    const order = round % 2 ? [...SETUPS].reverse() : SETUPS;
    for (const setup of order) runs[setup].push(await runOnce(setup, round));
  }
  const summary = Object.fromEntries(SETUPS.map((s) => [s, summarize(runs[s])]));
  summary.pgOverSqlite = round2(summary["pg-1-node"].eventsPerSec / summary.sqlite.eventsPerSec);
  summary.twoNodesOverOne = round2(summary["pg-2-nodes"].eventsPerSec / summary["pg-1-node"].eventsPerSec);
  report.runs = runs;
  report.summary = summary;
  log("\n                events/s   p50 ms   p99 ms   LightTrace CPU   PostgreSQL CPU   CPU µs/event   per round (events/s)");
  for (const s of SETUPS) {
    const r = summary[s];
    log(`  ${s.padEnd(12)} ${String(r.eventsPerSec).padStart(9)} ${String(r.p50Ms).padStart(8)} ${String(r.p99Ms).padStart(8)} ` +
      `${`${r.cpuPercent}%`.padStart(16)} ${`${r.pgCpuPercent}%`.padStart(16)} ${String(r.cpuUsPerEvent).padStart(14)}   ${runs[s].map((x) => x.eventsPerSec).join(" / ")}${r.failed ? `   ${r.failed} FAILED` : ""}`);
  }
  log(`  ratio        PostgreSQL 1 node / SQLite: ${summary.pgOverSqlite.toFixed(2)}×; 2 nodes / 1 node: ${summary.twoNodesOverOne.toFixed(2)}× (medians)`);
} finally {
  await admin.end();
  await cluster?.stop();
}
report.loadAverageAfter = loadAverage();
log(`load average after: ${report.loadAverageAfter}`);
if (opts.json) console.log(JSON.stringify(report, null, 2));
const failures = Object.values(report.runs).flat().filter((r) => r.failed > 0 || !r.storedOk);
if (failures.length) {
  console.error(`${failures.length} run(s) had failed requests or missing events`);
  process.exitCode = 1;
}

// --- Internal ---

/** One measured run of a setup on a fresh data directory / database. */
async function runOnce(setup, round) {
  const dataDir = mkdtempSync(join(tmpdir(), `lighttrace-bench-${setup}-`));
  const dbName = `lt_bench_${process.pid}_${setup.replace(/-/g, "_")}_${round}`;
  const nodes = [];
  try {
    const env = { LIGHTTRACE_SQLITE_SYNCHRONOUS: opts["sqlite-synchronous"] };
    if (setup !== "sqlite") {
      await admin.query(`CREATE DATABASE ${dbName}`);
      env.LIGHTTRACE_DATABASE_URL = withDatabase(adminUrl, dbName);
      env.LIGHTTRACE_DATABASE_MAX_CONNECTIONS = "8";
    }
    nodes.push(await startBenchServer(dataDir, [], env, "dist-flags"));
    if (setup === "pg-2-nodes") nodes.push(await startBenchServer(dataDir + "-node2", [], env, "dist-flags"));
    const dsn = new URL(nodes[0].dsn);
    const path = `/api${dsn.pathname}/envelope/?sentry_key=${dsn.username}&sentry_version=7`;
    const envelopes = buildEnvelopes(ENVELOPES, ISSUES, dsn.username);
    const ports = nodes.map((n) => Number(new URL(n.url).port));
    const load = await drive({ ports, path, envelopes, pids: nodes.map((n) => n.server.pid), pgPids: () => (setup === "sqlite" ? [] : backendPids(dbName)) });
    for (const n of nodes) await stopChild(n.server);
    const stored = setup === "sqlite" ? countSqlite(dataDir) : await countPostgres(env.LIGHTTRACE_DATABASE_URL);
    return { ...load, stored, storedOk: stored >= load.acknowledgedTotal };
  } finally {
    for (const n of nodes) await stopChild(n.server);
    rmSync(dataDir, { recursive: true, force: true });
    rmSync(dataDir + "-node2", { recursive: true, force: true });
    if (setup !== "sqlite") await admin.query(`DROP DATABASE IF EXISTS ${dbName} WITH (FORCE)`);
  }
}

/** Sends from `connections` keep-alive sockets (spread over the nodes) until the measured window ends. */
async function drive({ ports, path, envelopes, pids, pgPids }) {
  const latencies = [];
  let acknowledgedTotal = 0, ok = 0, failed = 0, next = 0;
  let measuring = false, measureStart = 0, cpuStart = 0, pgCpuStart = 0, deadline = Infinity, backends = [];
  // after the warm-up, PostgreSQL's backends for this database are all open: measure their CPU from then on
  setTimeout(async () => {
    backends = await pgPids();
    measureStart = performance.now();
    cpuStart = sumCpu(pids);
    pgCpuStart = sumCpu(backends);
    deadline = measureStart + MEASURE_MS;
    measuring = true;
  }, WARMUP_MS);
  const sockets = Array.from({ length: CONNECTIONS }, (_, i) => ({ port: ports[i % ports.length], send: openConnection(ports[i % ports.length], "127.0.0.1") }));
  await Promise.all(sockets.map(async ({ port, send }) => {
    const head = (length) => Buffer.from(`POST ${path} HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\nContent-Length: ${length}\r\n\r\n`);
    while (performance.now() < deadline) {
      const body = fillBody(envelopes[next++ % envelopes.length], nextId());
      const t0 = performance.now();
      const status = await send(Buffer.concat([head(body.length), body]));
      if (status === 200) acknowledgedTotal++;
      if (!measuring || t0 < measureStart) continue;
      latencies.push(performance.now() - t0);
      if (status === 200) ok++;
      else failed++;
    }
  }));
  for (const s of sockets) s.send.close();
  const elapsedSec = (performance.now() - measureStart) / 1000;
  latencies.sort((a, b) => a - b);
  const pct = (p) => round1(latencies[Math.min(latencies.length - 1, Math.floor((p / 100) * latencies.length))] ?? NaN);
  const cpu = sumCpu(pids) - cpuStart;
  const pgCpu = sumCpu(backends) - pgCpuStart;
  return {
    eventsPerSec: Math.round(ok / elapsedSec), ok, failed, acknowledgedTotal, p50Ms: pct(50), p99Ms: pct(99),
    cpuPercent: Math.round((cpu / elapsedSec) * 100), pgCpuPercent: Math.round((pgCpu / elapsedSec) * 100),
    // CPU time per event of LightTrace and PostgreSQL together: steadier than events/s on a machine shared with other work
    cpuUsPerEvent: Math.round(((cpu + pgCpu) * 1e6) / Math.max(1, ok)),
  };
}

/** The server processes serving a database (their CPU is PostgreSQL's share of the work). */
async function backendPids(dbName) {
  const { rows } = await admin.query("SELECT pid FROM pg_stat_activity WHERE datname = $1", [dbName]);
  return rows.map((r) => r.pid);
}

async function startPrivatePostgres() {
  const { startPostgresCluster } = await import("../test/_helpers/postgres-cluster.ts");
  // unlike the tests' server, fsync on: a benchmark measures what an installation gets, durable commits
  return startPostgresCluster({ maxConnections: 100, durable: true });
}

function pgConfig(url) {
  const u = new URL(url.replace(/^postgres(ql)?:\/\/([^@/]*)@\//, "postgres://$2@placeholder/"));
  return {
    user: decodeURIComponent(u.username) || undefined, password: decodeURIComponent(u.password) || undefined,
    host: u.searchParams.get("host") ?? (u.hostname === "placeholder" ? undefined : u.hostname), port: u.port ? Number(u.port) : undefined,
    database: decodeURIComponent(u.pathname.slice(1)) || undefined,
  };
}

function withDatabase(url, name) {
  const u = new URL(url.replace(/^postgres(ql)?:\/\/([^@/]*)@\//, "postgres://$2@placeholder/"));
  const onSocket = u.hostname === "placeholder";
  u.pathname = "/" + name;
  const text = u.toString();
  return onSocket ? text.replace("@placeholder/", "@/") : text;
}

function countSqlite(dataDir) {
  const db = new Database(join(dataDir, "lighttrace.db"), { readonly: true });
  try {
    return db.prepare("SELECT count(*) AS n FROM events").get().n;
  } finally {
    db.close();
  }
}

async function countPostgres(url) {
  const client = new pg.Client(pgConfig(url));
  await client.connect();
  try {
    return Number((await client.query("SELECT count(*) AS n FROM events")).rows[0].n);
  } finally {
    await client.end();
  }
}

function stopChild(child) {
  return new Promise((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) return resolve();
    child.removeAllListeners("exit");
    child.once("exit", resolve);
    child.kill("SIGTERM");
  });
}

function summarize(runs) {
  const med = (key) => round1(median(runs.map((r) => r[key])));
  return {
    eventsPerSec: med("eventsPerSec"), p50Ms: med("p50Ms"), p99Ms: med("p99Ms"), cpuPercent: med("cpuPercent"), pgCpuPercent: med("pgCpuPercent"), cpuUsPerEvent: med("cpuUsPerEvent"),
    failed: runs.reduce((n, r) => n + r.failed, 0),
  };
}

/** utime + stime of processes in seconds (all their threads); processes gone meanwhile count 0. */
function sumCpu(pids) {
  let total = 0;
  for (const pid of pids) {
    try {
      const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
      const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
      total += (Number(fields[11]) + Number(fields[12])) / 100;
    } catch {
      // exited
    }
  }
  return total;
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
