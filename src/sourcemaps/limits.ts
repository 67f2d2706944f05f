const MiB = 1024 * 1024;

/**
 * Upload limits, announced to sentry-cli through the chunk-upload options (docs/sentry-protocol.md §11) and
 * enforced on every request. Sentry's own values except where a single process must bound memory.
 */
export const UPLOAD_LIMITS = {
  /** bytes per chunk; a power of two (sentry-cli ≤ 2.39 requires it). Sentry: 8 MiB. */
  chunkSize: 8 * MiB,
  /** chunks per POST. Sentry: 64. */
  chunksPerRequest: 64,
  /** bytes of one chunk POST on the wire. Sentry: 32 MiB. */
  maxRequestSize: 32 * MiB,
  /** bytes of one assembled bundle: it is held in memory while checked. Sentry: 2 GiB. */
  maxFileSize: 256 * MiB,
  /** parallel chunk uploads sentry-cli may run; one process writes them anyway. Sentry: 8. */
  concurrency: 4,
  /** seconds sentry-cli keeps polling an assembly */
  maxWait: 300,
  /** the archive inside a bundle: entries and uncompressed bytes (a decompression bomb stops here) */
  zip: { maxEntries: 20_000, maxEntryBytes: 128 * MiB, maxTotalBytes: 1024 * MiB },
  /** bytes of a legacy single-file upload (`releases files upload`). Sentry: 40 MB. */
  maxReleaseFileSize: 64 * MiB,
  /** seconds an uploaded chunk waits for the assemble request that uses it */
  chunkRetentionSeconds: 24 * 3600,
} as const;

/** estimated bytes of parsed source maps kept in memory (map-cache.ts): about three 5 MB maps */
export const SOURCE_MAP_CACHE_WEIGHT = 160 * 1024 * 1024;
