import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createPgPool, parsePostgresUrl } from "../../src/store/postgres/connection.ts";
import { migratePostgres } from "../../src/store/postgres/migrate.ts";
import { PG_MIGRATIONS } from "../../src/store/postgres/migrations.ts";
import { openDb } from "../../src/store/sqlite/db.ts";
import { createTestDatabase, type TestPostgresDatabase } from "../_helpers/postgres.ts";

/**
 * The PostgreSQL schema against SQLite's: every SQLite table and column exists on PostgreSQL (a
 * SQLite migration without its PostgreSQL counterpart fails here), and migrations run once even
 * when several nodes start together.
 */
describe("PostgreSQL schema and migrations", () => {
  let database: TestPostgresDatabase;
  beforeAll(async () => {
    database = await createTestDatabase();
  });
  afterAll(() => database.drop());

  it("has every table and column SQLite has (only SQLite's short-id counter and full-text index differ: a sequence per project, a GIN index; cluster_* tables are PostgreSQL's own)", async () => {
    const dir = mkdtempSync(join(tmpdir(), "lighttrace-schema-"));
    const sqlite = openDb(dir, { synchronous: "normal" });
    const sqliteColumns = new Set<string>();
    // an FTS5 table is an index (with shadow tables <name>_data, _idx, _docsize, _config): on
    // PostgreSQL it is a trigram GIN index on the same text table
    const virtual = (sqlite.prepare("SELECT name FROM sqlite_master WHERE type = 'table' AND sql LIKE 'CREATE VIRTUAL TABLE%'").all() as { name: string }[]).map((t) => t.name);
    const isFullTextIndex = (name: string) => virtual.some((v) => name === v || ["data", "idx", "docsize", "config", "content"].some((s) => name === `${v}_${s}`));
    for (const { name } of sqlite.prepare("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'").all() as { name: string }[]) {
      if (isFullTextIndex(name)) continue;
      for (const col of sqlite.prepare(`SELECT name FROM pragma_table_info(?)`).all(name) as { name: string }[]) sqliteColumns.add(`${name}.${col.name}`);
    }
    sqlite.close();
    rmSync(dir, { recursive: true, force: true });
    const client = new pg.Client(parsePostgresUrl(database.url));
    await client.connect();
    const { rows } = await client.query<{ c: string }>(`SELECT table_name || '.' || column_name AS c FROM information_schema.columns
      WHERE table_schema = current_schema() AND table_name <> 'schema_migrations'`);
    await client.end();
    const pgColumns = new Set(rows.map((r) => r.c));
    const missing = [...sqliteColumns].filter((c) => !pgColumns.has(c) && c !== "projects.next_short_id").sort();
    // cluster_* tables hold state shared by several nodes (src/cluster/): SQLite has one process and keeps it in memory
    const extra = [...pgColumns].filter((c) => !sqliteColumns.has(c) && !c.startsWith("cluster_")).sort();
    expect({ missing, extra }).toEqual({ missing: [], extra: [] });
    expect(sqliteColumns.size).toBeGreaterThan(200);
  });

  it("applies migrations once when nodes start together, and records them", async () => {
    const fresh = await createTestDatabase();
    const admin = createPgPool(parsePostgresUrl(fresh.url), { maxConnections: 1 });
    try {
      // an empty database (the template is migrated already): drop everything, then migrate from four "nodes" at once
      await admin.query("DROP SCHEMA public CASCADE; CREATE SCHEMA public");
      const nodes = Array.from({ length: 4 }, () => createPgPool(parsePostgresUrl(fresh.url), { maxConnections: 1 }));
      const versions = await Promise.all(nodes.map((pool) => migratePostgres(pool)));
      await Promise.all(nodes.map((pool) => pool.end()));
      expect(versions).toEqual(nodes.map(() => PG_MIGRATIONS.length));
      const applied = await admin.query<{ version: number; name: string }>("SELECT version, name FROM schema_migrations ORDER BY version");
      expect(applied.rows).toEqual(PG_MIGRATIONS.map((m, i) => ({ version: i + 1, name: m.name })));
    } finally {
      await admin.end();
      await fresh.drop();
    }
  });

  it("refuses a database migrated by a newer LightTrace", async () => {
    const pool = createPgPool(parsePostgresUrl(database.url), { maxConnections: 1 });
    try {
      await pool.query("INSERT INTO schema_migrations (version, name) VALUES ($1, 'from-the-future')", [PG_MIGRATIONS.length + 1]);
      await expect(migratePostgres(pool)).rejects.toThrow(`database schema version ${PG_MIGRATIONS.length + 1} is newer than this LightTrace (${PG_MIGRATIONS.length})`);
      await pool.query("DELETE FROM schema_migrations WHERE name = 'from-the-future'");
    } finally {
      await pool.end();
    }
  });
});
