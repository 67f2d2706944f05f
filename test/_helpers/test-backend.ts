import { trackForFile } from "./harness.ts";
import { createTestDatabase } from "./postgres.ts";

/**
 * Which store the integration suites run the server on: SQLite in the data directory (default),
 * or with `LIGHTTRACE_TEST_BACKEND=postgres` a fresh database on the tests' PostgreSQL
 * (test/_helpers/postgres.ts) for each data directory a test uses. The directory stays the
 * installation's name: every server (in-process or `lighttrace serve`) and CLI command started on
 * the same directory gets the same database, so restarts and CLI checks see the same data.
 */
export const TEST_BACKEND: "sqlite" | "postgres" = process.env.LIGHTTRACE_TEST_BACKEND === "postgres" ? "postgres" : "sqlite";

/**
 * Keeps this test file on SQLite whatever LIGHTTRACE_TEST_BACKEND says: for tests of SQLite itself
 * (its files, permissions, backups, upgrades, `db copy`'s source) or that look into its file.
 * Module state: vitest loads the helpers afresh for each file.
 */
export function runThisFileOnSqlite(_why: string): void {
  _pinnedToSqlite = true;
}

/**
 * The database URL standing for `dataDir`, or undefined on SQLite. Made on first use; dropped
 * when `releaseDatabaseFor` is called (a server that owned the directory closed) or when the
 * file ends (a directory the test kept).
 */
export function databaseUrlFor(dataDir: string): Promise<string | undefined> {
  if (TEST_BACKEND !== "postgres" || _pinnedToSqlite) return Promise.resolve(undefined);
  let entry = _byDir.get(dataDir);
  if (!entry) {
    entry = createTestDatabase().then((db) => {
      trackForFile({ close: () => releaseDatabaseFor(dataDir) });
      return db;
    });
    _byDir.set(dataDir, entry);
  }
  return entry.then((db) => db.url);
}

/** Drops the database of `dataDir` (if one was made); idempotent. */
export async function releaseDatabaseFor(dataDir: string): Promise<void> {
  const entry = _byDir.get(dataDir);
  if (!entry) return;
  _byDir.delete(dataDir);
  await (await entry).drop();
}

/** The environment that points a `lighttrace` child process started on `dataDir` at its database (empty on SQLite). */
export async function databaseEnvFor(dataDir: string | undefined): Promise<Record<string, string>> {
  const url = dataDir === undefined ? undefined : await databaseUrlFor(dataDir);
  return url ? { LIGHTTRACE_DATABASE_URL: url } : {};
}

// --- Internal ---

let _pinnedToSqlite = false;
const _byDir = new Map<string, Promise<{ url: string; drop(): Promise<void> }>>();
