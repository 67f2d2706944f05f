import type pg from "pg";
import { translatePgError, isRetryableTransactionError } from "./pg-errors.ts";

/** A statement with a name: node-postgres prepares it once per connection and reuses it. */
export interface PgStatement { readonly name: string; readonly text: string }

/**
 * Names a statement that a module runs often, so each connection parses and plans it once.
 * Names must be unique across the store (prefix them with the module: "issues.byId").
 */
export function pgStatement(name: string, text: string): PgStatement {
  return { name, text };
}

/** What a module runs SQL through: the pool, or one transaction's connection. */
export interface PgExecutor {
  /** every row */
  rows<T = Record<string, unknown>>(sql: string | PgStatement, values?: readonly unknown[]): Promise<T[]>;
  /** the first row, or undefined */
  first<T = Record<string, unknown>>(sql: string | PgStatement, values?: readonly unknown[]): Promise<T | undefined>;
  /** runs a statement; the number of rows it affected (or returned) */
  run(sql: string | PgStatement, values?: readonly unknown[]): Promise<number>;
}

/**
 * The store's handle on PostgreSQL: a pool, queries whose errors leave as the store's errors
 * (src/store/errors.ts), and transactions that are retried whole on a serialisation failure or a
 * deadlock (40001, 40P01) — callers pass a function of plain data, so running it again is safe.
 */
export class PgDb implements PgExecutor {
  readonly pool: pg.Pool;

  constructor(pool: pg.Pool) {
    this.pool = pool;
  }

  rows<T = Record<string, unknown>>(sql: string | PgStatement, values: readonly unknown[] = []): Promise<T[]> {
    return _rows<T>(this.pool, sql, values);
  }

  async first<T = Record<string, unknown>>(sql: string | PgStatement, values: readonly unknown[] = []): Promise<T | undefined> {
    return (await _rows<T>(this.pool, sql, values))[0];
  }

  async run(sql: string | PgStatement, values: readonly unknown[] = []): Promise<number> {
    return (await _query(this.pool, sql, values)).rowCount ?? 0;
  }

  /**
   * Runs `work` in one READ COMMITTED transaction on one connection and commits; resolves only
   * after the commit (durable with the server's default synchronous_commit). Rolls back on any
   * error; retries the whole transaction up to `MAX_TRANSACTION_ATTEMPTS` times on 40001/40P01.
   */
  async transaction<T>(work: (tx: PgExecutor) => Promise<T>): Promise<T> {
    for (let attempt = 1; ; attempt++) {
      let client: pg.PoolClient;
      try {
        client = await this.pool.connect();
      } catch (err) {
        throw translatePgError(err);
      }
      let broken: unknown;
      try {
        await client.query("BEGIN");
        const result = await work(_executor(client));
        await client.query("COMMIT");
        return result;
      } catch (err) {
        broken = await _rollback(client, err);
        if (attempt < MAX_TRANSACTION_ATTEMPTS && isRetryableTransactionError(err)) {
          await new Promise((resolve) => setTimeout(resolve, Math.random() * 20 * attempt));
          continue;
        }
        throw translatePgError(err);
      } finally {
        // a connection whose rollback failed is dropped, not handed to the next caller
        client.release(broken instanceof Error ? broken : undefined);
      }
    }
  }

  /** Waits for every connection to close. */
  close(): Promise<void> {
    return this.pool.end();
  }
}

/** How often a transaction is tried when PostgreSQL reports a serialisation failure or a deadlock. */
export const MAX_TRANSACTION_ATTEMPTS = 5;

// --- Internal ---

function _executor(client: pg.PoolClient): PgExecutor {
  return {
    rows: <T>(sql: string | PgStatement, values: readonly unknown[] = []) => _rows<T>(client, sql, values),
    first: async <T>(sql: string | PgStatement, values: readonly unknown[] = []) => (await _rows<T>(client, sql, values))[0],
    run: async (sql, values = []) => (await _query(client, sql, values, false)).rowCount ?? 0,
  };
}

async function _rows<T>(target: pg.Pool | pg.PoolClient, sql: string | PgStatement, values: readonly unknown[]): Promise<T[]> {
  return (await _query(target, sql, values)).rows as T[];
}

/** Inside a transaction errors stay raw, so the transaction can tell a retryable one. */
async function _query(target: pg.Pool | pg.PoolClient, sql: string | PgStatement, values: readonly unknown[], translate = true): Promise<pg.QueryResult> {
  const safe = values.some(_hasNul) ? values.map(_withoutNul) : (values as unknown[]);
  const config = typeof sql === "string" ? { text: sql, values: safe } : { name: sql.name, text: sql.text, values: safe };
  try {
    return await target.query(config);
  } catch (err) {
    throw translate && !("release" in target) ? translatePgError(err) : err;
  }
}

/**
 * PostgreSQL text cannot hold U+0000 (SQLite's can): an SDK that sends one in a message, tag or
 * title would fail the whole batch ("invalid byte sequence for encoding UTF8: 0x00"). Such
 * characters become U+FFFD, the replacement character, in every text parameter (and text array);
 * payloads are bytea and keep them. Lookups go through the same mapping, so they still match.
 */
function _hasNul(value: unknown): boolean {
  if (typeof value === "string") return value.includes("\0");
  return Array.isArray(value) && value.some(_hasNul);
}

function _withoutNul(value: unknown): unknown {
  if (typeof value === "string") return value.includes("\0") ? value.replaceAll("\0", "\uFFFD") : value;
  return Array.isArray(value) ? value.map(_withoutNul) : value;
}

/** Rolls back after `cause`; returns the rollback's own error (the connection is then unusable). */
async function _rollback(client: pg.PoolClient, cause: unknown): Promise<unknown> {
  try {
    await client.query("ROLLBACK");
    return undefined;
  } catch (err) {
    return err instanceof Error ? err : cause;
  }
}
