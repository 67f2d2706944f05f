import type pg from "pg";
import { PG_MIGRATIONS } from "./migrations.ts";

/**
 * Brings the database to the newest schema: every migration newer than the highest version in
 * `schema_migrations` is applied, all in one transaction that first takes a transaction-level
 * advisory lock. Nodes started together therefore migrate one after another (the second finds
 * nothing left to do), and the lock works behind a transaction-mode pooler too. Refuses a database
 * migrated by a newer LightTrace. Returns the schema version.
 */
export async function migratePostgres(pool: pg.Pool, migrations: readonly { name: string; sql: string }[] = PG_MIGRATIONS): Promise<number> {
  const client = await pool.connect();
  let failed: Error | undefined;
  try {
    await client.query("BEGIN");
    await client.query("SELECT pg_advisory_xact_lock(hashtextextended('lighttrace:migrate', 0))");
    await client.query(`CREATE TABLE IF NOT EXISTS schema_migrations (
      version integer PRIMARY KEY,
      name text NOT NULL,
      applied_at timestamptz NOT NULL DEFAULT now()
    )`);
    const { rows } = await client.query<{ version: number | null }>("SELECT max(version) AS version FROM schema_migrations");
    const current = rows[0]?.version ?? 0;
    if (current > migrations.length) {
      throw new Error(`database schema version ${current} is newer than this LightTrace (${migrations.length}); upgrade LightTrace`);
    }
    for (let version = current + 1; version <= migrations.length; version++) {
      const migration = migrations[version - 1]!;
      try {
        await client.query(migration.sql);
      } catch (err) {
        throw new Error(`PostgreSQL migration ${migration.name} failed: ${(err as Error).message}`, { cause: err });
      }
      await client.query("INSERT INTO schema_migrations (version, name) VALUES ($1, $2)", [version, migration.name]);
    }
    await client.query("COMMIT");
    return migrations.length;
  } catch (err) {
    failed = err as Error;
    await client.query("ROLLBACK").catch(() => undefined);
    throw err;
  } finally {
    client.release(failed && /terminat|ECONN/i.test(failed.message) ? failed : undefined);
  }
}
