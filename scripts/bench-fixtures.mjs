// Realistic error envelopes for benchmarks: 5-10 KB, 15-20 frames with context lines, breadcrumbs,
// request, user, tags and contexts, spread over a fixed number of distinct issues (throw sites).
import { randomBytes } from "node:crypto";

const MODULES = ["checkout", "cart", "billing", "auth", "search", "orders", "users", "inventory", "shipping", "reports"];
const ERRORS = ["TypeError", "RangeError", "ReferenceError", "SyntaxError", "Error", "ValidationError", "TimeoutError", "NotFoundError", "DatabaseError", "PaymentError"];

/** A template for issue `n`: the envelope with two `%ID%` placeholders (header and payload). */
export function envelopeTemplate(n, projectPublicKey) {
  const rnd = mulberry(n + 1);
  const mod = MODULES[n % MODULES.length];
  const type = ERRORS[Math.floor(n / MODULES.length) % ERRORS.length];
  const frameCount = 15 + (n % 6);
  const frames = [];
  for (let i = 0; i < frameCount; i++) {
    const inApp = i >= frameCount - 6;
    const file = inApp ? `/srv/app/src/${mod}/handler${n}-${i}.js` : `/srv/app/node_modules/express/lib/router/layer${i}.js`;
    frames.push({
      filename: file,
      module: inApp ? `${mod}:handler${n}-${i}` : `express.lib.router:layer${i}`,
      function: inApp ? `${mod}Step${n}_${i}` : `Layer.handle [as handle_request]`,
      lineno: 10 + Math.floor(rnd() * 400),
      colno: 1 + Math.floor(rnd() * 40),
      in_app: inApp,
      pre_context: ["  const ctx = await load(req);", "  if (!ctx) return next();", "  const items = ctx.items ?? [];"],
      context_line: `  const total = items.reduce((s, it) => s + it.price${n} * it.qty, 0);`,
      post_context: ["  res.json({ total });", "}", ""],
    });
  }
  const breadcrumbs = [];
  for (let i = 0; i < 8; i++) {
    breadcrumbs.push({ timestamp: 1795839000 + i, category: i % 3 ? "http" : "console", level: "info", message: `GET /api/${mod}/${i} -> 200 in ${10 + i} ms`, data: { url: `/api/${mod}/${i}`, status_code: 200 } });
  }
  const event = {
    event_id: "%ID%",
    timestamp: "%TS%",
    platform: "node",
    level: "error",
    release: `shop@1.${n % 3}.0`,
    environment: n % 4 ? "production" : "staging",
    server_name: `web-${n % 5}`,
    transaction: `GET /api/${mod}/:id`,
    exception: { values: [{ type, value: `failed to compute total for order ${n}`, stacktrace: { frames }, mechanism: { type: "generic", handled: n % 7 !== 0 } }] },
    breadcrumbs: { values: breadcrumbs },
    user: { id: "%USER%", email: "%USER%@example.com", ip_address: "10.0.0.1" },
    request: { url: `https://shop.example.com/api/${mod}/42`, method: "GET", headers: { "User-Agent": "Mozilla/5.0 (X11; Linux x86_64) Chrome/120.0.0.0", Accept: "application/json" } },
    tags: { team: ["billing", "growth", "platform"][n % 3], region: ["eu", "us"][n % 2] },
    contexts: { runtime: { name: "node", version: "v24.21.0" }, os: { name: "Linux", version: "6.1" }, trace: { trace_id: "%TRACE%", span_id: "a1b2c3d4e5f60718" } },
    sdk: { name: "sentry.javascript.node", version: "11.12.0" },
  };
  const header = JSON.stringify({ event_id: "%ID%", sent_at: "%SENT%", sdk: { name: "sentry.javascript.node", version: "11.12.0" }, trace: { public_key: projectPublicKey } });
  return `${header}\n{"type":"event"}\n${JSON.stringify(event)}\n`;
}

/**
 * A fast filler for the load generator: the template is split once at its placeholders, and each
 * body is a concatenation of the pieces with a fresh id (run prefix + counter), so the generator
 * spends its CPU on sending rather than on string replacement.
 */
export function compileTemplate(template) {
  const pieces = template.split(/(%ID%|"%TS%"|%SENT%|%USER%|%TRACE%)/);
  return pieces.map((p) => (p.startsWith("%") || p === '"%TS%"' ? p : Buffer.from(p)));
}

const RUN_PREFIX = randomBytes(8).toString("hex");
let sequence = 0;

export function fillCompiled(compiled, userIndex) {
  const seq = (sequence++).toString(16).padStart(16, "0");
  const now = Date.now();
  const values = {
    "%ID%": Buffer.from(RUN_PREFIX + seq),
    '"%TS%"': Buffer.from(String(now / 1000)),
    "%SENT%": Buffer.from(new Date(now).toISOString()),
    "%USER%": Buffer.from(`u${userIndex}`),
    "%TRACE%": Buffer.from(seq + RUN_PREFIX),
  };
  return Buffer.concat(compiled.map((p) => (typeof p === "string" ? values[p] : p)));
}

/** Fills a template with a fresh event id, time, user and trace id. */
export function fillTemplate(template, userIndex) {
  const id = randomBytes(16).toString("hex");
  const now = new Date();
  return template
    .replaceAll("%ID%", id)
    .replace('"%TS%"', String(now.getTime() / 1000))
    .replace("%SENT%", now.toISOString())
    .replaceAll("%USER%", `u${userIndex}`)
    .replace("%TRACE%", randomBytes(16).toString("hex"));
}

function mulberry(seed) {
  let a = seed;
  return () => {
    a |= 0;
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
