import { closeSync, fsyncSync, lstatSync, openSync, renameSync, statSync, unlinkSync, writeSync } from "node:fs";
import { randomBytes } from "node:crypto";
import { homedir, tmpdir } from "node:os";
import { isAbsolute, join } from "node:path";
import { LIGHTTRACE_VERSION } from "../version.ts";
import { makeDirs } from "../make-dirs.ts";
import { readSeaAsset, readSeaManifest } from "./sea.ts";

/**
 * The better-sqlite3 addon of the standalone executable. `dlopen` needs a real file, so the copy
 * embedded in the binary is written once to a per-version cache directory, under a name carrying
 * its content hash (two builds can never load each other's addon), via a temp file and an atomic
 * rename (concurrent first starts cannot see a half-written file), and then loaded.
 *
 * Outside the executable (`npm start`, tests) there is nothing embedded: `embeddedSqliteBinding()`
 * returns undefined and better-sqlite3 loads the addon from its own package as usual. Both cases go
 * through the same call in src/cli/main.ts; only the answer differs.
 */

/** Thrown when no cache directory can take the addon, or the written addon does not load. */
export class NativeAddonError extends Error {
  override name = "NativeAddonError";
}

export interface AddonCacheEnv {
  LIGHTTRACE_CACHE_DIR?: string;
  XDG_CACHE_HOME?: string;
}

/** One place the addon may be cached; `shared` roots (the OS temp dir) get an ownership check. */
export interface AddonCacheCandidate {
  dir: string;
  shared: boolean;
}

/**
 * Where the addon may go, best first, each already ending in the version directory:
 * `$LIGHTTRACE_CACHE_DIR` alone when set (a deliberate choice fails loudly rather than falling
 * back), else `$XDG_CACHE_HOME/lighttrace`, `~/.cache/lighttrace`, then `<tmpdir>/lighttrace-<uid>`
 * for service users without a home directory.
 */
export function listAddonCacheCandidates(
  env: AddonCacheEnv,
  opts: { version: string; home?: string; tmp?: string; uid?: number },
): AddonCacheCandidate[] {
  const sub = (root: string) => join(root, opts.version);
  if (env.LIGHTTRACE_CACHE_DIR) return [{ dir: sub(env.LIGHTTRACE_CACHE_DIR), shared: false }];
  const candidates: AddonCacheCandidate[] = [];
  // XDG Base Directory spec: a relative $XDG_CACHE_HOME is invalid and must be ignored.
  if (env.XDG_CACHE_HOME && isAbsolute(env.XDG_CACHE_HOME)) candidates.push({ dir: sub(join(env.XDG_CACHE_HOME, "lighttrace")), shared: false });
  if (opts.home) candidates.push({ dir: sub(join(opts.home, ".cache", "lighttrace")), shared: false });
  if (opts.tmp) candidates.push({ dir: sub(join(opts.tmp, `lighttrace-${opts.uid ?? "user"}`)), shared: true });
  return candidates;
}

/**
 * Makes sure `<dir>/<fileName>` holds `bytes`, writing it when missing, and returns its path.
 * Tries each candidate in order; throws NativeAddonError naming every directory tried.
 */
export function extractNativeAddon(bytes: Uint8Array, fileName: string, candidates: readonly AddonCacheCandidate[]): string {
  const failures: string[] = [];
  for (const candidate of candidates) {
    try {
      return _extractInto(bytes, fileName, candidate);
    } catch (err) {
      failures.push(`${candidate.dir}: ${(err as Error).message}`);
    }
  }
  throw new NativeAddonError(
    `cannot write the SQLite addon to a cache directory (${failures.join("; ") || "none configured"}); ` +
      "set LIGHTTRACE_CACHE_DIR to a writable directory",
  );
}

/** `process.dlopen` a Node addon file and return its exports. */
export function loadNativeAddon(path: string): object {
  const mod = { exports: {} as object };
  try {
    process.dlopen(mod, path);
  } catch (err) {
    throw new NativeAddonError(
      `cannot load the SQLite addon ${path}: ${(err as Error).message} ` +
        "(if that directory is on a noexec mount, set LIGHTTRACE_CACHE_DIR to one that is not)",
    );
  }
  return mod.exports;
}

let extractedAddonPath: string | undefined;

/** Where embeddedSqliteBinding() put the addon (for other threads that load it too); undefined before or outside the executable. */
export function embeddedSqliteAddonPath(): string | undefined {
  return extractedAddonPath;
}

/**
 * The loaded better-sqlite3 addon when running as the standalone executable, else undefined.
 * Meant as the lazy resolver in store/sqlite/sqlite-binding.ts, so commands that never open the database
 * (`--help`, `--version`) never touch the cache directory.
 */
export function embeddedSqliteBinding(): object | undefined {
  const manifest = readSeaManifest();
  if (!manifest) return undefined;
  const { asset, sha256 } = manifest.sqliteAddon;
  const bytes = readSeaAsset(asset);
  if (!bytes) throw new NativeAddonError(`the executable has no embedded asset ${asset}; rebuild it with npm run build:binary`);
  const candidates = listAddonCacheCandidates(process.env, {
    version: LIGHTTRACE_VERSION,
    home: _homeOrUndefined(),
    tmp: tmpdir(),
    uid: process.getuid?.(),
  });
  extractedAddonPath = extractNativeAddon(bytes, `better_sqlite3-${sha256.slice(0, 16)}.node`, candidates);
  return loadNativeAddon(extractedAddonPath);
}

// --- Internal ---

function _extractInto(bytes: Uint8Array, fileName: string, candidate: AddonCacheCandidate): string {
  // 0700: the directory holds code this process will execute; nobody else may put files there
  makeDirs(candidate.dir, 0o700);
  if (candidate.shared) {
    _assertPrivateDir(join(candidate.dir, ".."));
    _assertPrivateDir(candidate.dir);
  }
  const target = join(candidate.dir, fileName);
  // The name carries the content hash and files only appear by rename, so the right size is enough.
  if (_sizeOf(target) === bytes.byteLength) return target;

  const temp = `${target}.${process.pid}-${randomBytes(4).toString("hex")}.tmp`;
  let fd: number | undefined;
  try {
    fd = openSync(temp, "wx", 0o755);
    for (let off = 0; off < bytes.byteLength; ) off += writeSync(fd, bytes, off);
    fsyncSync(fd);
    closeSync(fd);
    fd = undefined;
    renameSync(temp, target);
  } catch (err) {
    if (fd !== undefined) closeSync(fd);
    try {
      unlinkSync(temp);
    } catch {
      // never created, or already renamed
    }
    throw err;
  }
  return target;
}

/** A directory under a shared root (the OS temp dir) must be ours and writable by no one else. */
function _assertPrivateDir(dir: string): void {
  const st = lstatSync(dir);
  const uid = process.getuid?.();
  if (!st.isDirectory()) throw new Error("not a directory");
  if (uid !== undefined && st.uid !== uid) throw new Error(`owned by uid ${st.uid}, not ${uid}`);
  if ((st.mode & 0o022) !== 0) throw new Error("writable by group or others");
}

function _sizeOf(path: string): number | undefined {
  try {
    return statSync(path).size;
  } catch {
    return undefined;
  }
}

function _homeOrUndefined(): string | undefined {
  try {
    return homedir() || undefined;
  } catch {
    return undefined;
  }
}
