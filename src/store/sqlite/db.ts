import { makeDirs } from "../../make-dirs.ts";
import { join } from "node:path";
import { openSqlite, type SqliteDatabase } from "./sqlite-binding.ts";
import { migrate } from "./migrate.ts";
import { createPrivateFile, restrictToOwner } from "./owner-only.ts";

export const DB_FILENAME = "lighttrace.db";

export interface OpenDbOptions {
  synchronous: "normal" | "full";
}

/**
 * Opens (creating when missing) the data directory's database: WAL so readers never block the
 * writer, foreign keys on, a busy timeout so CLI commands can write while the server runs, then
 * migrations. Every event is in there, so the directory is the owner's only (0700) and the
 * database with its -wal and -shm files 0600, also when an older install left them open. Throws a
 * readable error when the directory cannot be created.
 */
export function openDb(dataDir: string, options: OpenDbOptions): SqliteDatabase {
  const file = join(dataDir, DB_FILENAME);
  try {
    makeDirs(dataDir);
    restrictToOwner(dataDir, 0o700);
    createPrivateFile(file);
    for (const companion of [`${file}-wal`, `${file}-shm`, `${file}-journal`]) restrictToOwner(companion, 0o600);
  } catch (err) {
    throw new Error(`cannot create data directory ${dataDir}: ${(err as Error).message}`);
  }
  const db = openSqlite(file);
  // Retention gives evicted pages back to the file system; only takes effect on a new database.
  db.pragma("auto_vacuum = INCREMENTAL");
  db.pragma("journal_mode = WAL");
  db.pragma(`synchronous = ${options.synchronous === "full" ? "FULL" : "NORMAL"}`);
  db.pragma("foreign_keys = ON");
  db.pragma("busy_timeout = 5000");
  // An 8 MB page cache (SQLite default: 2 MB) and memory temp storage keep issue-list sorts off the disk.
  db.pragma("cache_size = -8000");
  db.pragma("temp_store = MEMORY");
  migrate(db);
  return db;
}
