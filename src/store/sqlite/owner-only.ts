import { chmodSync, closeSync, existsSync, openSync, statSync } from "node:fs";

/**
 * Takes away group and other access from `path` when it has any (an install from before data files
 * were private, or a directory made under a loose umask). A file or directory owned by someone else
 * is left as it is: only its owner may change it.
 */
export function restrictToOwner(path: string, mode: 0o700 | 0o600): void {
  if (!existsSync(path)) return;
  if ((statSync(path).mode & 0o077) === 0) return;
  try {
    chmodSync(path, mode);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== "EPERM") throw err;
  }
}

/**
 * Creates `file` empty with mode 0600 unless it exists, so SQLite opens a private file: it gives
 * the -wal, -shm and -journal files it creates beside it the database file's mode.
 */
export function createPrivateFile(file: string): void {
  closeSync(openSync(file, "a", 0o600));
  restrictToOwner(file, 0o600);
}
