import { existsSync } from "node:fs";
import { join } from "node:path";
import { loadConfig } from "../config.ts";
import { DB_FILENAME, openDb } from "../store/sqlite/db.ts";
import { createPgPool, isPostgresUrl, parsePostgresUrl, redactDatabaseUrl } from "../store/postgres/connection.ts";
import { migratePostgres } from "../store/postgres/migrate.ts";
import { copySqliteToPostgres, TargetNotEmptyError } from "../store/postgres/copy-from-sqlite.ts";
import { fail, print } from "./output.ts";

/**
 * `lighttrace db copy --data DIR --to postgres://…`: moves a SQLite installation to PostgreSQL.
 * Migrates the target, refuses one that holds any row, copies every table in one transaction with
 * progress on stderr, then compares each table's row count on both sides: exit 1 on a difference.
 * Stop the server first; a copy of a running installation is of one moment and misses later events.
 */
export async function runDbCopy(flags: { data?: string; to: string; json?: boolean }): Promise<void> {
  const config = fail.onConfigError(() => loadConfig(process.env, { dataDir: flags.data }));
  if (!isPostgresUrl(flags.to)) fail(`--to must be a postgres:// or postgresql:// URL, not ${redactDatabaseUrl(flags.to)}`);
  const target = redactDatabaseUrl(flags.to);
  if (!existsSync(join(config.dataDir, DB_FILENAME))) fail(`no LightTrace database in ${config.dataDir} (${DB_FILENAME}); name the data directory with --data`);
  const sqlite = openDb(config.dataDir, { synchronous: config.sqliteSynchronous });
  const pool = createPgPool(parsePostgresUrl(flags.to), { maxConnections: 2, applicationName: "lighttrace db copy" });
  pool.on("error", () => undefined);
  const started = performance.now();
  try {
    try {
      await migratePostgres(pool);
    } catch (err) {
      fail(`cannot prepare ${target}: ${(err as Error).message}`);
    }
    process.stderr.write(`Copying ${config.dataDir} to ${target}\n`);
    let counts;
    try {
      counts = await copySqliteToPostgres(sqlite, pool, (table, copied, total) => {
        if (total > 0) process.stderr.write(`  ${table}: ${copied.toLocaleString("en-US")} / ${total.toLocaleString("en-US")} rows\n`);
      });
    } catch (err) {
      if (err instanceof TargetNotEmptyError) fail(`${err.message}: ${target}`);
      fail(`copy failed, nothing was kept in ${target}: ${(err as Error).message}`);
    }
    const mismatched = counts.filter((c) => c.source !== c.copied);
    const seconds = (performance.now() - started) / 1000;
    print(flags.json, { target, tables: counts, mismatched: mismatched.map((c) => c.table), seconds }, () => [
      ...counts.filter((c) => c.source > 0 || c.copied > 0).map((c) => `${c.source === c.copied ? "ok      " : "MISMATCH"} ${c.table.padEnd(28)} ${String(c.source).padStart(10)} → ${String(c.copied).padStart(10)}`),
      mismatched.length
        ? `${mismatched.length} table(s) differ: do not switch to ${target} yet`
        : `Copied ${counts.reduce((n, c) => n + c.copied, 0).toLocaleString("en-US")} rows in ${counts.length} tables in ${seconds.toFixed(1)} s; every count matches. Start the server with --database (LIGHTTRACE_DATABASE_URL).`,
    ]);
    if (mismatched.length) process.exitCode = 1;
  } finally {
    sqlite.close();
    await pool.end().catch(() => undefined);
  }
}
