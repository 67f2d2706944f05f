import { StorageFullError, StorageUnavailableError } from "../errors.ts";

/**
 * Turns SQLite's errors about the database itself into the store's errors: "the disk is full"
 * (SQLITE_FULL, an I/O error caused by ENOSPC, ENOSPC or EDQUOT itself) into `StorageFullError`,
 * a database that cannot be written now (busy past the timeout, locked, I/O error, corrupt,
 * read-only, closed) into `StorageUnavailableError`. Errors about the data are returned as they are.
 */
export function translateSqliteError(err: unknown): unknown {
  if (!(err instanceof Error) || err instanceof StorageUnavailableError) return err;
  const code = String((err as { code?: unknown }).code ?? "");
  if (code === "SQLITE_FULL" || code === "ENOSPC" || code === "EDQUOT" || (code.startsWith("SQLITE_IOERR") && /disk|space|full/i.test(err.message))) {
    return new StorageFullError(`the database cannot grow: ${err.message}`, { cause: err });
  }
  if (_UNAVAILABLE.test(code) || (err instanceof TypeError && /database connection is not open/.test(err.message))) {
    return new StorageUnavailableError(`the database cannot be written: ${err.message}`, { cause: err });
  }
  return err;
}

// --- Internal ---

const _UNAVAILABLE = /^SQLITE_(BUSY|LOCKED|IOERR|CORRUPT|READONLY|CANTOPEN|NOTADB|NOMEM|PROTOCOL)/;
