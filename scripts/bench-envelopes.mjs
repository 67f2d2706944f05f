// The ingest benchmark's bodies: distinct, real-shaped @sentry/node error envelopes (modelled on
// test/fixtures/envelopes/node-error-envelope.txt, a real capture): 18-frame stack traces with context
// lines, 20 breadcrumbs, the Node SDK's contexts, integrations and modules, tags, a user and a
// request, spread over more than 100 issues (throw sites). Every body is built once; each send
// only writes a fresh event id into it, so the load generator spends its CPU on sending.
// Gzip bodies are real single-member gzip streams: the static parts are deflated once, the event id
// goes in as a stored block, and only the CRC-32 is computed per send.
import { randomBytes } from "node:crypto";
import { constants, crc32, deflateRawSync } from "node:zlib";

const MODULES = ["checkout", "cart", "billing", "auth", "search", "orders", "users", "inventory", "shipping", "reports", "payments", "catalog"];
const ERRORS = ["TypeError", "RangeError", "ReferenceError", "Error", "ValidationError", "TimeoutError", "NotFoundError", "DatabaseError", "PaymentError", "SyntaxError"];
const LIBRARY_FRAMES = [
  ["node:internal/process/task_queues", "task_queues", "process.processTicksAndRejections"],
  ["node:internal/timers", "timers", "listOnTimeout"],
  ["/srv/app/node_modules/express/lib/router/layer.js", "express.lib.router:layer", "Layer.handle [as handle_request]"],
  ["/srv/app/node_modules/express/lib/router/index.js", "express.lib.router:index", "next"],
  ["/srv/app/node_modules/express/lib/router/route.js", "express.lib.router:route", "Route.dispatch"],
  ["/srv/app/node_modules/body-parser/lib/types/json.js", "body-parser.lib.types:json", "jsonParser"],
  ["/srv/app/node_modules/pg-pool/index.js", "pg-pool:index", "Pool.query"],
  ["/srv/app/node_modules/ioredis/built/Redis.js", "ioredis.built:Redis", "Redis.sendCommand"],
];
const INTEGRATIONS = ["EventFilters", "FunctionToString", "LinkedErrors", "Dedupe", "RequestData", "NodeSystemError", "Console", "Http", "NodeFetch",
  "OnUncaughtException", "OnUnhandledRejection", "ContextLines", "LocalVariablesAsync", "Context", "ChildProcess", "WorkerThreads", "ProcessSession", "Modules", "Express"];
const PACKAGES = { "@sentry/node": "11.12.0", express: "4.21.2", "body-parser": "1.20.3", pg: "8.13.1", "pg-pool": "3.7.0", ioredis: "5.4.2" };
const FRAMES = 18;
const BREADCRUMBS = 20;
const ID_SLOT = "%EVENT_ID%";

/**
 * `count` distinct envelopes over `issues` throw sites for a project key. Each body is a list of
 * Buffers with the event id's two places (envelope header and event) left as slots.
 * @returns {{ pieces: Buffer[], bytes: number, issue: number }[]}
 */
export function buildEnvelopes(count, issues, publicKey) {
  const nowSec = Date.now() / 1000;
  return Array.from({ length: count }, (_, i) => {
    const text = _envelope(i, i % issues, publicKey, nowSec - (count - i) * 0.01);
    const pieces = text.split(ID_SLOT).map((p) => Buffer.from(p));
    return { pieces, bytes: pieces.reduce((n, p) => n + p.length, 0) + 2 * 32, issue: i % issues };
  });
}

/** A fresh 32-hex event id per send: a run prefix and a counter (never repeats within a run). */
export function eventIdSource() {
  const prefix = randomBytes(8).toString("hex");
  let sequence = 0;
  return () => Buffer.from(prefix + (sequence++).toString(16).padStart(16, "0"));
}

/** The plain body with `id` in its slots. */
export function fillBody(envelope, id) {
  const [a, b, c] = envelope.pieces;
  return Buffer.concat([a, id, b, id, c]);
}

/**
 * Prepares a gzip sender for an envelope: the three static parts deflated once (each ending on a
 * byte boundary with a sync flush, the last one final), so a send is header + parts + two stored
 * blocks holding the id + CRC-32 and size. Valid single-member gzip that any decoder accepts.
 */
export function compileGzip(envelope) {
  const [a, b, c] = envelope.pieces;
  const sync = { finishFlush: constants.Z_SYNC_FLUSH, level: 6 };
  const parts = [deflateRawSync(a, sync), deflateRawSync(b, sync), deflateRawSync(c, { level: 6 })];
  const size = envelope.bytes;
  const crcA = crc32(a);
  return {
    wireBytes: GZIP_HEADER.length + parts.reduce((n, p) => n + p.length, 0) + 2 * (5 + 32) + 8,
    body(id) {
      const stored = Buffer.concat([STORED_BLOCK_HEADER, id]);
      const crc = crc32(c, crc32(id, crc32(b, crc32(id, crcA))));
      const trailer = Buffer.alloc(8);
      trailer.writeUInt32LE(crc >>> 0, 0);
      trailer.writeUInt32LE(size >>> 0, 4);
      return Buffer.concat([GZIP_HEADER, parts[0], stored, parts[1], stored, parts[2], trailer]);
    },
  };
}

// --- Internal ---

/** gzip member header: magic, deflate, no flags, no mtime, no extra flags, OS unix */
const GZIP_HEADER = Buffer.from([0x1f, 0x8b, 0x08, 0x00, 0, 0, 0, 0, 0x00, 0x03]);
/** a non-final stored deflate block of 32 bytes: BFINAL=0 BTYPE=00, LEN, NLEN */
const STORED_BLOCK_HEADER = Buffer.from([0x00, 0x20, 0x00, 0xdf, 0xff]);

function _envelope(i, site, publicKey, timestamp) {
  const rnd = _mulberry(i * 7919 + 17);
  const pick = (list) => list[Math.floor(rnd() * list.length)];
  const mod = MODULES[site % MODULES.length];
  const type = ERRORS[Math.floor(site / MODULES.length) % ERRORS.length];
  const release = `shop-api@2.${site % 4}.${i % 3}`;
  const environment = i % 10 === 0 ? "staging" : "production";
  const traceId = _hex(rnd, 32);
  const user = 1000 + Math.floor(rnd() * 5000);
  const order = 10_000 + Math.floor(rnd() * 90_000);
  const frames = [];
  for (let f = 0; f < FRAMES; f++) {
    const inApp = f >= FRAMES - 7;
    if (!inApp) {
      const [filename, module, fn] = LIBRARY_FRAMES[(f + site) % LIBRARY_FRAMES.length];
      frames.push({ filename, module, function: fn, lineno: 20 + ((site * 31 + f * 7) % 600), colno: 1 + ((site + f) % 40), in_app: false });
      continue;
    }
    const file = `/srv/app/src/${mod}/${["service", "handler", "repository", "validate"][f % 4]}-${site}.js`;
    frames.push({
      filename: file,
      module: `src.${mod}:${["service", "handler", "repository", "validate"][f % 4]}-${site}`,
      function: `${mod}${["Load", "Compute", "Apply", "Persist", "Check", "Render", "Send"][f % 7]}${site}`,
      lineno: 10 + ((site * 13 + f * 29) % 400),
      colno: 3 + ((site * 7 + f) % 50),
      in_app: true,
      ..._context(`${mod}Total${site}`, f, 2),
    });
  }
  const breadcrumbs = [];
  for (let b = 0; b < BREADCRUMBS; b++) {
    const kind = b % 4;
    const ts = Math.round((timestamp - (BREADCRUMBS - b) * 0.137) * 1000) / 1000;
    if (kind === 0) breadcrumbs.push({ timestamp: ts, category: "console", level: "info", message: `${mod}: ctx in ${Math.floor(rnd() * 90) + 3} ms` });
    else if (kind === 1) breadcrumbs.push({ timestamp: ts, category: "http", level: "info", data: { url: `http://inventory:8080/items/${order + b}`, status_code: pick([200, 200, 200, 304, 404]) } });
    else if (kind === 2) breadcrumbs.push({ timestamp: ts, category: "query", level: "info", message: "SELECT * FROM line_items WHERE order_id = $1", data: { rows: Math.floor(rnd() * 40) } });
    else breadcrumbs.push({ timestamp: ts, category: "redis", level: "debug", message: `GET s:${_hex(rnd, 8)}` });
  }
  const event = {
    exception: {
      values: [{
        type, value: `order ${order}: line ${Math.floor(rnd() * 20)} has no price`,
        stacktrace: { frames }, mechanism: { type: site % 5 === 0 ? "onunhandledrejection" : "generic", handled: site % 5 !== 0 },
      }],
    },
    event_id: ID_SLOT,
    level: "error",
    platform: "node",
    request: {
      method: pick(["GET", "POST", "PUT"]), url: `https://api.shop.example.com/v2/${mod}/${order}?expand=items&currency=${pick(["EUR", "USD", "GBP"])}`,
      headers: { host: "api.shop.example.com", "user-agent": pick(["Mozilla/5.0 (X11; Linux x86_64) Chrome/131.0.0.0", "okhttp/4.12.0", "Mozilla/5.0 (iPhone; CPU iPhone OS 18_1 like Mac OS X)"]), accept: "application/json" },
    },
    user: { id: String(user), email: `user${user}@example.com`, ip_address: `10.${site % 250}.${Math.floor(rnd() * 250)}.${Math.floor(rnd() * 250)}` },
    tags: { region: pick(["eu-west-1", "us-east-1", "ap-south-1"]), team: pick(["checkout", "platform", "growth"]), feature_flag: pick(["new-cart", "legacy", "beta"]) },
    contexts: {
      trace: { trace_id: traceId, span_id: _hex(rnd, 16) },
      runtime: { name: "node", version: "v24.21.0" },
      app: { app_start_time: new Date((timestamp - 3600) * 1000).toISOString(), app_memory: 100_000_000 + Math.floor(rnd() * 50_000_000) },
      os: { kernel_version: "6.1.0-28-cloud-amd64", name: "Debian", version: "12.8" },
      device: { arch: "x64", memory_size: 8_589_934_592, free_memory: 2_000_000_000 + Math.floor(rnd() * 1e9), processor_count: 4, cpu_description: "AMD EPYC 7B13" },
      culture: { locale: "en-US", timezone: "UTC" },
    },
    server_name: `api-${site % 6}`,
    timestamp,
    environment,
    release,
    transaction: `${pick(["GET", "POST"])} /v2/${mod}/:id`,
    sdk: { integrations: INTEGRATIONS, name: "sentry.javascript.node", version: "11.12.0", packages: [{ name: "npm:@sentry/node", version: "11.12.0" }] },
    modules: PACKAGES,
    breadcrumbs: { values: breadcrumbs },
  };
  const header = { event_id: ID_SLOT, sent_at: new Date(timestamp * 1000).toISOString(), sdk: { name: "sentry.javascript.node", version: "11.12.0" },
    trace: { environment, release, public_key: publicKey, trace_id: traceId } };
  return `${JSON.stringify(header)}\n{"type":"event"}\n${JSON.stringify(event)}\n`;
}

function _context(name, f, lines) {
  const pre = [`async function ${name}(req, res) {`, "  const ctx = await loadContext(req);", "  if (!ctx) return res.status(404).end();", "  const items = ctx.items ?? [];", "  // cents"].slice(5 - lines);
  const post = [`  res.json({ total, step: ${f} });`, "}", "", `export default ${name};`, ""].slice(0, Math.max(1, lines - 1));
  return { pre_context: pre, context_line: "  const total = items.reduce((s, it) => s + it.price * it.qty, 0);", post_context: post };
}

function _hex(rnd, length) {
  let out = "";
  while (out.length < length) out += Math.floor(rnd() * 0x100000000).toString(16).padStart(8, "0");
  return out.slice(0, length);
}

function _mulberry(seed) {
  let a = seed;
  return () => {
    a |= 0;
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
