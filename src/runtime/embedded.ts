import { setEmbeddedUiAssets, type AssetSource } from "../assets.ts";
import { setSqliteAddonPathResolver, setSqliteNativeBindingResolver } from "../store/sqlite/sqlite-binding.ts";
import { embeddedSqliteAddonPath, embeddedSqliteBinding } from "./native-addon.ts";
import { readSeaAsset, readSeaManifest } from "./sea.ts";

/**
 * Plugs the standalone executable's embedded files in, before any command runs: the SQLite addon
 * (resolved at the first database open) and the web UI. Outside the executable both resolve to
 * nothing and the defaults apply (better-sqlite3's own addon, dist/ui on disk), so `npm start` and
 * `dist/lighttrace` go through the same call.
 */
export function installEmbeddedResources(): void {
  setSqliteNativeBindingResolver(embeddedSqliteBinding);
  setSqliteAddonPathResolver(embeddedSqliteAddonPath);
  setEmbeddedUiAssets(createSeaUiAssetSource());
}

/**
 * The dist/ui files embedded by scripts/build-binary.mjs, or undefined outside the executable or
 * when it was built without a UI. Only paths listed in the manifest exist, so no path can escape;
 * reads are views over the mapped executable, not copies.
 */
export function createSeaUiAssetSource(): AssetSource | undefined {
  const ui = readSeaManifest()?.ui;
  if (!ui) return undefined;
  const assetByPath = new Map(ui.files.map((f) => [f.path, f.asset]));
  return {
    description: "embedded",
    read(path) {
      const asset = assetByPath.get(path.replace(/^\/+/, ""));
      const bytes = asset === undefined ? undefined : readSeaAsset(asset);
      return bytes && Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    },
  };
}
