import { closeSync, openSync, unlinkSync } from "node:fs";
import { join } from "node:path";
import type { Clock } from "../clock.ts";
import type { Config } from "../config.ts";
import type { Logger } from "../logger.ts";
import { makeDirs } from "../make-dirs.ts";
import { openPgStore } from "../store/postgres/pg-store.ts";
import { redactDatabaseUrl } from "../store/postgres/connection.ts";
import { openDb } from "../store/sqlite/db.ts";
import type { SqliteDatabase } from "../store/sqlite/sqlite-binding.ts";
import { createSqliteStore } from "../store/sqlite/sqlite-store.ts";
import type { Store } from "../store/types.ts";

/** The store a process works on, and what kind it is (the composition root wires SQLite-only parts on `sqlite`). */
export type OpenedStore =
  | { backend: "sqlite"; store: Store; db: SqliteDatabase; /** where the data lives, safe to print */ location: string }
  | { backend: "postgres"; store: Store; /** the URL (holds the password: never print it) */ url: string; location: string };

/**
 * Opens the store the configuration names, for the server and for every CLI command alike:
 * PostgreSQL when `databaseUrl` is set (`--database` / LIGHTTRACE_DATABASE_URL), else SQLite in
 * `dataDir`. Errors name the database without its password.
 * `clock` gives the times the store sets itself (creation and edit times of projects, keys, tokens, users, rules).
 * @example const opened = await openStore(config, { purpose: "serve", logger, clock })
 */
export async function openStore(config: Config, opts: { purpose: "serve" | "cli"; logger?: Logger; clock: Clock }): Promise<OpenedStore> {
  if (config.databaseUrl) {
    const location = redactDatabaseUrl(config.databaseUrl);
    const store = await openPgStore(config.databaseUrl, {
      // a CLI command runs one statement at a time
      maxConnections: opts.purpose === "serve" ? config.databaseMaxConnections : 2,
      applicationName: `lighttrace ${opts.purpose}`,
      // the same span cap and age as on SQLite (the PostgreSQL default cap applied and spans never aged)
      maxStoredTraceSpans: config.maxStoredTraceSpans,
      maxTraceAgeDays: config.maxEventAgeDays,
      clock: opts.clock,
      ...(opts.logger ? { logger: opts.logger } : {}),
    });
    return { backend: "postgres", store, url: config.databaseUrl, location };
  }
  if (opts.purpose === "serve") _checkDataDirWritable(config.dataDir);
  const db = openDb(config.dataDir, { synchronous: config.sqliteSynchronous });
  const store = createSqliteStore(db, { maxStoredTraceSpans: config.maxStoredTraceSpans, maxTraceAgeDays: config.maxEventAgeDays, clock: opts.clock });
  return { backend: "sqlite", store, db, location: config.dataDir };
}

// --- Internal ---

function _checkDataDirWritable(dataDir: string): void {
  const probe = join(dataDir, `.write-test-${process.pid}`);
  try {
    makeDirs(dataDir);
    closeSync(openSync(probe, "w"));
    unlinkSync(probe);
  } catch (err) {
    throw new Error(`data directory ${dataDir} is not writable: ${(err as Error).message}`);
  }
}
