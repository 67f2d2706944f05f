import { StorageFullError, StorageUnavailableError } from "../errors.ts";

/**
 * Turns PostgreSQL's errors about the database itself into the store's errors: 53100 disk_full
 * into `StorageFullError`; a server that cannot take work now (no connection, shutting down, in
 * recovery, read-only, out of connections, memory or I/O) into `StorageUnavailableError`.
 * Errors about the data (constraint violations, …) are returned as they are.
 */
export function translatePgError(err: unknown): unknown {
  if (!(err instanceof Error) || err instanceof StorageUnavailableError) return err;
  const code = String((err as { code?: unknown }).code ?? "");
  if (code === "53100") return new StorageFullError(`the database cannot grow: ${err.message}`, { cause: err });
  if (_UNAVAILABLE_SQLSTATE.test(code) || _NETWORK_CODES.has(code) || _CLIENT_MESSAGES.test(err.message)) {
    return new StorageUnavailableError(`the database cannot be reached or written: ${err.message}`, { cause: err });
  }
  return err;
}

/** A serialisation failure or a deadlock: the transaction may simply be run again. */
export function isRetryableTransactionError(err: unknown): boolean {
  const code = (err as { code?: unknown } | null)?.code;
  return code === "40001" || code === "40P01";
}

/** A unique-constraint violation (23505). */
export function isUniqueViolation(err: unknown): boolean {
  return (err as { code?: unknown } | null)?.code === "23505";
}

// --- Internal ---

// 08 connection exception, 53 insufficient resources, 57P0x shutdown / cannot connect now,
// 58 system error (I/O), 25006 read-only transaction (a standby), 3D000 the database is gone
const _UNAVAILABLE_SQLSTATE = /^(08...|53...|57P0.|58...|25006|3D000)$/;
const _NETWORK_CODES = new Set(["ECONNREFUSED", "ECONNRESET", "ENOTFOUND", "EAI_AGAIN", "ETIMEDOUT", "EHOSTUNREACH", "ENETUNREACH", "EPIPE", "ENOENT"]);
// node-postgres's own wording for a lost or closed connection and a closed pool
const _CLIENT_MESSAGES = /Connection terminated|connection timeout|Client has encountered a connection error|Cannot use a pool after calling end|timeout exceeded when trying to connect|Client was closed/i;
