import { inflateZipEntry, readZipEntries, ZipError, type ZipLimits } from "./zip-reader.ts";
import { normalizeDebugId } from "./debug-id.ts";

/** One file of an artifact bundle, checked and ready to store. */
export interface BundleFile {
  /** "~/static/app.min.js" or an absolute URL */
  url: string;
  type: ArtifactType;
  /** lowercase dashed UUID */
  debugId: string | null;
  /** the `Sourcemap` / `X-SourceMap` header: where the minified file's map is */
  sourcemap: string | null;
  /** uncompressed bytes */
  size: number;
  /** the bytes to store: the archive's own deflate stream when it has one (no recompression) */
  stored: Buffer;
  encoding: "deflate-raw" | "identity";
}

export type ArtifactType = "minified_source" | "source_map" | "source" | "indexed_ram_bundle";
const TYPES = new Set<string>(["minified_source", "source_map", "source", "indexed_ram_bundle"]);

export interface ParsedBundle {
  /** the manifest's `debug_id` of the bundle itself */
  bundleId: string | null;
  release: string | null;
  dist: string | null;
  files: BundleFile[];
}

export class BundleError extends Error {
  override name = "BundleError";
}

/**
 * Parses an artifact bundle as sentry-cli and the bundler plugins build it (docs/sentry-protocol.md §11):
 * `SYSB` + u32 LE version, then a ZIP whose `manifest.json` lists `files/…` entries with `url`,
 * `type` and headers (`debug-id`, `sourcemap`; keys case-insensitive). A plain ZIP (sentry-cli 2's
 * legacy release bundle) is accepted too. Every file is inflated once to check it, and every
 * source map must parse: a bundle is accepted whole or not at all.
 */
export function parseArtifactBundle(data: Buffer, limits: ZipLimits): ParsedBundle {
  if (data.length >= 8 && data.toString("latin1", 0, 4) === "SYSB") {
    const version = data.readUInt32LE(4);
    if (version !== 1 && version !== 2) throw new BundleError(`unsupported artifact bundle version ${version}`);
  }
  try {
    // the whole file: sentry-cli's ZIP offsets count the SYSB header, others' may not (the reader copes with both)
    const entries = readZipEntries(data, limits);
    const manifestEntry = entries.find((e) => e.name === "manifest.json");
    if (!manifestEntry) throw new BundleError("the bundle has no manifest.json");
    const manifest = _parseJson(inflateZipEntry(manifestEntry), "manifest.json") as Manifest;
    if (!manifest || typeof manifest !== "object" || typeof manifest.files !== "object" || manifest.files === null) {
      throw new BundleError('manifest.json has no "files" object');
    }
    const byName = new Map(entries.map((e) => [e.name, e]));
    const files: BundleFile[] = [];
    for (const [path, info] of Object.entries(manifest.files)) {
      if (!info || typeof info !== "object" || typeof info.url !== "string" || typeof info.type !== "string") continue;
      if (!TYPES.has(info.type)) continue;
      const entry = byName.get(path);
      if (!entry) throw new BundleError(`manifest.json lists ${path}, which is not in the archive`);
      const content = inflateZipEntry(entry);
      const headers = _lowercaseKeys(info.headers);
      let debugId = normalizeDebugId(headers["debug-id"]);
      if (info.type === "source_map") {
        const map = _parseJson(content, `${path} (source map for ${info.url})`) as Record<string, unknown>;
        if (!map || typeof map !== "object" || (typeof map.mappings !== "string" && !Array.isArray(map.sections))) {
          throw new BundleError(`${path} (source map for ${info.url}) has neither "mappings" nor "sections"`);
        }
        debugId ??= normalizeDebugId(map.debugId ?? map.debug_id);
      }
      files.push({
        url: info.url.slice(0, 2000),
        type: info.type as ArtifactType,
        debugId,
        sourcemap: _string(headers["sourcemap"] ?? headers["x-sourcemap"]),
        size: entry.size,
        stored: Buffer.from(entry.compressed),
        encoding: entry.method === 8 ? "deflate-raw" : "identity",
      });
    }
    if (files.length === 0) throw new BundleError("the bundle contains no source files or source maps");
    return {
      bundleId: normalizeDebugId(manifest.debug_id),
      release: _string(manifest.release),
      dist: _string(manifest.dist),
      files,
    };
  } catch (err) {
    if (err instanceof ZipError) throw new BundleError(`the bundle is not a valid ZIP archive: ${err.message}`);
    throw err;
  }
}

// --- Internal ---

interface Manifest {
  files: Record<string, { url?: unknown; type?: unknown; headers?: unknown } | null>;
  debug_id?: unknown;
  release?: unknown;
  dist?: unknown;
}

function _parseJson(data: Buffer, what: string): unknown {
  try {
    return JSON.parse(data.toString("utf8"));
  } catch (err) {
    throw new BundleError(`${what} is not valid JSON: ${(err as Error).message}`);
  }
}

function _lowercaseKeys(headers: unknown): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  if (headers && typeof headers === "object") for (const [k, v] of Object.entries(headers)) out[k.toLowerCase()] = v;
  return out;
}

function _string(v: unknown): string | null {
  return typeof v === "string" && v.length > 0 && v.length <= 2000 ? v : null;
}
