import type { SqliteDatabase } from "./sqlite-binding.ts";
import { MIGRATIONS } from "./migrations.ts";

/**
 * Applies the migrations newer than `PRAGMA user_version`, each in its own transaction, so a
 * database is always at a known version. Refuses a database made by a newer LightTrace.
 */
export function migrate(db: SqliteDatabase): number {
  const current = db.pragma("user_version", { simple: true }) as number;
  if (current > MIGRATIONS.length) {
    throw new Error(`database schema version ${current} is newer than this LightTrace (${MIGRATIONS.length}); upgrade LightTrace`);
  }
  for (let version = current + 1; version <= MIGRATIONS.length; version++) {
    const migration = MIGRATIONS[version - 1]!;
    db.transaction(() => {
      db.exec(migration.sql);
      db.pragma(`user_version = ${version}`);
    }).immediate();
  }
  return MIGRATIONS.length;
}
