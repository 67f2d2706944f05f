import type pg from "pg";
import type { SqliteDatabase } from "../sqlite/sqlite-binding.ts";
import { encodeEventData } from "../event-codec.ts";
import { shortIdSequence } from "./projects.ts";

/** One table's outcome: rows in SQLite and rows in PostgreSQL after the copy (equal when it worked). */
export interface TableCopyCount { table: string; source: number; copied: number }

export interface CopyProgress {
  /** called after each batch, and once more when a table is done */
  (table: string, copied: number, total: number): void;
}

/** Rows per INSERT at most; also bounded by parameters (PostgreSQL allows 65,535) and by bytes. */
const MAX_BATCH_ROWS = 1_000;
const MAX_BATCH_PARAMS = 60_000;
const MAX_BATCH_BYTES = 16 * 1024 * 1024;

export class TargetNotEmptyError extends Error {
  override name = "TargetNotEmptyError";
}

/**
 * Copies every table of a SQLite installation into a migrated, empty PostgreSQL database, in one
 * PostgreSQL transaction (a failed copy leaves nothing behind) read from one SQLite snapshot, in
 * batches bounded by rows, parameters and bytes. Tables go in foreign-key order; the target's own
 * triggers are off meanwhile, so rows they would derive (issue activity) are copied, not doubled.
 * Identity sequences and the per-project short-id sequences continue after the copied ids.
 * Returns the per-table counts of both sides, read at the end. Throws TargetNotEmptyError when
 * any table of the target has rows.
 */
export async function copySqliteToPostgres(sqlite: SqliteDatabase, pool: pg.Pool, progress: CopyProgress): Promise<TableCopyCount[]> {
  const client = await pool.connect();
  let failed = false;
  try {
    const targetColumns = await _targetColumns(client);
    const sourceTables = (sqlite.prepare("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'").all() as { name: string }[])
      .map((r) => r.name).filter((t) => targetColumns.has(t));
    for (const table of targetColumns.keys()) {
      const { rows } = await client.query(`SELECT 1 FROM ${_quote(table)} LIMIT 1`);
      if (rows.length > 0) throw new TargetNotEmptyError(`the target database is not empty (table ${table} has rows); copy into a new, empty database`);
    }
    const order = await _foreignKeyOrder(client, sourceTables);

    await client.query("BEGIN");
    sqlite.exec("BEGIN"); // one snapshot of the source, even if a server still writes to it
    try {
      for (const table of order) await client.query(`ALTER TABLE ${_quote(table)} DISABLE TRIGGER USER`);
      for (const table of order) await _copyTable(sqlite, client, table, targetColumns.get(table)!, progress);
      for (const table of order) await client.query(`ALTER TABLE ${_quote(table)} ENABLE TRIGGER USER`);
      await _continueSequences(sqlite, client, order);
      const counts: TableCopyCount[] = [];
      for (const table of order) {
        const source = (sqlite.prepare(`SELECT count(*) AS n FROM ${_quote(table)}`).get() as { n: number }).n;
        const { rows } = await client.query<{ n: number }>(`SELECT count(*)::bigint AS n FROM ${_quote(table)}`);
        counts.push({ table, source, copied: Number(rows[0]!.n) });
      }
      await client.query("COMMIT");
      return counts;
    } finally {
      sqlite.exec("COMMIT");
    }
  } catch (err) {
    failed = true;
    await client.query("ROLLBACK").catch(() => undefined);
    throw err;
  } finally {
    client.release(failed ? true : undefined);
  }
}

// --- Internal ---

interface _Column { name: string; type: string }

/** Every table of the target (schema_migrations and cluster state excepted) with its columns and types. */
async function _targetColumns(client: pg.PoolClient): Promise<Map<string, _Column[]>> {
  const { rows } = await client.query<{ table_name: string; column_name: string; data_type: string }>(
    `SELECT table_name, column_name, data_type FROM information_schema.columns
     WHERE table_schema = current_schema() AND table_name <> 'schema_migrations' AND table_name NOT LIKE 'cluster\\_%'
     ORDER BY table_name, ordinal_position`,
  );
  const tables = new Map<string, _Column[]>();
  for (const r of rows) tables.set(r.table_name, [...(tables.get(r.table_name) ?? []), { name: r.column_name, type: r.data_type }]);
  return tables;
}

/** The tables ordered so that every table comes after the tables its foreign keys point to. */
async function _foreignKeyOrder(client: pg.PoolClient, tables: string[]): Promise<string[]> {
  const { rows } = await client.query<{ child: string; parent: string }>(
    `SELECT c.conrelid::regclass::text AS child, c.confrelid::regclass::text AS parent FROM pg_constraint c
     WHERE c.contype = 'f' AND c.connamespace = current_schema()::regnamespace`,
  );
  const unquote = (name: string) => name.replace(/^"(.*)"$/, "$1");
  const parents = new Map<string, Set<string>>(tables.map((t) => [t, new Set()]));
  for (const r of rows) {
    const child = unquote(r.child);
    const parent = unquote(r.parent);
    if (child !== parent && parents.has(child) && parents.has(parent)) parents.get(child)!.add(parent);
  }
  const order: string[] = [];
  const placed = new Set<string>();
  while (order.length < tables.length) {
    const ready = tables.filter((t) => !placed.has(t) && [...parents.get(t)!].every((p) => placed.has(p)));
    if (ready.length === 0) throw new Error(`foreign keys form a cycle among ${tables.filter((t) => !placed.has(t)).join(", ")}`);
    for (const t of ready) {
      placed.add(t);
      order.push(t);
    }
  }
  return order;
}

async function _copyTable(sqlite: SqliteDatabase, client: pg.PoolClient, table: string, targetColumns: _Column[], progress: CopyProgress): Promise<void> {
  const sourceNames = new Set((sqlite.prepare(`SELECT name FROM pragma_table_info(?)`).all(table) as { name: string }[]).map((r) => r.name));
  const columns = targetColumns.filter((c) => sourceNames.has(c.name));
  const total = (sqlite.prepare(`SELECT count(*) AS n FROM ${_quote(table)}`).get() as { n: number }).n;
  progress(table, 0, total);
  if (total === 0) return;
  const rowsPerBatch = Math.max(1, Math.min(MAX_BATCH_ROWS, Math.floor(MAX_BATCH_PARAMS / columns.length)));
  const select = sqlite.prepare(`SELECT ${columns.map((c) => _quote(c.name)).join(", ")} FROM ${_quote(table)}`).raw(true);
  const convert = columns.map((c) => _converter(table, c));
  let batch: unknown[][] = [];
  let batchBytes = 0;
  let copied = 0;
  let reportedAt = 0;
  const flush = async () => {
    if (batch.length === 0) return;
    const values: unknown[] = [];
    const tuples = batch.map((row) => `(${row.map((v) => {
      values.push(v);
      return `$${values.length}`;
    }).join(", ")})`);
    await client.query(`INSERT INTO ${_quote(table)} (${columns.map((c) => _quote(c.name)).join(", ")}) VALUES ${tuples.join(", ")}`, values);
    copied += batch.length;
    batch = [];
    batchBytes = 0;
    if (Date.now() - reportedAt > 1_000) {
      reportedAt = Date.now();
      progress(table, copied, total);
    }
  };
  for (const raw of select.iterate() as Iterable<unknown[]>) {
    const row = raw.map((v, i) => convert[i]!(v));
    for (const v of row) batchBytes += Buffer.isBuffer(v) ? v.length : typeof v === "string" ? v.length : 8;
    batch.push(row);
    if (batch.length >= rowsPerBatch || batchBytes >= MAX_BATCH_BYTES) await flush();
  }
  await flush();
  progress(table, copied, total);
}

/** How a SQLite value becomes the target column's: 0/1 flags as booleans, text payloads as stored bytes. */
function _converter(table: string, column: _Column): (value: unknown) => unknown {
  if (column.type === "boolean") return (v) => (v === null || v === undefined ? null : Boolean(v));
  if (column.type === "bytea") {
    // an event payload written as plain JSON text (tools, old versions) is stored compressed, as ingest stores it
    const fromText = table === "events" && column.name === "data" ? encodeEventData : (s: string) => Buffer.from(s, "utf8");
    return (v) => (typeof v === "string" ? fromText(v) : v);
  }
  return (v) => (typeof v === "bigint" ? Number(v) : v);
}

/** Identity columns continue after the largest copied id; each project's short ids after its last one. */
async function _continueSequences(sqlite: SqliteDatabase, client: pg.PoolClient, tables: string[]): Promise<void> {
  const { rows } = await client.query<{ table_name: string; column_name: string }>(
    `SELECT table_name, column_name FROM information_schema.columns
     WHERE table_schema = current_schema() AND is_identity = 'YES' AND table_name = ANY($1::text[])`,
    [tables],
  );
  for (const r of rows) {
    await client.query(`SELECT setval(pg_get_serial_sequence($1, $2), coalesce(max(${_quote(r.column_name)}), 1), max(${_quote(r.column_name)}) IS NOT NULL) FROM ${_quote(r.table_name)}`,
      [_quote(r.table_name), r.column_name]);
  }
  const projects = sqlite.prepare("SELECT id, next_short_id FROM projects").all() as { id: number; next_short_id: number }[];
  for (const p of projects) {
    await client.query(`CREATE SEQUENCE IF NOT EXISTS ${shortIdSequence(p.id)} AS bigint`);
    await client.query(`SELECT setval('${shortIdSequence(p.id)}', $1, false)`, [Math.max(1, p.next_short_id)]);
  }
}

function _quote(identifier: string): string {
  return `"${identifier.replace(/"/g, '""')}"`;
}
