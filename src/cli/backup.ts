import { existsSync } from "node:fs";
import { resolve } from "node:path";
import { loadConfig } from "../config.ts";
import { backupDatabase } from "../store/sqlite/backup.ts";
import { openDb } from "../store/sqlite/db.ts";
import { fail, print } from "./output.ts";

/**
 * `lighttrace backup <file> [--data DIR]`: an online copy of the database, safe while the server
 * runs and ingests; refuses to overwrite an existing file. Exits 1 unless the copy passes
 * `integrity_check`.
 */
export async function runBackup(file: string, flags: { data?: string; json?: boolean }): Promise<void> {
  const destination = resolve(file);
  if (existsSync(destination)) fail(`${destination} already exists; choose a new file name`);
  const config = fail.onConfigError(() => loadConfig(process.env, { dataDir: flags.data }));
  if (config.databaseUrl) fail("lighttrace backup copies a SQLite data directory; back up a PostgreSQL database with pg_dump (see the README)");
  if (!existsSync(config.dataDir)) fail(`data directory ${config.dataDir} does not exist`);
  const db = openDb(config.dataDir, { synchronous: config.sqliteSynchronous });
  try {
    const started = performance.now();
    const result = await backupDatabase(db, destination);
    const ms = Math.round(performance.now() - started);
    print(flags.json, { file: destination, ...result, ms }, () => [
      `Backed up to ${destination}: ${(result.bytes / 1024 / 1024).toFixed(1)} MiB, ${result.issues} issues, ${result.events} events stored, in ${ms} ms`,
      `integrity_check: ${result.integrity}`,
    ]);
    if (result.integrity !== "ok") process.exitCode = 1;
  } catch (err) {
    fail(`backup failed: ${(err as Error).message}`);
  } finally {
    db.close();
  }
}
