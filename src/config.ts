import { z } from "zod";
import { isLoopbackHost } from "./http/security.ts";
import { ALERT_CONFIG_SHAPE, ALERT_DEFAULTS, type AlertConfig } from "./alerts/config.ts";

const MiB = 1024 * 1024;

/**
 * Every setting LightTrace reads, with its unit and why it has this default.
 * Environment variables are `LIGHTTRACE_<KEY IN SCREAMING_SNAKE>`; CLI flags override them.
 */
export const DEFAULTS = {
  /** Interface to listen on. Loopback by default: nothing on the network can reach a developer's tracker unless asked. */
  host: "127.0.0.1",
  /** TCP port (same default as a self-hosted Sentry's web port). */
  port: 8000,
  /** Directory holding lighttrace.db and its WAL; created when missing. Unused when `databaseUrl` names PostgreSQL. */
  dataDir: "./lighttrace-data",
  /**
   * PostgreSQL instead of SQLite: postgres://user:pass@host:5432/db or postgresql://… (libpq's
   * `?host=/socket/dir`, `sslmode`, PGPASSWORD and ~/.pgpass apply). Empty = SQLite in `dataDir`.
   * Several nodes may share one database. Never logged with its password.
   */
  databaseUrl: "",
  /** connections each process keeps to PostgreSQL at most (the leader's lock connection comes on top) */
  databaseMaxConnections: 10,
  /** ms between a PostgreSQL node's tries for the leader lock (and the leader's heartbeats): a dead leader is replaced within about this */
  leaderCheckMs: 2_000,
  /** Base URL SDKs and browsers use to reach this server; empty = derived from host and port. Goes into every DSN. */
  publicUrl: "",
  /** Slug of the installation's single organization (Sentry API paths carry it). */
  orgSlug: "lighttrace",
  /** bytes; compressed request body of one envelope (Relay: 20 MiB). */
  maxEnvelopeCompressedBytes: 20 * MiB,
  /** bytes; decompressed envelope (Relay: 100 MiB). Attachments are counted, not buffered, so this bounds work, not memory. */
  maxEnvelopeBytes: 100 * MiB,
  /** bytes; one event item or one /store/ body after decompression (Relay: 1 MiB). */
  maxEventBytes: 1 * MiB,
  /**
   * bytes; payloads of the items one envelope must hold in memory to process (events, transactions,
   * spans, sessions, client reports), all together. Attachments are counted, not held. 10 events' worth.
   */
  maxEnvelopeItemBytes: 10 * MiB,
  /** ms a client has to send a request's headers; slower clients are disconnected (Node's default is 60 s). */
  headersTimeoutMs: 10_000,
  /** ms a request body may pause between pieces before the request is answered 408 and the connection closed. */
  bodyIdleTimeoutMs: 15_000,
  /** open connections; more are closed at once, so slow or idle clients cannot use up file descriptors. */
  maxConnections: 512,
  /** events waiting for the writer before ingest answers 503 + Retry-After instead of growing memory. */
  maxQueuedEvents: 5_000,
  /** bytes of event payloads (as stored: compressed) waiting for the writer, the same bound measured in memory rather than events. */
  maxQueuedBytes: 64 * MiB,
  /** events per group-commit transaction; bounds how long one commit holds the event loop. */
  maxBatchSize: 500,
  /** Worker threads that decode, parse, normalise, scrub, group and encode ingested bodies; 0 = one per CPU core but one (the main thread keeps one busy), at least one. They start on demand and stop when idle. */
  ingestWorkers: 0,
  /**
   * SQLite `synchronous` in WAL mode. "normal": a commit survives a crash or kill of the process
   * (the data is in the WAL file) but the last commits can be lost on power failure; "full" also
   * fsyncs every commit, which costs throughput. Acknowledged events survive `kill -9` either way.
   */
  sqliteSynchronous: "normal" as "normal" | "full",
  /**
   * Installation default: error events per minute per project before ingest answers 429 with
   * Sentry rate-limit headers; 0 = unlimited. Projects may override it (API / UI).
   */
  eventsPerMinute: 0,
  /** Installation default: error events per project per calendar month (UTC); 0 = unlimited. 5000 = a free tier. */
  monthlyQuota: 0,
  /** Installation default: events kept per project; older ones are thinned out (counters stay exact). 0 = unlimited. */
  maxStoredEvents: 10_000,
  /** Installation default: days an event is kept (each issue's first event excepted); 0 = forever. */
  maxEventAgeDays: 0,
  /** Replace sensitive values (passwords, tokens, cookies, card numbers) in events with "[Filtered]" at ingest. */
  scrubData: true,
  /**
   * Sign a browser on this machine in as the local admin without a password (`serve --open-local` /
   * `--no-open-local`). "auto": only when listening on loopback and no public URL on another host is
   * set (then requests may arrive through a proxy the server cannot see). "on": also with such a
   * public URL (still loopback only, still never through a request that shows a proxy). "off": never.
   */
  openLocal: "auto" as "auto" | "on" | "off",
  /**
   * Reverse proxies in front of the server that append to X-Forwarded-For: the client IP (`{{auto}}`
   * user IPs, the login throttle) is the rightmost hop none of them added. 0 = ignore the header;
   * "true" = 1. Only when every request passes through those proxies.
   */
  trustProxy: 0,
  /** spans (transaction roots included) kept for the trace view; the oldest go first. ~150 bytes each: 200k ≈ 30 MB. */
  maxStoredTraceSpans: 200_000,
  /**
   * Explain's optional LLM: an OpenAI-compatible chat-completions endpoint (base URL such as
   * http://127.0.0.1:11434/v1, or the full …/chat/completions URL). Empty = off: only the offline
   * analyser runs and nothing leaves the process.
   */
  aiUrl: "",
  /** model name sent to that endpoint, e.g. llama3.1 or gpt-4o-mini */
  aiModel: "",
  /** bearer key for that endpoint; empty for local servers that need none */
  aiKey: "",
  /** ms; how long Explain waits for the LLM before showing the offline analysis with the reason */
  aiTimeoutMs: 30_000,
  /** debug | info | warn | error */
  logLevel: "info" as "debug" | "info" | "warn" | "error",
  /** SMTP, alert recipients, links, webhook policy: see src/alerts/config.ts */
  ...ALERT_DEFAULTS,
} as const;

export type Config = Readonly<{
  host: string;
  port: number;
  dataDir: string;
  databaseUrl: string;
  databaseMaxConnections: number;
  leaderCheckMs: number;
  publicUrl: string;
  orgSlug: string;
  maxEnvelopeCompressedBytes: number;
  maxEnvelopeBytes: number;
  maxEventBytes: number;
  maxEnvelopeItemBytes: number;
  headersTimeoutMs: number;
  bodyIdleTimeoutMs: number;
  maxConnections: number;
  maxQueuedEvents: number;
  maxQueuedBytes: number;
  maxBatchSize: number;
  ingestWorkers: number;
  sqliteSynchronous: "normal" | "full";
  eventsPerMinute: number;
  monthlyQuota: number;
  maxStoredEvents: number;
  maxEventAgeDays: number;
  scrubData: boolean;
  openLocal: "auto" | "on" | "off";
  trustProxy: number;
  maxStoredTraceSpans: number;
  aiUrl: string;
  aiModel: string;
  aiKey: string;
  aiTimeoutMs: number;
  logLevel: "debug" | "info" | "warn" | "error";
}> & AlertConfig;

export type ConfigKey = keyof Config;

const booleanFromString = z.union([
  z.boolean(),
  z.enum(["1", "true", "yes", "on", "0", "false", "no", "off"]).transform((v) => ["1", "true", "yes", "on"].includes(v)),
]);

const positiveInt = z.coerce.number().int().positive();

const CONFIG_SCHEMA = z
  .object({
    host: z.string().min(1),
    port: z.coerce.number().int().min(0).max(65535),
    dataDir: z.string().min(1),
    databaseUrl: z.union([z.literal(""), z.string().regex(/^postgres(ql)?:\/\/./i, "a postgres:// or postgresql:// URL (leave it empty for SQLite in the data directory)")]),
    databaseMaxConnections: z.coerce.number().int().min(1).max(1000),
    leaderCheckMs: z.coerce.number().int().min(100).max(60_000),
    publicUrl: z.union([z.literal(""), z.url({ protocol: /^https?$/ })]),
    orgSlug: z.string().regex(/^[a-z0-9][a-z0-9_-]{0,49}$/, "lowercase letters, digits, '-' or '_'"),
    maxEnvelopeCompressedBytes: positiveInt,
    maxEnvelopeBytes: positiveInt,
    maxEventBytes: positiveInt,
    maxEnvelopeItemBytes: positiveInt,
    headersTimeoutMs: z.coerce.number().int().min(100).max(600_000),
    bodyIdleTimeoutMs: z.coerce.number().int().min(100).max(600_000),
    maxConnections: positiveInt,
    maxQueuedEvents: positiveInt,
    maxQueuedBytes: positiveInt,
    maxBatchSize: positiveInt,
    ingestWorkers: z.coerce.number().int().min(0).max(256),
    sqliteSynchronous: z.enum(["normal", "full"]),
    eventsPerMinute: z.coerce.number().int().min(0),
    monthlyQuota: z.coerce.number().int().min(0),
    maxStoredEvents: z.coerce.number().int().min(0),
    maxEventAgeDays: z.coerce.number().min(0),
    scrubData: booleanFromString,
    openLocal: z.union([z.enum(["auto", "on", "off"]), booleanFromString.transform((on) => (on ? "on" : "off"))]),
    trustProxy: z.union([booleanFromString.transform((on) => (on ? 1 : 0)), z.coerce.number().int().min(0).max(32)]),
    maxStoredTraceSpans: positiveInt,
    aiUrl: z.union([z.literal(""), z.url({ protocol: /^https?$/ }).refine((u) => !/^[a-z]+:\/\/[^/]*@/i.test(u), "no credentials in the URL: put the key in LIGHTTRACE_AI_KEY")]),
    aiModel: z.string().max(200),
    aiKey: z.string().max(1000),
    aiTimeoutMs: z.coerce.number().int().min(100).max(600_000),
    logLevel: z.enum(["debug", "info", "warn", "error"]),
    ...ALERT_CONFIG_SHAPE,
  })
  .strict()
  .refine((c) => c.openLocal !== "on" || isLoopbackHost(c.host), {
    path: ["openLocal"],
    message: "automatic sign-in needs a loopback --host (127.0.0.1, ::1 or localhost); on the network, sign in with a password",
  });

export class ConfigError extends Error {
  override name = "ConfigError";
}

/**
 * Builds the frozen Config from defaults, then `LIGHTTRACE_*` environment variables, then
 * explicit overrides (CLI flags, tests). Overrides must name keys that exist.
 * @example loadConfig(process.env, { port: 0, dataDir: tmp })
 */
export function loadConfig(env: NodeJS.ProcessEnv, overrides: Partial<Record<ConfigKey, unknown>> = {}): Config {
  const merged: Record<string, unknown> = { ...DEFAULTS };
  for (const key of Object.keys(DEFAULTS) as ConfigKey[]) {
    const fromEnv = env[envName(key)];
    if (fromEnv !== undefined && fromEnv !== "") merged[key] = fromEnv;
  }
  for (const [key, value] of Object.entries(overrides)) {
    if (!(key in DEFAULTS)) throw new ConfigError(`unknown config key "${key}"`);
    if (value !== undefined) merged[key] = value;
  }
  const parsed = CONFIG_SCHEMA.safeParse(merged);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    const key = String(issue.path[0] ?? "");
    throw new ConfigError(`invalid ${key} (${envName(key as ConfigKey)}): ${issue.message}`);
  }
  return Object.freeze(parsed.data);
}

/** `maxEventBytes` → `LIGHTTRACE_MAX_EVENT_BYTES`. */
export function envName(key: ConfigKey): string {
  return "LIGHTTRACE_" + key.replace(/[A-Z]/g, (c) => "_" + c).toUpperCase();
}

/** The URL SDKs use: the configured public URL, else one derived from the listen address. */
export function resolvePublicUrl(config: Config, listeningPort: number): string {
  if (config.publicUrl) return config.publicUrl.replace(/\/+$/, "");
  const host = config.host === "0.0.0.0" || config.host === "::" ? "localhost" : config.host;
  const hostPart = host.includes(":") ? `[${host}]` : host;
  return `http://${hostPart}:${listeningPort}`;
}
