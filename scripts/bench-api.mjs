// npm run bench:api — the issue lists at scale, on SQLite and on PostgreSQL side by side.
//
// For each backend: a fresh store (SQLite in a temp directory; PostgreSQL as a private server
// started like the tests' — initdb as `nobody` in a temp directory, Unix socket only), migrated by
// LightTrace itself, then 1 M issues in three projects with 10 M events' worth of counters (hourly
// counts, tag values, users, releases) written straight into the tables in bulk (ingesting them
// would measure ingest), plus the full latest event of the 20,000 biggest issues. Then every list
// query the UI and the Sentry API offer is timed through the real web API handlers in process
// (src/api, h3's app.request: routing, validation, store reads, serialization; no socket), median
// and p95 of BENCH_RUNS requests each after a warm-up.
//
// Env: BENCH_ISSUES (1000000), BENCH_EVENTS (10 × issues), BENCH_RUNS (25), BENCH_BACKENDS
// ("sqlite,postgres"), BENCH_KEEP=1 keeps the data directories. BENCH_DATA_DIR=<dir> keeps each
// backend's seeded data in <dir>/sqlite and <dir>/postgres and, when a seed finished there before
// (its seed.json), times that data again instead of seeding (migrations added since run on open;
// the clock is the seed's, so the hot issues are the same).
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import pg from "pg";
import { createApiApp } from "../src/api/app.ts";
import { SCOPES_BY_LEVEL } from "../src/api/scopes.ts";
import { loadConfig } from "../src/config.ts";
import { silentLogger } from "../src/logger.ts";
import { openDb } from "../src/store/sqlite/db.ts";
import { createSqliteStore } from "../src/store/sqlite/sqlite-store.ts";
import { openPgStore } from "../src/store/postgres/pg-store.ts";
import { startPostgresCluster } from "../test/_helpers/postgres-cluster.ts";
import { fullEvent, generateBenchData, PROJECTS } from "./bench-api-seed.mjs";
import { seedHotUntil } from "./bench-api-hot.mjs";

const ISSUES = Number(process.env.BENCH_ISSUES ?? 1_000_000);
const EVENTS = Number(process.env.BENCH_EVENTS ?? ISSUES * 10);
const RUNS = Number(process.env.BENCH_RUNS ?? 25);
const BACKENDS = (process.env.BENCH_BACKENDS ?? "sqlite,postgres").split(",").map((b) => b.trim()).filter(Boolean);
const WARMUP = 3;
const EVENT_ISSUES = Math.min(20_000, ISSUES);
const LIST_TARGET_MS = 50;
const DETAIL_TARGET_MS = 10;
const DATA_DIR = process.env.BENCH_DATA_DIR;

const results = new Map(); // case name → { backend → { p50, p95 } }
const order = [];
for (const backend of BACKENDS) {
  const run = backend === "sqlite" ? await openSqlite() : backend === "postgres" ? await openPostgres() : undefined;
  if (!run) throw new Error(`unknown backend "${backend}" (sqlite, postgres)`);
  try {
    const t0 = performance.now();
    const seedFile = DATA_DIR ? join(DATA_DIR, backend, "seed.json") : undefined;
    const reused = seedFile && existsSync(seedFile);
    const seeded = reused ? JSON.parse(readFileSync(seedFile, "utf8")) : await seed(run, Math.floor(Date.now() / 1000));
    if (seedFile && !reused) writeFileSync(seedFile, JSON.stringify(seeded));
    if (!reused) await run.analyze();
    else await run.exec(backend === "sqlite" ? "PRAGMA analysis_limit = 1000; ANALYZE issues" : "ANALYZE issues"); // indexes added since the seed
    console.log(`${backend}: ${reused ? `reused the data seeded in ${seedFile} (now = ${new Date(seeded.nowSec * 1000).toISOString()}):` : "seeded"} ${ISSUES.toLocaleString("en")} issues, ${seeded.events.toLocaleString("en")} events' counters `
      + `(${seeded.hourlyRows.toLocaleString("en")} hourly rows, ${seeded.tagRows.toLocaleString("en")} tag values), `
      + `${EVENT_ISSUES.toLocaleString("en")} stored events in ${((performance.now() - t0) / 1000).toFixed(0)} s`);
    for (const [name, timing] of await timeCases(run, seeded)) {
      if (!results.has(name)) { results.set(name, {}); order.push(name); }
      results.get(name)[backend] = timing;
    }
  } finally {
    await run.close();
  }
}
report();

// --- the cases ---

async function timeCases(run, seeded) {
  const app = createApiApp({
    config: loadConfig({}), store: run.store, clock: { now: () => seeded.nowSec * 1000 }, logger: silentLogger,
    publicUrl: () => "http://127.0.0.1:8000",
  });
  const principal = { kind: "token", token: { id: 0, name: "bench", tokenHint: "", scopes: [...SCOPES_BY_LEVEL.read], createdAtSec: seeded.nowSec, lastUsedAtSec: null } };
  const get = async (path) => {
    const res = await app.request(`http://127.0.0.1:8000${path}`, { headers: { accept: "application/json" } }, { inProcessPrincipal: principal });
    const text = await res.text();
    return { status: res.status, text, link: res.headers.get("link") };
  };
  const org = "/api/0/organizations/lighttrace/issues/";
  const project = `/api/0/projects/lighttrace/${PROJECTS[0].slug}/issues/`;
  const ui = "groupStatsPeriod=24h&limit=25";
  const unresolved = "query=is%3Aunresolved";
  const random = () => 1 + Math.floor(Math.random() * EVENT_ISSUES);
  // the second page of the UI's default list, through the cursor its Link header gives
  const firstPage = await get(`${org}?${unresolved}&sort=priority&${ui}`);
  const nextCursor = /rel="next"; results="true"; cursor="([^"]+)"/.exec(firstPage.link ?? "")?.[1];
  const cases = [
    ["org, triage priority, 24h stats (the UI's /)", `${org}?${unresolved}&sort=priority&${ui}`],
    ["org, triage priority, page 2 (cursor)", nextCursor ? `${org}?${unresolved}&sort=priority&${ui}&cursor=${encodeURIComponent(nextCursor)}` : null],
    ["org, sort=date, statsPeriod=24h (seen in 24 h)", `${org}?${unresolved}&sort=date&statsPeriod=24h&limit=25`],
    ["project, sort=priority", `${project}?${unresolved}&sort=priority&${ui}`],
    ["project, sort=trends", `${project}?${unresolved}&sort=trends&${ui}`],
    ["project, sort=date", `${project}?${unresolved}&sort=date&${ui}`],
    ["project, sort=new", `${project}?${unresolved}&sort=new&${ui}`],
    ["project, sort=freq", `${project}?${unresolved}&sort=freq&${ui}`],
    ["project, sort=user", `${project}?${unresolved}&sort=user&${ui}`],
    ["project, sort=freq, 14d stats", `${project}?${unresolved}&sort=freq&groupStatsPeriod=14d&limit=25`],
    ["project, any status, sort=date", `${project}?query=&sort=date&${ui}`],
    ["project, is:resolved, sort=freq", `${project}?query=is%3Aresolved&sort=freq&${ui}`],
    ["project, is:ignored, sort=priority", `${project}?query=is%3Aignored&sort=priority&${ui}`],
    ["project, level:warning, sort=priority", `${project}?${unresolved}+level%3Awarning&sort=priority&${ui}`],
    ["project, text (common word), sort=priority", `${project}?${unresolved}+timeout&sort=priority&${ui}`],
    ["project, text (two words), sort=date", `${project}?${unresolved}+deadlock+checksum&sort=date&${ui}`],
    ["project, text (rare: one job), sort=priority", `${project}?${unresolved}+%22job+${Math.floor(ISSUES / 3)}+%22&sort=priority&${ui}`],
    ["org, text (common word), sort=freq", `${org}?${unresolved}+socket&sort=freq&${ui}`],
    ["project, release: filter, sort=priority", `${project}?${unresolved}+release%3Abench%402.1.0&sort=priority&${ui}`],
    ["project, tag filter (rare value), sort=date", `${project}?${unresolved}+server_name%3Aworker-7&sort=date&${ui}`],
    ["project, environment=staging, sort=freq", `${project}?${unresolved}&environment=staging&sort=freq&${ui}`],
    ["project, !handled:yes + release:, sort=user", `${project}?${unresolved}+%21handled%3Ayes+release%3Abench%402.0.0&sort=user&${ui}`],
    ["issue detail (biggest issue)", `/api/0/issues/${seeded.biggestIssueId}/`],
    ["issue detail (random issue)", () => `/api/0/issues/${random()}/`],
    ["latest event (biggest issue)", `/api/0/issues/${seeded.biggestIssueId}/events/latest/`],
    ["latest event (random issue)", () => `/api/0/issues/${random()}/events/latest/`],
    ["issue tags (biggest issue)", `/api/0/issues/${seeded.biggestIssueId}/tags/`],
  ];
  const out = [];
  for (const [name, path] of cases) {
    if (path === null) {
      out.push([name, { error: "no next page" }]);
      continue;
    }
    const times = [];
    let error;
    for (let i = 0; i < WARMUP + RUNS && !error; i++) {
      const p = typeof path === "function" ? path() : path;
      const t0 = performance.now();
      const res = await get(p);
      const ms = performance.now() - t0;
      if (res.status !== 200) error = `HTTP ${res.status}: ${res.text.slice(0, 120)}`;
      else if (i === 0 && name.startsWith("org, triage") && JSON.parse(res.text).length !== 25) error = "fewer than 25 issues";
      if (i >= WARMUP) times.push(ms);
    }
    if (error) {
      out.push([name, { error }]);
      continue;
    }
    times.sort((a, b) => a - b);
    out.push([name, { p50: times[Math.floor(times.length / 2)], p95: times[Math.min(times.length - 1, Math.floor(times.length * 0.95))] }]);
  }
  return out;
}

function report() {
  const isDetail = (name) => /^(issue detail|latest event|issue tags)/.test(name);
  console.log(`\n${ISSUES.toLocaleString("en")} issues, ${EVENTS.toLocaleString("en")} events; ${RUNS} requests per query through the API handlers in process, ms`);
  const head = ["query".padEnd(50), ...BACKENDS.flatMap((b) => [`${b} p50`.padStart(14), `${b} p95`.padStart(14)]), "target".padStart(8)];
  console.log(head.join(" "));
  let over = 0;
  for (const name of order) {
    const target = isDetail(name) ? DETAIL_TARGET_MS : LIST_TARGET_MS;
    const cells = BACKENDS.flatMap((b) => {
      const r = results.get(name)[b];
      if (!r) return ["".padStart(14), "".padStart(14)];
      if (r.error) return [r.error.slice(0, 29).padStart(29)];
      return [r.p50.toFixed(1).padStart(14), r.p95.toFixed(1).padStart(14)];
    });
    const sqlite = results.get(name).sqlite;
    const miss = sqlite && (sqlite.error || sqlite.p50 >= target);
    if (miss) over++;
    console.log([name.padEnd(50), ...cells, `< ${target}`.padStart(8), miss ? " ✗" : ""].join(" "));
  }
  if (results.size && BACKENDS.includes("sqlite")) console.log(`\nSQLite medians over target: ${over} of ${order.length}`);
}

// --- the backends ---

async function openSqlite() {
  const dir = DATA_DIR ? join(DATA_DIR, "sqlite") : mkdtempSync(join(tmpdir(), "lighttrace-bench-api-"));
  mkdirSync(dir, { recursive: true });
  const db = openDb(dir, { synchronous: "normal" });
  const store = createSqliteStore(db);
  return {
    name: "sqlite", store,
    async insert(table, columns, rows) {
      const stmt = db.prepare(`INSERT INTO ${table} (${columns.join(", ")}) VALUES (${columns.map(() => "?").join(", ")})`);
      db.transaction(() => { for (const row of rows) stmt.run(...row.map((v) => (typeof v === "boolean" ? (v ? 1 : 0) : v))); })();
    },
    hasColumn: (table, column) => db.prepare(`SELECT 1 FROM pragma_table_info(?) WHERE name = ?`).get(table, column) !== undefined,
    async exec(sql) { db.exec(sql); },
    async analyze() {
      db.pragma("wal_checkpoint(TRUNCATE)");
      db.exec("ANALYZE");
    },
    async close() {
      await store.close();
      if (process.env.BENCH_KEEP || DATA_DIR) console.log(`sqlite data kept in ${dir}`);
      else rmSync(dir, { recursive: true, force: true });
    },
  };
}

async function openPostgres() {
  const cluster = await startPostgresCluster({ ...(DATA_DIR ? { dir: join(DATA_DIR, "postgres"), keep: true } : {}), settings: ["shared_buffers=256MB", "work_mem=16MB", "maintenance_work_mem=256MB", "max_wal_size=4GB", "synchronous_commit=off"] });
  const url = cluster.url("postgres");
  const store = await openPgStore(url, { maxConnections: 4, applicationName: "lighttrace-bench" });
  const pool = new pg.Pool({ host: cluster.dir, user: cluster.user, database: "postgres", max: 2 });
  const types = { issues: {}, groupings: {}, issue_hourly_counts: {}, issue_tag_values: {}, events: {} };
  const columnType = async (table, column) => {
    types[table][column] ??= (await pool.query("SELECT format_type(atttypid, atttypmod) AS t FROM pg_attribute WHERE attrelid = $1::regclass AND attname = $2", [table, column])).rows[0].t;
    return types[table][column];
  };
  return {
    name: "postgres", store,
    async insert(table, columns, rows) {
      // one multi-row statement per chunk: a column array each, unnested together
      const casts = await Promise.all(columns.map((c) => columnType(table, c)));
      const arrays = columns.map((_, c) => rows.map((r) => r[c]));
      const sql = `INSERT INTO ${table} (${columns.join(", ")}) SELECT * FROM unnest(${casts.map((t, c) => `$${c + 1}::${t}[]`).join(", ")})`;
      await pool.query(sql, arrays);
    },
    hasColumn: async (table, column) => (await pool.query("SELECT 1 FROM information_schema.columns WHERE table_name = $1 AND column_name = $2", [table, column])).rowCount > 0,
    async exec(sql) { await pool.query(sql); },
    async analyze() {
      await pool.query("SELECT setval(pg_get_serial_sequence('issues', 'id'), (SELECT max(id) FROM issues))");
      await pool.query("VACUUM ANALYZE");
    },
    async close() {
      await store.close();
      await pool.end();
      if (process.env.BENCH_KEEP && !DATA_DIR) console.log(`postgres data kept in ${cluster.dir}`);
      else await cluster.stop();
      if (DATA_DIR) console.log(`postgres data kept in ${cluster.dir}`);
    },
  };
}

// --- the data ---

async function seed(run, nowSec) {
  const { store } = run;
  const orgRow = await store.ensureOrganization("lighttrace", "LightTrace");
  const projectIds = [];
  for (const p of PROJECTS) projectIds.push((await store.createProject({ slug: p.slug, name: p.slug, platform: "node", organizationId: orgRow.id, defaultAlertRules: [] })).project.id);
  const withHotUntil = await run.hasColumn("issues", "hot_until");
  const issueColumns = ["id", "project_id", "short_id", "title", "culprit", "type", "level", "platform", "metadata", "status", "substatus", "is_unhandled",
    "first_seen", "last_seen", "first_release", "last_release", "event_count", "user_count", "status_changed_at", "regressed_at", ...(withHotUntil ? ["hot_until"] : [])];
  let nextId = 1;
  const eventIssues = [];
  const stats = await generateBenchData({ issueCount: ISSUES, eventCount: EVENTS, nowSec, projectIds }, async (chunk) => {
    const ids = chunk.issues.map(() => nextId++);
    const hourlyByIssue = new Map();
    for (const h of chunk.hourly) (hourlyByIssue.get(h.issue) ?? hourlyByIssue.set(h.issue, []).get(h.issue)).push(h);
    {
      // tag values before their issues: the issue's search text picks them up in one piece
      await run.insert("issue_tag_values", ["issue_id", "key", "value", "times_seen", "first_seen", "last_seen"],
        chunk.tags.map((t) => [ids[t.issue], t.key, t.value, t.count, t.firstSeen, t.lastSeen]));
      await run.insert("issues", issueColumns, chunk.issues.map((r, i) => [ids[i], r.projectId, r.shortId, r.title, r.culprit, r.type, r.level, "node", r.metadata,
        r.status, r.substatus, r.isUnhandled, r.firstSeen, r.lastSeen, r.firstRelease, r.lastRelease, r.eventCount, r.userCount, r.statusChangedAt, r.regressedAt,
        ...(withHotUntil ? [seedHotUntil(r, hourlyByIssue.get(i) ?? [], nowSec)] : [])]));
      await run.insert("groupings", ["project_id", "hash", "issue_id", "grouping_key", "mechanism", "created_at"],
        chunk.issues.map((r, i) => [r.projectId, r.hash, ids[i], r.groupingKey, "lt-v1", r.firstSeen]));
      await run.insert("issue_hourly_counts", ["issue_id", "hour", "event_count"], chunk.hourly.map((h) => [ids[h.issue], h.hour, h.count]));
    }
    for (let i = 0; i < chunk.issues.length && ids[i] <= EVENT_ISSUES; i++) eventIssues.push({ id: ids[i], ...chunk.issues[i] });
  });
  // the latest event of the biggest issues, encoded as the store keeps payloads
  for (let from = 0; from < eventIssues.length; from += 2000) {
    const rows = [];
    for (const issue of eventIssues.slice(from, from + 2000)) {
      const eventId = issue.id.toString(16).padStart(32, "0");
      const payload = await store.encodeEventPayload(fullEvent(eventId, issue.lastSeen, issue));
      rows.push([issue.projectId, issue.id, eventId, issue.lastSeen, issue.lastSeen, issue.level, issue.lastRelease, "production", "id:u1", null, issue.title, payload]);
    }
    await run.insert("events", ["project_id", "issue_id", "event_id", "timestamp", "received_at", "level", "release", "environment", "user_key", "trace_id", "title", "data"], rows);
  }
  return { ...stats, biggestIssueId: 1, nowSec };
}
