import { loadConfig, resolvePublicUrl, type Config } from "../config.ts";
import { openDb } from "../store/sqlite/db.ts";
import { createSqliteStore } from "../store/sqlite/sqlite-store.ts";
import type { Organization, Store } from "../store/types.ts";
import { fail } from "./output.ts";
import { NativeAddonError } from "../runtime/native-addon.ts";

/**
 * Opens the data directory's store for a management command. Works while the server runs (WAL
 * and a busy timeout let both write). Creates the organization on a fresh directory.
 */
export async function withCliStore<T>(
  dataFlag: string | undefined,
  run: (ctx: { store: Store; config: Config; org: Organization; publicUrl: string }) => Promise<T>,
): Promise<T> {
  const config = fail.onConfigError(() => loadConfig(process.env, { dataDir: dataFlag }));
  let store: Store;
  try {
    store = createSqliteStore(openDb(config.dataDir, { synchronous: config.sqliteSynchronous }));
  } catch (err) {
    // the addon's own errors already say what to do; everything else is about the directory
    if (err instanceof NativeAddonError) fail(err.message);
    const message = (err as Error).message;
    fail(message.includes(config.dataDir) ? message : `cannot open the data directory ${config.dataDir}: ${message}`);
  }
  try {
    const org = (await store.getOrganization()) ?? (await store.ensureOrganization(config.orgSlug, "LightTrace"));
    // The server records where it listens; before its first start, the configured default applies.
    const publicUrl = (await store.getSetting("public_url")) ?? resolvePublicUrl(config, config.port);
    return await run({ store, config, org, publicUrl });
  } finally {
    await store.close();
  }
}
