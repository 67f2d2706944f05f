import { getAsset, getRawAsset, isSea as _nodeIsSea } from "node:sea";

/**
 * Node's Single Executable Application API, behind names that also work outside a SEA. `node:sea`
 * exists in every Node LightTrace supports (engines ≥ 22.12), so a static import is safe in the
 * ESM bundle, in vitest and in the CJS bundle inside `dist/lighttrace`; outside a SEA `isSea()`
 * is false and the asset readers return undefined instead of throwing.
 * @see https://nodejs.org/docs/latest-v24.x/api/single-executable-applications.html
 */

/** Key of the JSON manifest `scripts/build-binary.mjs` embeds next to the other assets. */
export const SEA_MANIFEST_ASSET = "lighttrace-manifest.json";

/** What `scripts/build-binary.mjs` embedded; written at build time, read at start. */
export interface SeaManifest {
  lighttraceVersion: string;
  nodeVersion: string;
  /** the better-sqlite3 addon; `sha256` (hex) names the extracted file so versions never collide */
  sqliteAddon: SeaEmbeddedFile;
  /** files of dist/ui at build time, or null when the binary was built without a UI */
  ui: { files: SeaEmbeddedFile[] } | null;
}

export interface SeaEmbeddedFile {
  /** SEA asset key */
  asset: string;
  /** path relative to its root (dist/ui for UI files; the addon's file name for the addon) */
  path: string;
  size: number;
  sha256: string;
}

/** True when running as `dist/lighttrace` (the Node binary with an injected SEA blob). */
export function isSea(): boolean {
  return _nodeIsSea();
}

/** The embedded manifest, or undefined outside a SEA. Parsed once. */
export function readSeaManifest(): SeaManifest | undefined {
  if (!isSea()) return undefined;
  _manifest ??= JSON.parse(getAsset(SEA_MANIFEST_ASSET, "utf8")) as SeaManifest;
  return _manifest;
}

/**
 * An embedded asset's bytes without copying (a view over the executable's mapped blob), or
 * undefined outside a SEA or when the key is missing.
 */
export function readSeaAsset(key: string): Uint8Array | undefined {
  if (!isSea()) return undefined;
  try {
    return new Uint8Array(getRawAsset(key));
  } catch {
    return undefined;
  }
}

// --- Internal ---

let _manifest: SeaManifest | undefined;
