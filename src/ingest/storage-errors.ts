/**
 * Whether an error means the database could not be written for lack of space (SQLite's
 * SQLITE_FULL, an I/O error caused by ENOSPC, or ENOSPC itself). Ingest answers those with 503 and
 * Retry-After: nothing was acknowledged, SDKs keep the event and retry, and writes resume by
 * themselves once space returns.
 */
export function isStorageFullError(err: unknown): boolean {
  if (!(err instanceof Error)) return false;
  const code = String((err as { code?: unknown }).code ?? "");
  if (code === "SQLITE_FULL" || code === "ENOSPC" || code === "EDQUOT") return true;
  return code.startsWith("SQLITE_IOERR") && /disk|space|full/i.test(err.message);
}

/** Seconds SDKs are asked to wait while the disk is full. */
export const STORAGE_FULL_RETRY_AFTER = 30;
