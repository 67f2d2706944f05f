import { createHash } from "node:crypto";
import { gunzipSync } from "node:zlib";
import { z } from "zod";
import { ArtifactAssembler, type AssembleResult } from "../sourcemaps/assemble.ts";
import { claimResolvedGroupings } from "../sourcemaps/issue-continuity.ts";
import { UPLOAD_LIMITS } from "../sourcemaps/limits.ts";
import type { ApiArtifactBundle, ApiAssembleResult, ApiChunkUploadOptions } from "../contract/index.ts";
import { param, parseJsonBody, parseQuery, requireOrganization, requireProject, resolveProjectRefs, type ApiDeps, type RouteFn } from "./context.ts";
import { badRequest, notFound } from "../http/errors.ts";
import { CURSOR_PARAM, linkHeader, parseCursor } from "./pagination.ts";
import { parseMultipart, readBodyCapped } from "./request-body.ts";
import { serializeArtifactBundle, serializeChunkUploadOptions } from "./serialize/uploads.ts";

/**
 * Source-map uploads as sentry-cli and the bundler plugins speak them (docs/sentry-protocol.md §11): the
 * chunk-upload options, the chunk POST (multipart parts named by their SHA-1, gzip'd or not, each
 * verified), artifact-bundle assembly, and sentry-cli 2's release-bundle assembly.
 */
export function mountArtifactUploadRoutes(deps: ApiDeps, route: RouteFn): void {
  const assembler = new ArtifactAssembler({ store: deps.store, logger: deps.logger, now: () => deps.clock.now() });
  let lastPrune = 0;
  const afterAssembly = (result: AssembleResult, projectIds: number[]): ApiAssembleResult => {
    if (result.state === "ok") noteUpload(deps, projectIds);
    return result;
  };

  route("GET", "/api/0/organizations/:org/chunk-upload", async (event): Promise<ApiChunkUploadOptions> => {
    const org = await requireOrganization(deps, param(event, "org"));
    return serializeChunkUploadOptions(`${deps.publicUrl()}/api/0/organizations/${encodeURIComponent(org.slug)}/chunk-upload/`);
  });

  route("POST", "/api/0/organizations/:org/chunk-upload", async (event) => {
    await requireOrganization(deps, param(event, "org"));
    const body = await readBodyCapped(event, UPLOAD_LIMITS.maxRequestSize);
    const form = await parseMultipart(event, body);
    const chunks: { checksum: string; data: Buffer }[] = [];
    for (const [name, value] of form) {
      if (name !== "file" && name !== "file_gzip") continue;
      if (typeof value === "string") throw badRequest(`part "${name}" must be a file named by its SHA-1`);
      if (chunks.length >= UPLOAD_LIMITS.chunksPerRequest) throw badRequest("Too many chunks");
      const checksum = value.name.toLowerCase();
      if (!/^[0-9a-f]{40}$/.test(checksum)) throw badRequest(`chunk name "${value.name.slice(0, 60)}" is not a SHA-1 checksum`);
      let data = Buffer.from(await value.arrayBuffer());
      if (name === "file_gzip") {
        try {
          data = gunzipSync(data, { maxOutputLength: UPLOAD_LIMITS.chunkSize + 1 });
        } catch (err) {
          throw badRequest((err as NodeJS.ErrnoException).code === "ERR_BUFFER_TOO_LARGE" ? "Chunk size too large" : `chunk ${checksum} is not valid gzip`);
        }
      }
      if (data.length > UPLOAD_LIMITS.chunkSize) throw badRequest("Chunk size too large");
      const actual = createHash("sha1").update(data).digest("hex");
      if (actual !== checksum) throw badRequest(`Checksum mismatch: chunk ${checksum} has SHA-1 ${actual}`);
      chunks.push({ checksum, data });
    }
    if (chunks.length === 0) throw badRequest('no chunks: send parts named "file" or "file_gzip"');
    const now = deps.clock.now() / 1000;
    await deps.store.putUploadChunks(chunks, now);
    if (now - lastPrune > 3600) {
      lastPrune = now;
      await deps.store.pruneUploadChunks(now - UPLOAD_LIMITS.chunkRetentionSeconds);
    }
    return {};
  });

  route("POST", "/api/0/organizations/:org/artifactbundle/assemble", async (event) => {
    const org = await requireOrganization(deps, param(event, "org"));
    const body = await parseJsonBody(event, ASSEMBLE_BUNDLE);
    const projects = await resolveProjectRefs(deps, body.projects);
    return afterAssembly(await assembler.assemble({
      organizationId: org.id, checksum: body.checksum, chunks: body.chunks, projectIds: projects.map((p) => p.id),
      release: body.version ?? null, dist: body.dist ?? null,
    }), projects.map((p) => p.id));
  });

  // sentry-cli 2.x without artifact-bundle support: the same bundle format, scoped to a release
  route("POST", "/api/0/organizations/:org/releases/:version/assemble", async (event) => {
    const org = await requireOrganization(deps, param(event, "org"));
    const release = await deps.store.getRelease(org.id, param(event, "version"));
    if (!release) throw notFound(`release ${param(event, "version")} does not exist`);
    const body = await parseJsonBody(event, ASSEMBLE_BUNDLE.omit({ projects: true, version: true }));
    return afterAssembly(await assembler.assemble({
      organizationId: org.id, checksum: body.checksum, chunks: body.chunks, projectIds: release.projects.map((p) => p.id),
      release: release.version, dist: body.dist ?? null,
    }), release.projects.map((p) => p.id));
  });

  route("GET", "/api/0/projects/:org/:project/files/artifact-bundles", async (event): Promise<ApiArtifactBundle[]> => {
    await requireOrganization(deps, param(event, "org"));
    const project = await requireProject(deps, param(event, "project"));
    const q = parseQuery(event, z.object({ cursor: CURSOR_PARAM, limit: z.coerce.number().int().min(1).max(100).default(50) }).loose());
    const offset = parseCursor(q.cursor);
    const rows = await deps.store.listArtifactBundles(project.id, { offset, limit: q.limit + 1 });
    event.res.headers.set("Link", linkHeader(event.url, offset, q.limit, rows.length > q.limit));
    return rows.slice(0, q.limit).map(serializeArtifactBundle);
  });
}

/**
 * New maps: forget cached "no uploads" answers and, in the background, let the projects' recent
 * issues claim their symbolicated grouping (see issue-continuity.ts).
 */
export function noteUpload(deps: ApiDeps, projectIds: number[]): void {
  const symbolicator = deps.symbolicator;
  if (!symbolicator) return;
  symbolicator.noteUpload();
  setImmediate(() => {
    claimResolvedGroupings({ store: deps.store, symbolicator, logger: deps.logger, clock: deps.clock }, projectIds).catch((err: unknown) =>
      deps.logger.warn("claiming symbolicated groupings failed", { error: err }));
  });
}

// --- Internal ---

const SHA1 = z.string().regex(/^[0-9a-f]{40}$/, "a lowercase SHA-1 hex digest");

const ASSEMBLE_BUNDLE = z.object({
  checksum: SHA1,
  chunks: z.array(SHA1).max(Math.ceil(UPLOAD_LIMITS.maxFileSize / UPLOAD_LIMITS.chunkSize) + 1, "too many chunks for the largest bundle accepted"),
  projects: z.array(z.union([z.string().min(1).max(100), z.number().int().positive()])).min(1, "name at least one project").max(100),
  version: z.string().min(1).max(200).nullable().optional(),
  dist: z.string().min(1).max(64).nullable().optional(),
}).loose();
