// npm run bench:sessions — ingests 1,000,000 session updates for 20 releases (2 environments,
// 50,000 users, session starts spread over the last 72 hours) into the real server over HTTP, then
// times the release-health query the UI and Sentry clients use:
// GET /api/0/organizations/{org}/releases/?project=<id>&health=1 (crash-free sessions and users,
// errored, crashed, totals, 24 h chart and adoption for every release), plus one release's detail.
//
// Each session sends two updates (init "ok", then its end: 90 % exited, 6 % exited with errors,
// 3 % crashed, 1 % abnormal), 500 updates per envelope, 4 requests in flight.
// Env: BENCH_UPDATES, BENCH_RUNS (requests per query), BENCH_KEEP=1 keeps the data dir.
import { mkdtempSync, rmSync, statSync } from "node:fs";
import http from "node:http";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { benchCli, startBenchServer } from "./bench-server.mjs";

const UPDATES = Number(process.env.BENCH_UPDATES ?? 1_000_000);
const RUNS = Number(process.env.BENCH_RUNS ?? 40);
const RELEASES = 20;
const USERS = 50_000;
const PER_ENVELOPE = 500;
const IN_FLIGHT = 4;
const TARGET_MS = 100;

const dataDir = mkdtempSync(join(tmpdir(), "lighttrace-bench-sessions-"));
const cli = (...args) => benchCli(dataDir, ...args);

const project = cli("projects", "create", "bench", "--platform", "javascript");
const { token } = cli("tokens", "create", "--name", "bench");
const { server, url: baseUrl } = await startBenchServer(dataDir);
const dsn = new URL(project.dsn);
const agent = new http.Agent({ keepAlive: true, maxSockets: IN_FLIGHT });

// 1. ingest
const rand = mulberry32(7);
const now = Date.now();
const iso = (ms) => new Date(ms).toISOString();
const sessions = Math.floor(UPDATES / 2);
let nextSession = 0;
const pendingEnds = [];
const makeEnvelope = () => {
  const lines = [JSON.stringify({ sent_at: iso(Date.now()) })];
  let n = 0;
  // the ends of the sessions opened in an earlier envelope, then new sessions
  while (n < PER_ENVELOPE && pendingEnds.length > PER_ENVELOPE / 2) {
    lines.push('{"type":"session"}', pendingEnds.shift());
    n++;
  }
  while (n < PER_ENVELOPE && (nextSession < sessions || pendingEnds.length)) {
    if (nextSession >= sessions) {
      lines.push('{"type":"session"}', pendingEnds.shift());
      n++;
      continue;
    }
    const i = nextSession++;
    const release = `web@1.${i % RELEASES}.0`;
    const environment = i % 5 === 0 ? "staging" : "production";
    const started = now - rand() * 72 * 3_600_000;
    const did = `user-${Math.floor(rand() * USERS)}`;
    const sid = `s${i}`;
    const attrs = { release, environment };
    lines.push('{"type":"session"}', JSON.stringify({ sid, did, init: true, seq: 0, started: iso(started), timestamp: iso(started), status: "ok", errors: 0, attrs }));
    const r = rand();
    const [status, errors] = r < 0.9 ? ["exited", 0] : r < 0.96 ? ["exited", 2] : r < 0.99 ? ["crashed", 1] : ["abnormal", 0];
    pendingEnds.push(JSON.stringify({ sid, did, seq: 1, started: iso(started), timestamp: iso(started + 60_000), status, errors, duration: 60, attrs }));
    n++;
  }
  return n ? { body: lines.join("\n") + "\n", n } : undefined;
};

const ingestStart = performance.now();
let sent = 0;
let requests = 0;
await Promise.all(Array.from({ length: IN_FLIGHT }, async () => {
  for (let env = makeEnvelope(); env; env = makeEnvelope()) {
    const res = await request("POST", `/api/${project.id}/envelope/?sentry_key=${dsn.username}`, env.body);
    if (res.status !== 200) throw new Error(`ingest: HTTP ${res.status} ${res.body.slice(0, 200)}`);
    sent += env.n;
    requests++;
  }
}));
const ingestSeconds = (performance.now() - ingestStart) / 1000;
const dbBytes = statSync(join(dataDir, "lighttrace.db")).size;
console.log(`ingested ${sent} session updates (${sessions} sessions, ${RELEASES} releases, ${requests} envelopes) in ${ingestSeconds.toFixed(1)} s `
  + `= ${Math.round(sent / ingestSeconds)} updates/s (db ${(dbBytes / 1e6).toFixed(0)} MB)`);

// 2. the health queries
const org = "lighttrace";
const cases = [
  ["release list + health (20 releases, 14d summary, 24h chart)", `/api/0/organizations/${org}/releases/?project=${project.id}&health=1&per_page=25`],
  ["release list + health, environment=production", `/api/0/organizations/${org}/releases/?project=${project.id}&health=1&per_page=25&environment=production`],
  ["release detail + health (web@1.7.0)", `/api/0/organizations/${org}/releases/web%401.7.0/?health=1`],
];
const results = [];
let sample;
for (const [name, path] of cases) {
  const times = [];
  for (let i = 0; i < 5 + RUNS; i++) {
    const t0 = performance.now();
    const res = await request("GET", path);
    const ms = performance.now() - t0;
    if (res.status !== 200) throw new Error(`${path}: HTTP ${res.status} ${res.body.slice(0, 200)}`);
    if (i >= 5) times.push(ms);
    sample ??= JSON.parse(res.body);
  }
  times.sort((a, b) => a - b);
  const pct = (q) => times[Math.min(times.length - 1, Math.floor(q * times.length))];
  results.push({ name, p50: pct(0.5), p95: pct(0.95), max: times.at(-1) });
}
const totals = sample.reduce((a, r) => a + r.projects[0].healthData.totalSessions, 0);
const h = sample[0].projects[0].healthData;
console.log(`health of ${sample.length} releases: ${totals} sessions in total; ${sample[0].version}: ${h.totalSessions} sessions, `
  + `crash-free sessions ${h.crashFreeSessions} %, crash-free users ${h.crashFreeUsers} %, crashed ${h.sessionsCrashed}, errored ${h.sessionsErrored}`);
console.log(`\n${RUNS} sequential requests per query over loopback HTTP (client-measured):`);
console.log(`${"query".padEnd(62)} ${"p50 ms".padStart(8)} ${"p95 ms".padStart(8)} ${"max ms".padStart(8)}`);
for (const r of results) console.log(`${r.name.padEnd(62)} ${r.p50.toFixed(1).padStart(8)} ${r.p95.toFixed(1).padStart(8)} ${r.max.toFixed(1).padStart(8)}`);
const worst = Math.max(...results.map((r) => r.p95));
console.log(`\nworst p95 ${worst.toFixed(1)} ms (target < ${TARGET_MS} ms): ${worst < TARGET_MS ? "OK" : "OVER"}`);

server.kill("SIGTERM");
await new Promise((r) => server.on("close", r));
agent.destroy();
if (process.env.BENCH_KEEP) console.log(`data kept in ${dataDir}`);
else rmSync(dataDir, { recursive: true, force: true });

function request(method, path, body) {
  return new Promise((resolve, reject) => {
    const u = new URL(path, baseUrl);
    const req = http.request({ method, hostname: u.hostname, port: u.port, path: u.pathname + u.search, agent, headers: { Authorization: `Bearer ${token}` } }, (res) => {
      let text = "";
      res.setEncoding("utf8");
      res.on("data", (d) => (text += d));
      res.on("end", () => resolve({ status: res.statusCode, body: text }));
    });
    req.on("error", reject);
    req.end(body);
  });
}

function mulberry32(seed) {
  return () => {
    seed |= 0;
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
