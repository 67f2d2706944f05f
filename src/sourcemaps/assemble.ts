import { createHash } from "node:crypto";
import type { Logger } from "../logger.ts";
import type { Store } from "../store/types.ts";
import { BundleError, parseArtifactBundle } from "./artifact-bundle.ts";
import { UPLOAD_LIMITS } from "./limits.ts";

export type AssembleState = "not_found" | "created" | "assembling" | "ok" | "error";

export interface AssembleResult {
  state: AssembleState;
  missingChunks: string[];
  detail: string | null;
}

export interface AssembleRequest {
  organizationId: number;
  /** SHA-1 of the whole bundle */
  checksum: string;
  /** SHA-1s of its chunks, in order */
  chunks: string[];
  projectIds: number[];
  release: string | null;
  dist: string | null;
}

/** How long a failed assembly's error is repeated to polling clients before a retry is attempted. */
const ERROR_MEMORY_MS = 10 * 60_000;

/**
 * Artifact bundle assembly, as Sentry's assemble endpoint behaves (docs/sentry-protocol.md §11): a known
 * checksum answers `ok` (and gains the new projects); missing chunks answer `not_found` with the
 * list; otherwise the chunks are joined, checked against the checksum, parsed, and stored in one
 * transaction. Small enough to do while the client waits, so the usual answer is `ok` at once;
 * a concurrent poll sees `assembling`, a failure answers `error` with the reason, and nothing of a
 * failed bundle is stored.
 */
export class ArtifactAssembler {
  private readonly inFlight = new Map<string, { state: "assembling" } | { state: "error"; detail: string; until: number }>();
  private readonly store: Store;
  private readonly logger: Logger;
  private readonly now: () => number;

  constructor(deps: { store: Store; logger: Logger; now: () => number }) {
    this.store = deps.store;
    this.logger = deps.logger;
    this.now = deps.now;
  }

  async assemble(req: AssembleRequest): Promise<AssembleResult> {
    const key = `${req.organizationId}:${req.checksum}`;
    const known = this.inFlight.get(key);
    if (known?.state === "assembling") return _result("assembling");
    if (known?.state === "error" && known.until > this.now()) return _result("error", [], known.detail);

    const existing = await this.store.findArtifactBundle(req.organizationId, req.checksum);
    if (existing) {
      await this.store.linkArtifactBundle(existing.id, req.projectIds);
      return _result("ok");
    }
    if (req.chunks.length === 0) return _result("not_found");
    const missing = await this.store.missingUploadChunks([...new Set(req.chunks)]);
    if (missing.length) return _result("not_found", missing);

    this.inFlight.set(key, { state: "assembling" });
    try {
      const stored = await this.build(req);
      this.inFlight.delete(key);
      if (stored) this.logger.info("artifact bundle stored", { checksum: req.checksum, files: stored.fileCount, release: req.release });
      return _result("ok");
    } catch (err) {
      if (!(err instanceof BundleError)) this.logger.error("artifact bundle assembly failed", { checksum: req.checksum, error: err });
      const detail = err instanceof BundleError ? err.message : "internal error while assembling the bundle";
      this.inFlight.set(key, { state: "error", detail, until: this.now() + ERROR_MEMORY_MS });
      return _result("error", [], detail);
    }
  }

  // --- Internal ---

  /** The stored bundle, or null when another node assembled the same checksum meanwhile. */
  private async build(req: AssembleRequest) {
    const chunks = await this.store.readUploadChunks(req.chunks);
    if (!chunks) {
      // Assembly consumes the chunks. On several nodes sentry-cli's poll can reach another node while the
      // first one commits the same bundle: then the bundle exists and this answer is `ok`, not an error.
      const assembledElsewhere = await this.store.findArtifactBundle(req.organizationId, req.checksum);
      if (!assembledElsewhere) throw new BundleError("a chunk disappeared during assembly; upload again");
      await this.store.linkArtifactBundle(assembledElsewhere.id, req.projectIds);
      return null;
    }
    const size = chunks.reduce((n, c) => n + c.length, 0);
    if (size > UPLOAD_LIMITS.maxFileSize) throw new BundleError(`the bundle is ${size} bytes; at most ${UPLOAD_LIMITS.maxFileSize} are accepted`);
    const data = Buffer.concat(chunks, size);
    const actual = createHash("sha1").update(data).digest("hex");
    if (actual !== req.checksum) throw new BundleError(`checksum mismatch: the chunks join to ${actual}, not ${req.checksum}`);
    const bundle = parseArtifactBundle(data, UPLOAD_LIMITS.zip);
    return this.store.storeArtifactBundle({
      organizationId: req.organizationId, checksum: req.checksum, bundleId: bundle.bundleId,
      release: req.release ?? bundle.release, dist: req.dist ?? bundle.dist, projectIds: req.projectIds, files: bundle.files,
      consumedChunks: [...new Set(req.chunks)], now: this.now() / 1000,
    });
  }
}

function _result(state: AssembleState, missingChunks: string[] = [], detail: string | null = null): AssembleResult {
  return { state, missingChunks, detail };
}
