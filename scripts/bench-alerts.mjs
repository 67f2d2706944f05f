// npm run bench:alerts — the alert path end to end against the real server (dist/lighttrace.mjs):
//
// 1. latency: BENCH_ALERTS distinct new issues, one at a time; for each, the time from sending the
//    event to the in-process SMTP server (smtp-server) accepting its "New issue" mail. Prints the
//    median, p99 and max (target: p99 under 5 s).
// 2. noise: BENCH_FLOOD events of one issue as fast as 16 senders go (within a minute), with a
//    spike rule on the project: counts the new-issue mails (must be exactly 1) and spike mails
//    (at most 1) once the dispatcher has gone quiet.
//
// Env: BENCH_ALERTS (default 200), BENCH_FLOOD (default 10000), BENCH_KEEP=1 keeps the data dir.
import { randomUUID } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import http from "node:http";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { SMTPServer } from "smtp-server";
import { benchCli, startBenchServer } from "./bench-server.mjs";

const ALERTS = Number(process.env.BENCH_ALERTS ?? 200);
const FLOOD = Number(process.env.BENCH_FLOOD ?? 10_000);
const TARGET_P99_MS = 5_000;

const dataDir = mkdtempSync(join(tmpdir(), "lighttrace-bench-alerts-"));

// the SMTP server: records when each message was accepted, by the event id LightTrace puts in a header
const accepted = new Map(); // eventId -> { at, subject }
const subjects = [];
const smtp = new SMTPServer({
  disabledCommands: ["STARTTLS", "AUTH"],
  logger: false,
  onData(stream, _session, callback) {
    let raw = "";
    stream.setEncoding("utf8");
    stream.on("data", (c) => (raw += c));
    stream.on("end", () => {
      const at = performance.now();
      const head = raw.slice(0, raw.indexOf("\r\n\r\n"));
      const eventId = /^X-LightTrace-Event: (\w+)/im.exec(head)?.[1];
      const subject = /^Subject: (.*)$/im.exec(head)?.[1] ?? "";
      subjects.push(subject);
      if (eventId) accepted.set(eventId, { at, subject });
      callback();
    });
  },
});
await new Promise((r) => smtp.listen(0, "127.0.0.1", r));
const smtpPort = smtp.server.address().port;

Object.assign(process.env, {
  LIGHTTRACE_SMTP_URL: `smtp://127.0.0.1:${smtpPort}`,
  LIGHTTRACE_ALERT_TO: "bench@example.com",
  LIGHTTRACE_ALERT_HOURLY_CAP: "10000", // measure delivery, not the cap
});
const { server, url, dsn } = await startBenchServer(dataDir);
const key = new URL(dsn);
const envelopeUrl = `${url}/api/${key.pathname.slice(1)}/envelope/?sentry_key=${key.username}`;

const envelope = (type, value, eventId = randomUUID().replace(/-/g, "")) => {
  const event = {
    event_id: eventId, timestamp: Date.now() / 1000, platform: "node", level: "error", environment: "production", release: "bench@1.0.0",
    exception: { values: [{ type, value, stacktrace: { frames: [{ filename: `/srv/app/${type}.js`, function: "handler", lineno: 10, in_app: true }] } }] },
  };
  return { eventId, body: `{"event_id":"${eventId}"}\n{"type":"event"}\n${JSON.stringify(event)}\n` };
};
const agent = new http.Agent({ keepAlive: true, maxSockets: 16 });
const post = (body) => new Promise((resolve, reject) => {
  const req = http.request(envelopeUrl, { method: "POST", agent, headers: { "Content-Length": Buffer.byteLength(body) } }, (res) => {
    res.resume();
    res.on("end", () => (res.statusCode === 200 ? resolve() : reject(new Error(`ingest answered ${res.statusCode}`))));
  });
  req.on("error", reject);
  req.end(body);
});
const waitFor = async (check, timeoutMs) => {
  const deadline = performance.now() + timeoutMs;
  while (!check()) {
    if (performance.now() > deadline) return false;
    await new Promise((r) => setTimeout(r, 5));
  }
  return true;
};

try {
  // 1. latency, one new issue at a time
  const latencies = [];
  for (let i = 0; i < ALERTS + 5; i++) {
    const { eventId, body } = envelope(`BenchError${i}`, `new issue number ${i}`);
    const start = performance.now();
    await post(body);
    if (!(await waitFor(() => accepted.has(eventId), 30_000))) throw new Error(`no mail for event ${eventId} within 30 s`);
    if (i >= 5) latencies.push(accepted.get(eventId).at - start); // the first few warm up the pool and the JIT
  }
  latencies.sort((a, b) => a - b);
  const pct = (p) => latencies[Math.min(latencies.length - 1, Math.floor((p / 100) * latencies.length))];
  console.log(`\nevent ingested -> email accepted by SMTP (${latencies.length} new issues, sequential)`);
  console.log(`  median ${pct(50).toFixed(1)} ms   p99 ${pct(99).toFixed(1)} ms   max ${latencies.at(-1).toFixed(1)} ms   (target p99 < ${TARGET_P99_MS} ms: ${pct(99) < TARGET_P99_MS ? "met" : "MISSED"})`);

  // 2. 10,000 events of one issue within a minute, with a spike rule
  const { token } = benchCli(dataDir, "tokens", "create", "--name", "bench", "--scope", "admin");
  const rule = await fetch(`${url}/api/0/projects/lighttrace/my-project/rules/`, {
    method: "POST", headers: { Authorization: `Bearer ${token}`, "Content-Type": "application/json" },
    body: JSON.stringify({ name: "bench spikes", triggers: { spike: { minEvents: 500, factor: 5, windowMinutes: 5 } }, actions: [{ type: "email", to: ["spikes@example.com"] }] }),
  });
  if (rule.status !== 201) throw new Error(`rule: ${rule.status} ${await rule.text()}`);
  const before = subjects.length;
  let next = 0;
  const floodStart = performance.now();
  await Promise.all(Array.from({ length: 16 }, async () => {
    while (next < FLOOD) {
      next++;
      await post(envelope("FloodError", "the same issue every time").body);
    }
  }));
  const floodSeconds = (performance.now() - floodStart) / 1000;
  await new Promise((r) => setTimeout(r, 5_000)); // let the dispatcher finish and anything late arrive
  const flood = subjects.slice(before);
  const newIssue = flood.filter((s) => s === "[my-project] New issue: FloodError: the same issue every time").length;
  const spike = flood.filter((s) => s === "[my-project] Spike: FloodError: the same issue every time").length;
  console.log(`\n${FLOOD} events of one issue in ${floodSeconds.toFixed(1)} s (${Math.round(FLOOD / floodSeconds)} events/s, 16 senders)`);
  console.log(`  new-issue emails: ${newIssue} (must be exactly 1)   spike emails: ${spike} (at most 1)   other emails: ${flood.length - newIssue - spike}`);
  const ok = pct(99) < TARGET_P99_MS && newIssue === 1 && spike <= 1 && floodSeconds < 60;
  console.log(`\n${ok ? "OK" : "FAILED"} (shared 2-core VM: timings are noisy)`);
  process.exitCode = ok ? 0 : 1;
} finally {
  agent.destroy();
  server.kill("SIGTERM");
  await new Promise((r) => server.once("exit", r));
  smtp.close();
  if (process.env.BENCH_KEEP !== "1") rmSync(dataDir, { recursive: true, force: true });
  else console.log(`data kept in ${dataDir}`);
}
