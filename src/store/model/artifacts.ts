/**
 * Source-map storage: upload chunks waiting for assembly, artifact bundles with their files, and
 * the two lookups symbolication needs (by debug id; by release + dist + URL), per project.
 */
export interface ArtifactStore {
  /** Stores chunks by checksum; a chunk already present is kept (uploads are content-addressed). */
  putUploadChunks(chunks: { checksum: string; data: Buffer }[], now: number): Promise<void>;
  /** The checksums of `checksums` not uploaded yet, in the given order. */
  missingUploadChunks(checksums: string[]): Promise<string[]>;
  /** The chunks' bytes in order; undefined when one is missing. */
  readUploadChunks(checksums: string[]): Promise<Buffer[] | undefined>;
  /** Drops chunks never assembled (abandoned uploads); returns how many. */
  pruneUploadChunks(olderThan: number): Promise<number>;
  findArtifactBundle(organizationId: number, checksum: string): Promise<{ id: number; fileCount: number } | undefined>;
  /** Makes an existing bundle visible to more projects. */
  linkArtifactBundle(bundleId: number, projectIds: number[]): Promise<void>;
  /** Stores a bundle, its files and project links, and drops the chunks it came from: all or nothing. */
  storeArtifactBundle(input: NewArtifactBundle): Promise<{ id: number; fileCount: number }>;
  findArtifactByDebugId(projectId: number, debugId: string, type: string): Promise<ArtifactFileRef | undefined>;
  /** The first URL of `urls` (candidates in preference order) with a file in this release and dist. */
  findArtifactByUrl(projectId: number, release: string, dist: string | null, urls: string[]): Promise<ArtifactFileRef | undefined>;
  /** The file's bytes, uncompressed. */
  loadArtifactContent(fileId: number): Promise<Buffer>;
  /** Whether any bundle is visible to the project: symbolication's fast path. */
  projectHasArtifacts(projectId: number): Promise<boolean>;
  listArtifactBundles(projectId: number, opts: { offset: number; limit: number }): Promise<ArtifactBundleSummary[]>;
  /** Lets an issue claim one more grouping hash, unless some issue of the project already has it (symbolication continuity). */
  addIssueGrouping(projectId: number, issueId: number, grouping: { hash: string; key: string; mechanism: string }, now: number): Promise<boolean>;
}

export interface StoredArtifactInput {
  url: string;
  type: string;
  debugId: string | null;
  sourcemap: string | null;
  size: number;
  stored: Buffer;
  encoding: "deflate-raw" | "identity";
}

export interface NewArtifactBundle {
  organizationId: number;
  checksum: string | null;
  bundleId: string | null;
  release: string | null;
  dist: string | null;
  projectIds: number[];
  files: StoredArtifactInput[];
  /** chunks the bundle was assembled from, deleted in the same transaction */
  consumedChunks: string[];
  now: number;
}

export interface ArtifactFileRef {
  id: number;
  bundleId: number;
  type: string;
  url: string;
  debugId: string | null;
  sourcemap: string | null;
  size: number;
  release: string | null;
  dist: string | null;
}

export interface ArtifactBundleSummary {
  id: number;
  bundleId: string | null;
  checksum: string | null;
  release: string | null;
  dist: string | null;
  fileCount: number;
  size: number;
  createdAtSec: number;
}
