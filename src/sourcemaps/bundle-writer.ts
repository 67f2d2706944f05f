import { crc32, deflateRawSync } from "node:zlib";
import type { ArtifactType } from "./artifact-bundle.ts";

export interface BundleInputFile {
  /** "~/static/app.min.js" */
  url: string;
  type: ArtifactType;
  content: Buffer;
  headers?: Record<string, string>;
}

/**
 * Writes an artifact bundle as sentry-cli does (docs/sentry-protocol.md §11): `SYSB` + u32 LE 2, then a
 * ZIP with `manifest.json` and each file at `files/` + its URL mapped (`~/p` → `_/_/p`,
 * `https://host/p` → `https/host/p`). ZIP offsets count from the start of the file, header
 * included, as sentry-cli's do.
 */
export function buildArtifactBundle(input: { files: BundleInputFile[]; bundleId: string; org: string; project?: string; release?: string; dist?: string }): Buffer {
  const manifestFiles: Record<string, { url: string; type: string; headers: Record<string, string> }> = {};
  const entries: { name: string; data: Buffer }[] = [];
  for (const f of input.files) {
    const path = "files/" + bundlePathForUrl(f.url);
    manifestFiles[path] = { url: f.url, type: f.type, headers: f.headers ?? {} };
    entries.push({ name: path, data: f.content });
  }
  const manifest = { files: manifestFiles, debug_id: input.bundleId, org: input.org, project: input.project, release: input.release, dist: input.dist };
  entries.push({ name: "manifest.json", data: Buffer.from(JSON.stringify(manifest)) });
  const header = Buffer.alloc(8);
  header.write("SYSB", 0, "latin1");
  header.writeUInt32LE(2, 4);
  return writeZip(entries, header);
}

/** `~/static/app.js` → `_/_/static/app.js`; `https://cdn.example/app.js` → `https/cdn.example/app.js`. */
export function bundlePathForUrl(url: string): string {
  if (url.startsWith("~/")) return "_/_/" + url.slice(2);
  const m = /^([a-z][a-z0-9+.-]*):\/\/([^/]*)\/?(.*)$/i.exec(url);
  if (m) return `${m[1]}/${m[2] || "_"}/${m[3]}`;
  return "_/" + url.replace(/^\/+/, "");
}

/** A ZIP archive (deflate) of `entries`, written after `prefix`; offsets include the prefix. */
export function writeZip(entries: { name: string; data: Buffer }[], prefix: Buffer = Buffer.alloc(0)): Buffer {
  const parts: Buffer[] = [prefix];
  const central: Buffer[] = [];
  let offset = prefix.length;
  for (const e of entries) {
    const name = Buffer.from(e.name, "utf8");
    const compressed = deflateRawSync(e.data);
    const crc = crc32(e.data);
    const local = Buffer.alloc(30);
    local.writeUInt32LE(0x04034b50, 0);
    local.writeUInt16LE(20, 4); // version needed
    local.writeUInt16LE(0x800, 6); // UTF-8 names
    local.writeUInt16LE(8, 8); // deflate
    local.writeUInt32LE(crc, 14);
    local.writeUInt32LE(compressed.length, 18);
    local.writeUInt32LE(e.data.length, 22);
    local.writeUInt16LE(name.length, 26);
    const cd = Buffer.alloc(46);
    cd.writeUInt32LE(0x02014b50, 0);
    cd.writeUInt16LE(20, 4);
    cd.writeUInt16LE(20, 6);
    cd.writeUInt16LE(0x800, 8);
    cd.writeUInt16LE(8, 10);
    cd.writeUInt32LE(crc, 16);
    cd.writeUInt32LE(compressed.length, 20);
    cd.writeUInt32LE(e.data.length, 24);
    cd.writeUInt16LE(name.length, 28);
    cd.writeUInt32LE(offset, 42);
    parts.push(local, name, compressed);
    central.push(cd, name);
    offset += 30 + name.length + compressed.length;
  }
  const cdSize = central.reduce((n, b) => n + b.length, 0);
  const eocd = Buffer.alloc(22);
  eocd.writeUInt32LE(0x06054b50, 0);
  eocd.writeUInt16LE(entries.length, 8);
  eocd.writeUInt16LE(entries.length, 10);
  eocd.writeUInt32LE(cdSize, 12);
  eocd.writeUInt32LE(offset, 16);
  return Buffer.concat([...parts, ...central, eocd]);
}
