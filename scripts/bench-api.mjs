// npm run bench:api — seeds one project with 10,000 issues and 1,000,000 events, starts the real
// server (dist/lighttrace.mjs) on it and times the web API endpoints the UI uses over loopback HTTP:
// the issue list (default sort, triage priority, with 24 h sparkline stats, across the organization,
// a text search), issue detail, tags and the latest event. Prints p50/p95/max per endpoint.
//
// The schema, organization, project and token come from the real CLI; the bulk rows are written with
// SQL in one transaction (ingesting a million events over HTTP would measure ingest, not the API).
// Env: BENCH_ISSUES, BENCH_EVENTS, BENCH_RUNS (requests per endpoint), BENCH_KEEP=1 keeps the data dir.
import { mkdtempSync, rmSync, statSync } from "node:fs";
import http from "node:http";
import { tmpdir } from "node:os";
import { join } from "node:path";
import Database from "better-sqlite3";
import { benchCli, startBenchServer } from "./bench-server.mjs";

const ISSUES = Number(process.env.BENCH_ISSUES ?? 10_000);
const EVENTS = Number(process.env.BENCH_EVENTS ?? 1_000_000);
const RUNS = Number(process.env.BENCH_RUNS ?? 40);
const WARMUP = 5;
const TARGET_MS = 150;
const DAY = 86_400;

const dataDir = mkdtempSync(join(tmpdir(), "lighttrace-bench-api-"));
const cli = (...args) => benchCli(dataDir, ...args);

// 1. schema, organization, project, token through the CLI
const project = cli("projects", "create", "bench", "--platform", "node");
const { token } = cli("tokens", "create", "--name", "bench");

// 2. bulk rows
const seedStart = performance.now();
const stats = seed(join(dataDir, "lighttrace.db"), project.id);
const seedSeconds = (performance.now() - seedStart) / 1000;
const dbBytes = statSync(join(dataDir, "lighttrace.db")).size;
console.log(`seeded ${ISSUES} issues, ${stats.events} events, ${stats.hourly} hourly buckets in ${seedSeconds.toFixed(1)} s `
  + `(db ${(dbBytes / 1e6).toFixed(0)} MB)`);

// 3. the real server
const { server, url: baseUrl } = await startBenchServer(dataDir);

// 4. the endpoints
const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
const org = "lighttrace";
const list = `/api/0/projects/${org}/bench/issues/`;
const cases = [
  ["issue list, default (is:unresolved, last seen)", `${list}`],
  ["issue list, default + statsPeriod=24h", `${list}?statsPeriod=24h`],
  ["issue list, sort=priority + statsPeriod=24h", `${list}?sort=priority&statsPeriod=24h`],
  ["issue list, sort=freq + statsPeriod=14d", `${list}?sort=freq&statsPeriod=14d`],
  ["issue list, page 20 (cursor)", `${list}?statsPeriod=24h&cursor=0:500:0`],
  ["org issue list, sort=priority + 24h (UI's /)", `/api/0/organizations/${org}/issues/?query=is%3Aunresolved&sort=priority&statsPeriod=24h&limit=25`],
  ["issue list, search text + release:", `${list}?query=is%3Aunresolved+release%3Abench%402.0.0+timeout&statsPeriod=24h`],
  ["issue detail (biggest issue)", `/api/0/issues/${stats.biggestIssueId}/`],
  ["issue detail (random issues)", () => `/api/0/issues/${stats.firstIssueId + Math.floor(Math.random() * ISSUES)}/`],
  ["issue tags (biggest issue)", `/api/0/issues/${stats.biggestIssueId}/tags/`],
  ["latest event (biggest issue)", `/api/0/issues/${stats.biggestIssueId}/events/latest/`],
  ["latest event (random issues)", () => `/api/0/issues/${stats.firstIssueId + Math.floor(Math.random() * ISSUES)}/events/latest/`],
];

const results = [];
for (const [name, path] of cases) {
  const times = [];
  for (let i = 0; i < WARMUP + RUNS; i++) {
    const p = typeof path === "function" ? path() : path;
    const t0 = performance.now();
    const res = await get(p);
    const ms = performance.now() - t0;
    if (res.status !== 200) throw new Error(`${p}: HTTP ${res.status} ${res.body.slice(0, 200)}`);
    if (i >= WARMUP) times.push(ms);
  }
  times.sort((a, b) => a - b);
  const pct = (q) => times[Math.min(times.length - 1, Math.floor(q * times.length))];
  results.push({ name, p50: pct(0.5), p95: pct(0.95), max: times[times.length - 1] });
}

console.log(`\n${RUNS} sequential requests per endpoint over loopback HTTP (client-measured, so server time is lower):`);
console.log(`${"endpoint".padEnd(50)} ${"p50 ms".padStart(8)} ${"p95 ms".padStart(8)} ${"max ms".padStart(8)}`);
for (const r of results) {
  const flag = r.p95 > TARGET_MS ? "  ✗ over target" : "";
  console.log(`${r.name.padEnd(50)} ${r.p50.toFixed(1).padStart(8)} ${r.p95.toFixed(1).padStart(8)} ${r.max.toFixed(1).padStart(8)}${flag}`);
}
const worst = Math.max(...results.map((r) => r.p95));
console.log(`\nworst p95 ${worst.toFixed(1)} ms (target < ${TARGET_MS} ms): ${worst < TARGET_MS ? "OK" : "OVER"}`);

server.kill("SIGTERM");
await new Promise((r) => server.on("close", r));
agent.destroy();
if (process.env.BENCH_KEEP) console.log(`data kept in ${dataDir}`);
else rmSync(dataDir, { recursive: true, force: true });

// --- Internal ---

function get(path) {
  return new Promise((resolve, reject) => {
    const u = new URL(path, baseUrl);
    const req = http.get({ hostname: u.hostname, port: u.port, path: u.pathname + u.search, agent, headers: { Authorization: `Bearer ${token}` } }, (res) => {
      let body = "";
      res.setEncoding("utf8");
      res.on("data", (d) => (body += d));
      res.on("end", () => resolve({ status: res.statusCode, body }));
    });
    req.on("error", reject);
  });
}

/**
 * Issues with a long-tailed event distribution (a few issues hold most events, as in real
 * projects), spread over 30 days; 70 % unresolved, some regressed, ~2 % active in the last hour.
 * Each issue's latest event is a full error event (exception, frames with context, breadcrumbs,
 * request); older events are small.
 */
function seed(dbPath, projectId) {
  const db = new Database(dbPath);
  db.pragma("journal_mode = WAL");
  db.pragma("synchronous = OFF");
  db.pragma("cache_size = -256000");
  const now = Date.now() / 1000;
  const rand = mulberry32(42);
  const ins = {
    issue: db.prepare(`INSERT INTO issues (project_id, short_id, title, culprit, type, level, platform, metadata, status, substatus,
      is_unhandled, first_seen, last_seen, first_release, last_release, event_count, user_count, status_changed_at, regressed_at)
      VALUES (?, ?, ?, ?, ?, ?, 'node', ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`),
    grouping: db.prepare("INSERT INTO groupings (project_id, hash, issue_id, grouping_key, mechanism, created_at) VALUES (?, ?, ?, ?, 'lt-v1', ?)"),
    event: db.prepare(`INSERT INTO events (project_id, issue_id, event_id, timestamp, received_at, level, release, environment, user_key, trace_id, title, data)
      VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, NULL, ?, ?)`),
    hourly: db.prepare("INSERT INTO issue_hourly_counts (issue_id, hour, event_count) VALUES (?, ?, ?)"),
    tag: db.prepare("INSERT INTO issue_tag_values (issue_id, key, value, times_seen, first_seen, last_seen) VALUES (?, ?, ?, ?, ?, ?)"),
    user: db.prepare("INSERT OR IGNORE INTO issue_users (issue_id, user_key) VALUES (?, ?)"),
    release: db.prepare("INSERT OR IGNORE INTO releases (project_id, version, first_event, last_event) VALUES (?, ?, ?, ?)"),
    shortId: db.prepare("UPDATE projects SET next_short_id = ? WHERE id = ?"),
  };
  const weights = Array.from({ length: ISSUES }, (_, i) => 1 / Math.pow(i + 1, 0.9));
  const total = weights.reduce((a, b) => a + b, 0);
  const counts = weights.map((w) => Math.max(1, Math.floor((w / total) * EVENTS)));
  counts[0] += EVENTS - counts.reduce((a, b) => a + b, 0);
  const releases = ["bench@1.0.0", "bench@1.1.0", "bench@2.0.0", "bench@2.1.0"];
  const words = ["timeout", "refused", "undefined", "null", "quota", "parse", "denied", "overflow", "missing", "stale"];
  let eventSeq = 0;
  let hourlyRows = 0;
  let firstIssueId = 0;
  let biggestIssueId = 0;

  db.transaction(() => {
    for (let i = 0; i < ISSUES; i++) {
      const n = counts[i];
      const active = rand() < 0.02 || i < 20;
      const firstSeen = now - rand() * 30 * DAY;
      const lastSeen = active ? now - rand() * 3000 : firstSeen + rand() * (now - firstSeen);
      const r = rand();
      const status = r < 0.7 ? "unresolved" : r < 0.9 ? "resolved" : "ignored";
      const regressed = status === "unresolved" && rand() < 0.03;
      const substatus = regressed ? "regressed" : now - firstSeen < 7 * DAY ? "new" : "ongoing";
      const type = ["TypeError", "RangeError", "Error", "SyntaxError"][i % 4];
      const value = `${words[i % words.length]} while handling job ${i} (${words[(i * 7) % words.length]})`;
      const culprit = `handle${i % 97}(src/jobs/job-${i % 211}.js)`;
      const firstRelease = releases[Math.floor(rand() * 2)];
      const lastRelease = releases[2 + Math.floor(rand() * 2)];
      const userCount = Math.max(1, Math.min(n, Math.floor(n * rand() * 0.3)));
      const issueId = Number(ins.issue.run(projectId, i + 1, `${type}: ${value}`, culprit, type, i % 9 === 0 ? "warning" : "error",
        JSON.stringify({ type, value, filename: `src/jobs/job-${i % 211}.js`, function: `handle${i % 97}` }), status, substatus,
        i % 3 === 0 ? 1 : 0, firstSeen, lastSeen, firstRelease, lastRelease, n, userCount,
        status === "unresolved" ? null : lastSeen, regressed ? now - rand() * 3 * DAY : null).lastInsertRowid);
      if (i === 0) { firstIssueId = issueId; biggestIssueId = issueId; }
      ins.grouping.run(projectId, hash32(i), issueId, `${type}: ${value} ⋄ ${culprit}`, firstSeen);

      // events, oldest first; the last one is the full latest event
      const hours = new Map();
      const span = lastSeen - firstSeen;
      let ts = firstSeen;
      for (let e = 0; e < n; e++) {
        ts = e === n - 1 ? lastSeen : Math.max(ts, firstSeen + span * Math.pow(rand(), 0.5));
        const eventId = (++eventSeq).toString(16).padStart(32, "0");
        const release = e > n / 2 ? lastRelease : firstRelease;
        const env = e % 5 === 0 ? "staging" : "production";
        const user = `id:u${(e * 31) % Math.max(1, userCount)}`;
        const data = e === n - 1 ? fullEvent(eventId, ts, type, value, release, env, user, i) : smallEvent(eventId, ts, type, value, release, env);
        ins.event.run(projectId, issueId, eventId, ts, ts, "error", release, env, user, `${type}: ${value}`, data);
        const h = Math.floor(ts / 3600);
        hours.set(h, (hours.get(h) ?? 0) + 1);
      }
      for (const [h, c] of hours) { ins.hourly.run(issueId, h, c); hourlyRows++; }
      for (let u = 0; u < Math.min(userCount, 50); u++) ins.user.run(issueId, `id:u${u}`);
      const seen = [firstSeen, lastSeen];
      ins.tag.run(issueId, "environment", "production", Math.ceil(n * 0.8), ...seen);
      if (n > 1) ins.tag.run(issueId, "environment", "staging", Math.floor(n * 0.2), ...seen);
      ins.tag.run(issueId, "release", firstRelease, Math.ceil(n / 2), ...seen);
      if (n > 1 && lastRelease !== firstRelease) ins.tag.run(issueId, "release", lastRelease, Math.floor(n / 2), ...seen);
      ins.tag.run(issueId, "level", "error", n, ...seen);
      ins.tag.run(issueId, "runtime", "node v24.21.0", n, ...seen);
      ins.tag.run(issueId, "handled", i % 3 === 0 ? "no" : "yes", n, ...seen);
    }
    for (const r of releases) ins.release.run(projectId, r, now - 30 * DAY, now);
    ins.shortId.run(ISSUES + 1, projectId);
  })();
  db.pragma("wal_checkpoint(TRUNCATE)");
  db.exec("ANALYZE");
  db.close();
  return { events: eventSeq, hourly: hourlyRows, firstIssueId, biggestIssueId };
}

function smallEvent(eventId, ts, type, value, release, environment) {
  return JSON.stringify({ event_id: eventId, timestamp: ts, platform: "node", type: "error", level: "error", release, environment,
    exception: { values: [{ type, value }] }, tags: [["environment", environment]] });
}

function fullEvent(eventId, ts, type, value, release, environment, user, i) {
  const frame = (fn, file, line, inApp) => ({
    function: fn, filename: file, abs_path: `/srv/app/${file}`, lineno: line, colno: 11, in_app: inApp,
    pre_context: ["  const job = await queue.next();", "  if (!job) return;"], context_line: `  return ${fn}(job.payload);`,
    post_context: ["}", ""], ...(inApp ? { vars: { jobId: String(i), attempt: 2 } } : {}),
  });
  return JSON.stringify({
    event_id: eventId, timestamp: ts, platform: "node", type: "error", level: "error", release, environment, server_name: "bench-1",
    exception: { values: [{ type, value, mechanism: { type: "onunhandledrejection", handled: false }, stacktrace: { frames: [
      frame("processTicksAndRejections", "node:internal/process/task_queues", 95, false),
      frame("Worker.run", "node_modules/bullmq/dist/worker.js", 412, false),
      frame(`handle${i % 97}`, `src/jobs/job-${i % 211}.js`, 40 + (i % 50), true),
    ] } }] },
    breadcrumbs: { values: Array.from({ length: 12 }, (_, b) => ({ timestamp: ts - 12 + b, category: b % 3 ? "http" : "console", level: "info",
      message: b % 3 ? undefined : `step ${b}`, data: b % 3 ? { method: "GET", url: `https://api.example.com/items/${b}`, status_code: 200 } : undefined })) },
    request: { method: "POST", url: `https://app.example.com/jobs/${i}`, headers: [["User-Agent", "bench"], ["Content-Type", "application/json"]] },
    user: { id: user.slice(3) },
    contexts: { runtime: { name: "node", version: "v24.21.0" }, os: { name: "Linux" }, trace: { trace_id: eventId, span_id: eventId.slice(0, 16) } },
    tags: [["environment", environment], ["release", release], ["level", "error"], ["handled", "no"]],
    sdk: { name: "sentry.javascript.node", version: "11.12.0" },
  });
}

function hash32(n) {
  return n.toString(16).padStart(32, "0");
}

function mulberry32(seed) {
  return () => {
    seed |= 0; seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
