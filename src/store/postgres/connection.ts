import pg from "pg";
import { parse as parseConnectionString, toClientConfig } from "pg-connection-string";

/** The URL schemes that select PostgreSQL (libpq accepts both). */
export const POSTGRES_URL = /^postgres(ql)?:\/\//i;

/** Whether a `--database` value names a PostgreSQL server (anything else is refused by the caller). */
export function isPostgresUrl(url: string): boolean {
  return POSTGRES_URL.test(url);
}

/**
 * The URL with its password (user info or `password=` parameter) replaced by `***`: the only form
 * of a database URL that may reach a log line, an error message or the UI.
 * @example redactDatabaseUrl("postgres://lt:s3cret@db/lt") // "postgres://lt:***@db/lt"
 */
export function redactDatabaseUrl(url: string): string {
  return url
    .replace(/^([a-z]+:\/\/[^:/?#@]*):[^@/?#]*@/i, "$1:***@")
    .replace(/([?&]password=)[^&#]*/gi, "$1***");
}

/** How to reach the server, as node-postgres takes it; never logged (it may hold the password). */
export type PgConnectionConfig = pg.ClientConfig;

/**
 * Reads a `postgres://` / `postgresql://` URL the way libpq does for the parts LightTrace supports:
 * user, password, host and port, database, `?host=/socket/dir` for a Unix socket, `sslmode`
 * (disable, prefer, require, verify-ca, verify-full with libpq's meaning; `sslrootcert`,
 * `sslcert`, `sslkey` name files) and `application_name`. A missing password is taken from
 * `PGPASSWORD` (then `~/.pgpass`), a missing user/host/port/database from `PGUSER`, `PGHOST`,
 * `PGPORT`, `PGDATABASE`, as libpq does. Throws an error that names the problem, never the password.
 */
export function parsePostgresUrl(url: string): PgConnectionConfig {
  if (!isPostgresUrl(url)) throw new Error(`not a PostgreSQL URL (postgres://… or postgresql://…): ${redactDatabaseUrl(url)}`);
  let parsed: ReturnType<typeof parseConnectionString>;
  try {
    parsed = parseConnectionString(url, { useLibpqCompat: true });
  } catch (err) {
    throw new Error(`invalid PostgreSQL URL ${redactDatabaseUrl(url)}: ${(err as Error).message.replace(url, "")}`);
  }
  const config = toClientConfig(parsed) as pg.ClientConfig & Record<string, unknown>;
  // An empty value in the URL means "not given": node-postgres then falls back to PG* variables
  // and ~/.pgpass, as libpq does (it would use the empty string otherwise).
  for (const key of ["password", "user", "host", "database"] as const) {
    if (config[key] === "") delete config[key];
  }
  // libpq's "prefer" tries TLS without verifying it; node-postgres cannot fall back to plain text,
  // so the server must offer TLS (say sslmode=disable for a server that has none).
  return config;
}

/**
 * A pool of connections to the server. Every int8 (bigint ids, count(*)) and numeric (sum of
 * bigints) comes back as a JavaScript number: LightTrace's ids and counters stay far below 2^53.
 */
export function createPgPool(config: PgConnectionConfig, opts: { maxConnections: number; applicationName?: string }): pg.Pool {
  return new pg.Pool({
    ...config,
    max: opts.maxConnections,
    application_name: (config as { application_name?: string }).application_name ?? opts.applicationName ?? "lighttrace",
    idleTimeoutMillis: 30_000,
    connectionTimeoutMillis: 10_000,
    // a dead server or host is noticed by the OS within a minute, not after the default two hours
    keepAlive: true,
    keepAliveInitialDelayMillis: 10_000,
    types: { getTypeParser: _typeParser as typeof pg.types.getTypeParser },
  });
}

// --- Internal ---

const _INT8_OID = 20;
const _NUMERIC_OID = 1700;

function _typeParser(oid: number, format?: "text" | "binary"): (value: string) => unknown {
  if (oid === _INT8_OID || oid === _NUMERIC_OID) return Number;
  return pg.types.getTypeParser(oid, format as "text");
}
