import { crc32, inflateRawSync } from "node:zlib";

/**
 * A small ZIP reader for artifact bundles, on node:zlib only (no dependency to embed in the single
 * executable, and no library that trusts the archive's sizes). It reads the central directory
 * found from the end, so leading bytes (the artifact bundle's `SYSB` header) are tolerated, and
 * it takes sizes only from there. Every limit is checked before memory is spent: entry count,
 * each entry's declared size, their sum; inflation is capped at the declared size and the CRC-32
 * is verified, so a lying archive fails instead of exhausting memory.
 */

export class ZipError extends Error {
  override name = "ZipError";
}

export interface ZipLimits {
  maxEntries: number;
  /** bytes, one entry uncompressed */
  maxEntryBytes: number;
  /** bytes, all entries uncompressed */
  maxTotalBytes: number;
}

export interface ZipEntry {
  name: string;
  /** 0 = stored, 8 = deflate */
  method: 0 | 8;
  compressedSize: number;
  size: number;
  crc32: number;
  /** the entry's bytes as stored in the archive (raw deflate for method 8) */
  compressed: Buffer;
}

/** Lists the entries of `zip` (which may carry leading bytes), without inflating them. */
export function readZipEntries(zip: Buffer, limits: ZipLimits): ZipEntry[] {
  // 1. the end-of-central-directory record: last 22 bytes plus up to 64 KiB of comment
  const eocd = _findEocd(zip);
  const entryCount = zip.readUInt16LE(eocd + 10);
  const cdSize = zip.readUInt32LE(eocd + 12);
  const cdOffset = zip.readUInt32LE(eocd + 16);
  if (entryCount === 0xffff || cdSize === 0xffffffff || cdOffset === 0xffffffff) throw new ZipError("ZIP64 archives are not supported");
  if (entryCount > limits.maxEntries) throw new ZipError(`the archive has ${entryCount} entries; at most ${limits.maxEntries} are accepted`);
  // leading bytes shift every offset: the central directory ends where the EOCD record starts
  const cdStart = eocd - cdSize;
  const shift = cdStart - cdOffset;
  if (cdStart < 0 || shift < 0) throw new ZipError("the central directory lies outside the archive");

  // 2. the central directory: names, methods and sizes
  const entries: ZipEntry[] = [];
  let total = 0;
  let p = cdStart;
  for (let i = 0; i < entryCount; i++) {
    if (p + 46 > eocd || zip.readUInt32LE(p) !== 0x02014b50) throw new ZipError(`central directory entry ${i} is damaged`);
    const flags = zip.readUInt16LE(p + 8);
    const method = zip.readUInt16LE(p + 10);
    const crc = zip.readUInt32LE(p + 16);
    const compressedSize = zip.readUInt32LE(p + 20);
    const size = zip.readUInt32LE(p + 24);
    const nameLength = zip.readUInt16LE(p + 28);
    const extraLength = zip.readUInt16LE(p + 30);
    const commentLength = zip.readUInt16LE(p + 32);
    const localOffset = zip.readUInt32LE(p + 42) + shift;
    if (p + 46 + nameLength > eocd) throw new ZipError(`central directory entry ${i} is damaged`);
    const name = zip.subarray(p + 46, p + 46 + nameLength).toString(flags & 0x800 ? "utf8" : "latin1");
    p += 46 + nameLength + extraLength + commentLength;
    if (name.endsWith("/")) continue; // directory
    if (flags & 0x1) throw new ZipError(`entry ${name} is encrypted`);
    if (method !== 0 && method !== 8) throw new ZipError(`entry ${name} uses compression method ${method}; only stored and deflate are supported`);
    if (size > limits.maxEntryBytes) throw new ZipError(`entry ${name} is ${size} bytes; at most ${limits.maxEntryBytes} are accepted`);
    total += size;
    if (total > limits.maxTotalBytes) throw new ZipError(`the archive holds more than ${limits.maxTotalBytes} bytes uncompressed`);

    // 3. the local header only tells where the data starts (its own sizes may be zero: data descriptor)
    if (localOffset + 30 > zip.length || zip.readUInt32LE(localOffset) !== 0x04034b50) throw new ZipError(`local header of ${name} is damaged`);
    const dataStart = localOffset + 30 + zip.readUInt16LE(localOffset + 26) + zip.readUInt16LE(localOffset + 28);
    if (dataStart + compressedSize > zip.length) throw new ZipError(`entry ${name} is truncated`);
    if (method === 0 && compressedSize !== size) throw new ZipError(`stored entry ${name} has inconsistent sizes`);
    entries.push({ name, method: method as 0 | 8, compressedSize, size, crc32: crc, compressed: zip.subarray(dataStart, dataStart + compressedSize) });
  }
  return entries;
}

/** The entry's uncompressed bytes; fails when it inflates past its declared size or its CRC-32 is wrong. */
export function inflateZipEntry(entry: Pick<ZipEntry, "name" | "method" | "size" | "crc32" | "compressed">): Buffer {
  let data: Buffer;
  if (entry.method === 0) {
    data = entry.compressed;
  } else {
    try {
      // one byte of headroom makes an entry that inflates past its declared size fail here
      data = inflateRawSync(entry.compressed, { maxOutputLength: entry.size + 1 });
    } catch (err) {
      throw new ZipError(`entry ${entry.name} does not inflate: ${(err as Error).message}`);
    }
  }
  if (data.length !== entry.size) throw new ZipError(`entry ${entry.name} is ${data.length} bytes, not the ${entry.size} its header says`);
  if (crc32(data) !== entry.crc32) throw new ZipError(`entry ${entry.name} fails its CRC-32 check`);
  return data;
}

// --- Internal ---

function _findEocd(zip: Buffer): number {
  const min = Math.max(0, zip.length - 22 - 0xffff);
  for (let i = zip.length - 22; i >= min; i--) {
    if (zip.readUInt32LE(i) === 0x06054b50 && i + 22 + zip.readUInt16LE(i + 20) <= zip.length) return i;
  }
  throw new ZipError("not a ZIP archive (no end of central directory record)");
}
