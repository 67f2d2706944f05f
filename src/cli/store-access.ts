import { systemClock } from "../clock.ts";
import { loadConfig, resolvePublicUrl, type Config } from "../config.ts";
import type { Organization, Store } from "../store/types.ts";
import { fail } from "./output.ts";
import { NativeAddonError } from "../runtime/native-addon.ts";
import { openStore, type OpenedStore } from "../runtime/open-store.ts";
import { withPublishedWrites } from "../cluster/publishing-store.ts";
import { pgNotifyOnce } from "../store/postgres/cluster-session.ts";
import { INVALIDATE_CHANNEL } from "../cluster/pg-cluster.ts";

/**
 * Opens the configured store for a management command: PostgreSQL with `--database` /
 * LIGHTTRACE_DATABASE_URL, else the data directory's SQLite (WAL and a busy timeout let the
 * command write while the server runs). Creates the organization on a fresh store. On PostgreSQL,
 * changes that running nodes cache (keys, limits, rules, uploads) are announced to them (NOTIFY).
 */
export async function withCliStore<T>(
  dataFlag: string | undefined,
  run: (ctx: { store: Store; config: Config; org: Organization; publicUrl: string; location: string }) => Promise<T>,
): Promise<T> {
  const config = fail.onConfigError(() => loadConfig(process.env, { dataDir: dataFlag }));
  let opened: OpenedStore;
  try {
    opened = await openStore(config, { purpose: "cli", clock: systemClock });
  } catch (err) {
    // the addon's own errors already say what to do; PostgreSQL errors name the server (without its password)
    if (err instanceof NativeAddonError || config.databaseUrl) fail((err as Error).message);
    const message = (err as Error).message;
    fail(message.includes(config.dataDir) ? message : `cannot open the data directory ${config.dataDir}: ${message}`);
  }
  const pending: Promise<void>[] = [];
  const store = opened.backend === "postgres"
    ? withPublishedWrites(opened.store, (topic) => {
      pending.push(pgNotifyOnce(opened.url, INVALIDATE_CHANNEL, topic).catch(() => undefined));
    })
    : opened.store;
  try {
    const org = (await store.getOrganization()) ?? (await store.ensureOrganization(config.orgSlug, "LightTrace"));
    // The server records where it listens; before its first start, the configured default applies.
    const publicUrl = (await store.getSetting("public_url")) ?? resolvePublicUrl(config, config.port);
    return await run({ store, config, org, publicUrl, location: opened.location });
  } finally {
    await Promise.all(pending);
    await store.close();
  }
}
