import type { SqliteDatabase } from "./sqlite-binding.ts";
import { openSqlite } from "./sqlite-binding.ts";
import { createPrivateFile } from "./owner-only.ts";

export interface BackupResult { bytes: number; pages: number; integrity: string; issues: number; events: number }

/**
 * Copies the database to `destination` with SQLite's online backup API while other connections
 * (the running server) keep writing. After the first step every remaining page is copied in one
 * step: one read snapshot, so a steady ingest cannot keep restarting the copy. The copy is then
 * opened and checked (`PRAGMA integrity_check`) before it is reported as good. The copy is 0600.
 */
export async function backupDatabase(db: SqliteDatabase, destination: string): Promise<BackupResult> {
  createPrivateFile(destination); // a copy of every event: the owner's only, like the database
  let pages = 0;
  await db.backup(destination, {
    progress: ({ totalPages }) => {
      pages = totalPages;
      return Math.max(totalPages, 100);
    },
  });
  const copy = openSqlite(destination, { readonly: true });
  try {
    const integrity = String(copy.pragma("integrity_check", { simple: true }));
    const count = (table: string) => Number(copy.prepare(`SELECT count(*) FROM ${table}`).pluck().get());
    const pageSize = Number(copy.pragma("page_size", { simple: true }));
    const pageCount = Number(copy.pragma("page_count", { simple: true }));
    return { bytes: pageSize * pageCount, pages: pages || pageCount, integrity, issues: count("issues"), events: count("events") };
  } finally {
    copy.close();
  }
}
