import Database from "better-sqlite3";

/**
 * The one place that opens SQLite connections. `nativeBindingPath` lets a packaged build hand
 * better-sqlite3 its addon (a path, or a module already loaded with `process.dlopen`); unset, the
 * addon is found the usual way next to the package. Tests and scripts use the default.
 */
let nativeBinding: string | object | undefined;
let bindingResolver: (() => string | object | undefined) | undefined;

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
