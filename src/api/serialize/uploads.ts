import type { ApiArtifactBundle, ApiChunkUploadOptions, ApiReleaseFile } from "../../contract/index.ts";
import { toIsoString } from "../../events/timestamps.ts";
import { UPLOAD_LIMITS } from "../../sourcemaps/limits.ts";
import type { ArtifactBundleSummary } from "../../store/model/artifacts.ts";

/** What sentry-cli reads before uploading: where to send chunks, their sizes and what can be assembled. */
export function serializeChunkUploadOptions(url: string): ApiChunkUploadOptions {
  return {
    url,
    chunkSize: UPLOAD_LIMITS.chunkSize,
    chunksPerRequest: UPLOAD_LIMITS.chunksPerRequest,
    maxFileSize: UPLOAD_LIMITS.maxFileSize,
    maxRequestSize: UPLOAD_LIMITS.maxRequestSize,
    concurrency: UPLOAD_LIMITS.concurrency,
    hashAlgorithm: "sha1",
    compression: ["gzip"],
    accept: ["release_files", "artifact_bundles", "artifact_bundles_v2"],
    maxWait: UPLOAD_LIMITS.maxWait,
  };
}

export function serializeArtifactBundle(b: ArtifactBundleSummary): ApiArtifactBundle {
  return {
    id: String(b.id), bundleId: b.bundleId, checksum: b.checksum, release: b.release, dist: b.dist, fileCount: b.fileCount, size: b.size,
    date: toIsoString(b.createdAtSec), dateModified: toIsoString(b.createdAtSec),
  };
}

/** A stored legacy release file (one-file bundle). */
export function serializeReleaseFile(f: { id: number; name: string; dist: string | null; headers: Record<string, string>; size: number; sha1: string; createdAtSec: number }): ApiReleaseFile {
  return { id: String(f.id), name: f.name, dist: f.dist, headers: f.headers, size: f.size, sha1: f.sha1, dateCreated: toIsoString(f.createdAtSec) };
}
