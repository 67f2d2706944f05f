// npm run test:faults — durability under faults, against the built server (dist/lighttrace.mjs):
//  1. kill -9: senders post error events (unique ids, some opening new issues that alert by email
//     to a real SMTP sink) while the server is killed with SIGKILL at random points, restarted,
//     several times; unacknowledged events are re-sent after each restart, as an SDK's offline
//     cache would. Then: every acknowledged event id is stored exactly once, issue counters equal
//     the stored events, PRAGMA integrity_check is ok, and every new issue's alert is delivered once.
//  2. disk full: the data directory on a small tmpfs, filled up: ingest answers 503 + Retry-After
//     (never 500, never 200 for something not stored), then recovers when space returns.
// Options: --rounds N (default 6), --senders N (default 12), --seed N, --no-disk-full, --json.
import { execFileSync } from "node:child_process";
import { randomUUID } from "node:crypto";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parseArgs } from "node:util";
import Database from "better-sqlite3";
import { simpleParser } from "mailparser";
import { SMTPServer } from "smtp-server";
import { startBenchServer } from "./bench-server.mjs";

const { values: opts } = parseArgs({
  options: {
    rounds: { type: "string", default: "6" },
    senders: { type: "string", default: "12" },
    seed: { type: "string" },
    "no-disk-full": { type: "boolean", default: false },
    json: { type: "boolean", default: false },
  },
});
const ROUNDS = Number(opts.rounds);
const SENDERS = Number(opts.senders);
let seed = Number(opts.seed ?? Date.now() % 1_000_000);
const SEED = seed;
/** a small deterministic PRNG, so a failing run can be repeated with --seed */
const random = () => ((seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648);
const log = (...args) => { if (!opts.json) console.log(...args); };

const report = { seed: SEED, rounds: ROUNDS, kills: [], acknowledged: 0, resent: 0, checks: {}, diskFull: null, failures: [], skipped: [] };
const check = (name, ok, detail) => {
  report.checks[name] = { ok, detail };
  if (!ok) report.failures.push(`${name}: ${detail}`);
  log(`${ok ? "ok  " : "FAIL"} ${name}: ${detail}`);
};
/** A check that could not run here: reported as skipped with the reason, never as passed. */
const skip = (name, reason) => {
  report.checks[name] = { ok: null, skipped: true, detail: reason };
  report.skipped.push(`${name}: ${reason}`);
  log(`SKIP ${name}: ${reason}`);
};

// --- a real SMTP sink for alert mail ---
const mails = [];
const parsing = [];
const smtp = new SMTPServer({
  disabledCommands: ["STARTTLS", "AUTH"], logger: false,
  onData(stream, _s, done) {
    const chunks = [];
    stream.on("data", (c) => chunks.push(c));
    stream.on("end", () => { parsing.push(simpleParser(Buffer.concat(chunks)).then((m) => mails.push(m))); done(); });
  },
});
smtp.on("error", () => {}); // the server is killed mid-conversation on purpose
await new Promise((r) => smtp.listen(0, "127.0.0.1", r));
const smtpUrl = `smtp://127.0.0.1:${smtp.server.address().port}`;
const serverEnv = { LIGHTTRACE_SMTP_URL: smtpUrl, LIGHTTRACE_ALERT_TO: "ops@example.com", LIGHTTRACE_ALERT_HOURLY_CAP: "10000" };

// --- part 1: kill -9 under load ---
const dataDir = mkdtempSync(join(tmpdir(), "lighttrace-faults-"));
let { server, url, dsn } = await startBenchServer(dataDir, [], serverEnv);
const key = new URL(dsn);
const envelopeUrl = () => `${url}/api${key.pathname}/envelope/?sentry_key=${key.username}`;

const acknowledged = new Set();
const unacknowledged = new Map(); // id → event, re-sent after the restart
const newIssueTitles = new Set();
let statusCounts = {};

function makeEvent(kind, round, n) {
  const id = randomUUID().replace(/-/g, "");
  const type = kind === "new" ? `FaultNew_r${round}_${n}` : `FaultLoad${n % 5}`;
  if (kind === "new") newIssueTitles.add(type);
  return { event_id: id, timestamp: Date.now() / 1000, platform: "node", level: "error",
    exception: { values: [{ type, value: "fault injection", stacktrace: { frames: [{ filename: "faults.js", function: type, in_app: true }] } }] } };
}

async function send(event) {
  const body = `{"event_id":"${event.event_id}"}\n{"type":"event"}\n${JSON.stringify(event)}\n`;
  try {
    const res = await fetch(envelopeUrl(), { method: "POST", body });
    await res.arrayBuffer();
    statusCounts[res.status] = (statusCounts[res.status] ?? 0) + 1;
    if (res.status === 200) {
      acknowledged.add(event.event_id);
      unacknowledged.delete(event.event_id);
      return true;
    }
  } catch {
    // connection refused or reset by the kill
  }
  unacknowledged.set(event.event_id, event);
  return false;
}

for (let round = 0; round < ROUNDS; round++) {
  let stop = false;
  // 1. what was not acknowledged last time is sent again (it may have been stored: dedupe)
  const retries = [...unacknowledged.values()];
  report.resent += retries.length;
  const senders = Array.from({ length: SENDERS }, async (_, s) => {
    for (let i = s; i < retries.length; i += SENDERS) if (!stop) await send(retries[i]);
    if (!stop && s < 3) await send(makeEvent("new", round, s));
    for (let n = 0; !stop; n++) if (!(await send(makeEvent("load", round, n)))) await new Promise((r) => setTimeout(r, 20));
  });
  // 2. kill -9 at a random point once the round is under load (some events acknowledged)
  const ackedAtStart = acknowledged.size;
  const loadDeadline = Date.now() + 15_000;
  while (acknowledged.size < ackedAtStart + 30 && Date.now() < loadDeadline) await new Promise((r) => setTimeout(r, 10));
  const killAfter = Math.floor(random() * 1500);
  await new Promise((r) => setTimeout(r, killAfter));
  const exited = new Promise((r) => server.once("exit", r));
  server.kill("SIGKILL");
  await exited;
  stop = true;
  await Promise.all(senders);
  report.kills.push({ round, afterMs: killAfter, acknowledgedSoFar: acknowledged.size });
  log(`round ${round + 1}/${ROUNDS}: killed ${killAfter} ms into the load; ${acknowledged.size} acknowledged so far, ${unacknowledged.size} to re-send`);
  ({ server, url } = await startBenchServer(dataDir, [], serverEnv));
}
// a last pass of re-sends after the final restart, then a graceful stop
for (const ev of [...unacknowledged.values()]) await send(ev);
report.acknowledged = acknowledged.size;

// 3. alerts: every new issue committed gets its mail once, across the kills
const deadline = Date.now() + 30_000;
let db = new Database(join(dataDir, "lighttrace.db"), { readonly: true });
const committedNew = db.prepare("SELECT DISTINCT title FROM issues WHERE title LIKE 'FaultNew%'").pluck().all().map((t) => t.split(":")[0]);
db.close();
let mailed = new Map();
while (Date.now() < deadline) {
  await Promise.all(parsing);
  mailed = new Map();
  for (const m of mails) {
    const title = committedNew.find((t) => String(m.subject ?? "").includes(t) || String(m.text ?? "").includes(t));
    if (!title) continue;
    const ids = mailed.get(title) ?? new Set();
    ids.add(m.messageId);
    mailed.set(title, ids);
  }
  if (committedNew.every((t) => mailed.has(t))) break;
  await new Promise((r) => setTimeout(r, 250));
}
const stopped = new Promise((r) => server.once("exit", r));
server.kill("SIGTERM");
const exitCode = await stopped;

db = new Database(join(dataDir, "lighttrace.db"), { readonly: true });
const stored = new Set(db.prepare("SELECT event_id FROM events").pluck().all());
const duplicates = db.prepare("SELECT count(*) FROM (SELECT event_id FROM events GROUP BY project_id, event_id HAVING count(*) > 1)").pluck().get();
const counted = db.prepare("SELECT coalesce(sum(event_count), 0) FROM issues").pluck().get();
const integrity = db.pragma("integrity_check", { simple: true });
db.close();
const missing = [...acknowledged].filter((id) => !stored.has(id));
check("acknowledged events stored", missing.length === 0, `${acknowledged.size} acknowledged over ${ROUNDS} kill -9 rounds, ${missing.length} missing`);
check("stored exactly once", duplicates === 0, `${stored.size} events stored, ${duplicates} duplicated ids (${report.resent} re-sends after restarts)`);
check("issue counters exact", counted === stored.size, `sum of issue counts ${counted}, stored events ${stored.size}`);
check("integrity_check", integrity === "ok", String(integrity));
check("graceful stop after the kills", exitCode === 0, `exit code ${exitCode}`);
const notMailed = committedNew.filter((t) => !mailed.has(t));
const twice = [...mailed].filter(([, ids]) => ids.size > 1).map(([t]) => t);
check("new-issue alerts delivered once", notMailed.length === 0 && twice.length === 0,
  `${committedNew.length} new issues, ${mailed.size} alerted, ${notMailed.length} never, ${twice.length} with more than one distinct message (${mails.length} mails in all)`);
rmSync(dataDir, { recursive: true, force: true });

// --- part 2: disk full on a small tmpfs ---
if (!opts["no-disk-full"]) report.diskFull = await diskFull();
report.statusCounts = statusCounts;
await new Promise((r) => smtp.close(r));

if (opts.json) console.log(JSON.stringify(report));
else {
  const checks = Object.values(report.checks);
  const passed = checks.filter((c) => c.ok === true).length;
  console.log(`\n${passed} passed, ${report.failures.length} failed, ${report.skipped.length} skipped (seed ${SEED})`);
  for (const s of report.skipped) console.log(`skipped: ${s}`);
}
process.exitCode = report.failures.length ? 1 : 0;

async function diskFull() {
  const mountPoint = mkdtempSync(join(tmpdir(), "lighttrace-diskfull-"));
  try {
    execFileSync("mount", ["-t", "tmpfs", "-o", "size=24m", "tmpfs", mountPoint], { stdio: "ignore" });
  } catch {
    rmSync(mountPoint, { recursive: true, force: true });
    skip("disk full", "cannot mount a tmpfs here (needs root); run as root to include it");
    return { skipped: true };
  }
  const result = { skipped: false, refused503: 0, withRetryAfter: 0, errors500: 0, acknowledgedWhileFull: 0, recoveredAfterMs: null };
  try {
    const dir = join(mountPoint, "data");
    mkdirSync(dir);
    ({ server, url, dsn } = await startBenchServer(dir, [], {}));
    const diskKey = new URL(dsn);
    const target = `${url}/api${diskKey.pathname}/envelope/?sentry_key=${diskKey.username}`;
    const acked = new Set();
    const post = async () => {
      const ev = makeEvent("load", 99, Math.floor(random() * 5));
      // ~20 KB of breadcrumbs so the disk fills in a few hundred events
      ev.breadcrumbs = Array.from({ length: 40 }, (_, i) => ({ message: randomUUID().repeat(12) + i, category: "fill" }));
      const res = await fetch(target, { method: "POST", body: `{}\n{"type":"event"}\n${JSON.stringify(ev)}\n` });
      await res.arrayBuffer();
      if (res.status === 200) acked.add(ev.event_id);
      if (res.status === 503) {
        result.refused503++;
        if (Number(res.headers.get("retry-after")) > 0) result.withRetryAfter++;
      }
      if (res.status >= 500 && res.status !== 503) result.errors500++;
      return res.status;
    };
    // 1. fill the disk, leaving ~2 MB for the database to run into
    for (let i = 0; i < 10; i++) await post();
    const free = Number(execFileSync("df", ["-B1", "--output=avail", mountPoint]).toString().split("\n")[1]);
    writeFileSync(join(mountPoint, "filler"), Buffer.alloc(Math.max(0, free - 2 * 1024 * 1024)));
    let sent = 0;
    while (result.refused503 < 20 && sent < 3000) {
      await Promise.all(Array.from({ length: 8 }, post));
      sent += 8;
    }
    const beforeRecovery = new Set(acked);
    // 2. space returns: ingest must recover by itself
    rmSync(join(mountPoint, "filler"));
    const t0 = Date.now();
    while (Date.now() - t0 < 30_000) {
      if ((await post()) === 200) { result.recoveredAfterMs = Date.now() - t0; break; }
      await new Promise((r) => setTimeout(r, 200));
    }
    const stoppedFull = new Promise((r) => server.once("exit", r));
    server.kill("SIGTERM");
    await stoppedFull;
    const diskDb = new Database(join(dir, "lighttrace.db"), { readonly: true });
    const storedIds = new Set(diskDb.prepare("SELECT event_id FROM events").pluck().all());
    const diskIntegrity = diskDb.pragma("integrity_check", { simple: true });
    diskDb.close();
    result.acknowledgedWhileFull = beforeRecovery.size;
    const lost = [...acked].filter((id) => !storedIds.has(id)).length;
    check("disk full → 503 + Retry-After", result.refused503 > 0 && result.withRetryAfter === result.refused503 && result.errors500 === 0,
      `${result.refused503} refused with 503 (${result.withRetryAfter} with Retry-After), ${result.errors500} other 5xx`);
    check("disk full: nothing acknowledged lost", lost === 0, `${acked.size} acknowledged, ${lost} missing`);
    check("disk full: recovers when space returns", result.recoveredAfterMs !== null, `first 200 after ${result.recoveredAfterMs} ms`);
    check("disk full: integrity_check", diskIntegrity === "ok", String(diskIntegrity));
    return result;
  } finally {
    if (server.exitCode === null) server.kill("SIGKILL");
    try { execFileSync("umount", [mountPoint], { stdio: "ignore" }); } catch { /* already gone */ }
    rmSync(mountPoint, { recursive: true, force: true });
  }
}
