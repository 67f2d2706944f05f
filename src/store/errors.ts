/**
 * The errors the store lets out. Callers never see a backend's own error codes. Whatever stops the
 * database from taking a write at all, whatever the data (busy past the timeout, an I/O error, a
 * read-only or closed database), is a `StorageUnavailableError`; a full disk (SQLite's SQLITE_FULL,
 * an I/O error caused by ENOSPC, PostgreSQL's 53100 disk_full) is its subclass `StorageFullError`.
 * Nothing of the failed write was kept. Any other error is about the data being written.
 */
export class StorageUnavailableError extends Error {
  override name = "StorageUnavailableError";

  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
  }
}

/** The disk is full: retry once space returns (ingest answers 503 with Retry-After). */
export class StorageFullError extends StorageUnavailableError {
  override name = "StorageFullError";

  constructor(message = "the database cannot grow: the disk is full", options?: { cause?: unknown }) {
    super(message, options);
  }
}
