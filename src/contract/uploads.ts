/** Wire types of source-map uploads as sentry-cli and the bundler plugins read them. */

/** `GET /organizations/{org}/chunk-upload/`. */
export interface ApiChunkUploadOptions {
  url: string;
  chunkSize: number;
  chunksPerRequest: number;
  maxFileSize: number;
  maxRequestSize: number;
  concurrency: number;
  hashAlgorithm: "sha1";
  compression: string[];
  accept: string[];
  /** seconds sentry-cli may wait for assembly */
  maxWait: number;
}

/** `POST …/artifactbundle/assemble/` and `…/releases/{version}/assemble/`. */
export interface ApiAssembleResult {
  state: "created" | "assembling" | "ok" | "error" | "not_found";
  missingChunks: string[];
  detail: string | null;
}

/** `GET /projects/{org}/{project}/files/artifact-bundles/`. */
export interface ApiArtifactBundle {
  id: string;
  bundleId: string | null;
  checksum: string | null;
  release: string | null;
  dist: string | null;
  fileCount: number;
  size: number;
  date: string;
  dateModified: string;
}

/** `POST …/releases/{version}/files/`: the stored release file. */
export interface ApiReleaseFile {
  id: string;
  name: string;
  dist: string | null;
  headers: Record<string, string>;
  size: number;
  sha1: string;
  dateCreated: string;
}
