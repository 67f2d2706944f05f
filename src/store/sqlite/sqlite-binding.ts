import { existsSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import Database from "better-sqlite3";

/**
 * The one place that opens SQLite connections. `nativeBindingPath` lets a packaged build hand
 * better-sqlite3 its addon (a path, or a module already loaded with `process.dlopen`); unset, the
 * addon is found the usual way next to the package. Tests and scripts use the default.
 */
let nativeBinding: string | object | undefined;
let bindingResolver: (() => string | object | undefined) | undefined;
let addonPathResolver: (() => string | undefined) | undefined;

/** Tells other threads (the checkpoint worker) which addon file the packaged build extracted. */
export function setSqliteAddonPathResolver(resolve: () => string | undefined): void {
  addonPathResolver = resolve;
}

/**
 * The addon file this process uses, so a worker thread can load the same one: the packaged
 * build's extracted copy, a path given explicitly, or the file better-sqlite3 itself would pick
 * next to its package (compiled build first, then the prebuild for this platform).
 */
export function sqliteAddonPath(): string | undefined {
  const packaged = addonPathResolver?.();
  if (packaged) return packaged;
  if (typeof nativeBinding === "string") return nativeBinding;
  try {
    const packageDir = dirname(createRequire(import.meta.url).resolve("better-sqlite3/package.json"));
    return [
      join(packageDir, "build", "Release", "better_sqlite3.node"),
      join(packageDir, "prebuilds", `${process.platform}-${process.arch}.node`),
    ].find((candidate) => existsSync(candidate));
  } catch {
    return undefined;
  }
}

export function setSqliteNativeBinding(binding: string | object | undefined): void {
  nativeBinding = binding;
  bindingResolver = undefined;
}

/** Like setSqliteNativeBinding, resolved at the first open: commands that never open a database never load it. */
export function setSqliteNativeBindingResolver(resolve: () => string | object | undefined): void {
  bindingResolver = resolve;
}

export function openSqlite(path: string, options: { readonly?: boolean } = {}): Database.Database {
  if (bindingResolver) {
    nativeBinding = bindingResolver();
    bindingResolver = undefined;
  }
  const opts: Database.Options = { readonly: options.readonly ?? false };
  if (nativeBinding !== undefined) (opts as { nativeBinding?: unknown }).nativeBinding = nativeBinding;
  return new Database(path, opts);
}

export type SqliteDatabase = Database.Database;
