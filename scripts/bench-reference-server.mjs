// The reference bench:ingest holds LightTrace to: the least a durable Sentry-envelope ingest must do.
// node:http, the body read whole (gunzipped when gzip), the envelope split into lines and its event
// item JSON.parse'd, one INSERT per event, SQLite in WAL mode with synchronous=FULL, a group commit
// every 1 ms, and 200 only after the commit that holds the event. No grouping, no counters, no limits.
// Usage: node scripts/bench-reference-server.mjs --data DIR --key PUBLIC_KEY [--port 0]
// Prints "listening on http://127.0.0.1:PORT" once ready; SIGTERM commits what is pending and exits.
import { createServer } from "node:http";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { gunzipSync } from "node:zlib";
import Database from "better-sqlite3";

const { values: opts } = parseArgs({ options: { data: { type: "string" }, key: { type: "string" }, port: { type: "string", default: "0" } } });
if (!opts.data || !opts.key) throw new Error("usage: bench-reference-server.mjs --data DIR --key PUBLIC_KEY [--port N]");
const COMMIT_EVERY_MS = 1;

const db = new Database(join(opts.data, "reference.db"));
db.pragma("journal_mode = WAL");
db.pragma("synchronous = FULL");
db.exec(`CREATE TABLE IF NOT EXISTS events (id INTEGER PRIMARY KEY, project_id INTEGER NOT NULL, event_id TEXT NOT NULL,
  received_at INTEGER NOT NULL, data TEXT NOT NULL)`);
const insert = db.prepare("INSERT INTO events (project_id, event_id, received_at, data) VALUES (?, ?, ?, ?)");
let pending = [];
let timer;
const commit = db.transaction((rows) => { for (const r of rows) insert.run(r.projectId, r.eventId, r.receivedAt, r.data); });

function flush() {
  timer = undefined;
  const batch = pending;
  pending = [];
  try {
    commit(batch.map((p) => p.row));
    for (const p of batch) answer(p.res, 200, `{"id":"${p.row.eventId}"}`);
  } catch (err) {
    for (const p of batch) answer(p.res, 500, JSON.stringify({ detail: String(err) }));
  }
}

const server = createServer((req, res) => {
  const url = new URL(req.url, "http://x");
  const match = /^\/api\/(\d+)\/envelope\/?$/.exec(url.pathname);
  if (req.method !== "POST" || !match) return answer(res, 404, '{"detail":"not found"}');
  const chunks = [];
  req.on("data", (c) => chunks.push(c));
  req.on("end", () => {
    if (url.searchParams.get("sentry_key") !== opts.key) return answer(res, 403, '{"detail":"unknown key"}');
    let body = Buffer.concat(chunks);
    try {
      if (req.headers["content-encoding"] === "gzip") body = gunzipSync(body);
      const text = body.toString("utf8");
      const first = text.indexOf("\n");
      const second = text.indexOf("\n", first + 1);
      JSON.parse(text.slice(0, first));
      const itemHeader = JSON.parse(text.slice(first + 1, second));
      if (itemHeader.type !== "event") return answer(res, 200, "{}");
      const end = text.indexOf("\n", second + 1);
      const payload = text.slice(second + 1, end < 0 ? text.length : end);
      const event = JSON.parse(payload);
      pending.push({ res, row: { projectId: Number(match[1]), eventId: String(event.event_id), receivedAt: Date.now(), data: payload } });
      timer ??= setTimeout(flush, COMMIT_EVERY_MS);
    } catch (err) {
      answer(res, 400, JSON.stringify({ detail: String(err) }));
    }
  });
});
server.keepAliveTimeout = 60_000;
server.listen(Number(opts.port), "127.0.0.1", () => process.stdout.write(`listening on http://127.0.0.1:${server.address().port}\n`));
process.on("SIGTERM", () => {
  server.close();
  server.closeIdleConnections();
  if (timer) clearTimeout(timer);
  flush();
  db.close();
  process.exit(0);
});

function answer(res, status, text) {
  res.writeHead(status, { "Content-Type": "application/json", "Content-Length": Buffer.byteLength(text) });
  res.end(text);
}
