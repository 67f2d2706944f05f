import { inflateRawSync } from "node:zlib";
import type { ArtifactFileRef, ArtifactStore } from "../model/artifacts.ts";
import { pgStatement, type PgDb, type PgExecutor } from "./pg-db.ts";

/**
 * Upload chunks and artifact bundles on PostgreSQL. Blobs are `bytea` in the database, so
 * sentry-cli may send its chunks to one node and ask another to assemble them. Buffers travel as
 * binary parameters one per statement (an array of them would go as hex text, twice the size).
 * Two nodes storing the same bundle at once make one: the second links its projects to the first.
 */
export function createPgArtifactQueries(db: PgDb): ArtifactStore {
  const fileColumns = "f.id, f.bundle_id, f.type, f.url, f.debug_id, f.sourcemap, f.size, b.release, b.dist";
  const stmt = {
    putChunk: pgStatement("artifacts.putChunk", "INSERT INTO upload_chunks (checksum, data, created_at) VALUES ($1, $2, $3) ON CONFLICT (checksum) DO NOTHING"),
    present: pgStatement("artifacts.presentChunks", "SELECT checksum FROM upload_chunks WHERE checksum = ANY($1::text[])"),
    // the newest upload wins when a debug id or URL was uploaded more than once
    byDebugId: pgStatement("artifacts.byDebugId", `SELECT ${fileColumns} FROM artifact_files f JOIN artifact_bundle_projects p ON p.bundle_id = f.bundle_id
      JOIN artifact_bundles b ON b.id = f.bundle_id WHERE f.debug_id = $1 AND f.type = $2 AND p.project_id = $3 ORDER BY f.id DESC LIMIT 1`),
    // the first candidate URL (in the given order) that has a file, then its newest upload
    byUrl: pgStatement("artifacts.byUrl", `SELECT ${fileColumns} FROM unnest($1::text[]) WITH ORDINALITY AS u(url, n)
      JOIN artifact_files f ON f.url = u.url JOIN artifact_bundles b ON b.id = f.bundle_id
      JOIN artifact_bundle_projects p ON p.bundle_id = f.bundle_id
      WHERE b.release = $2 AND b.dist IS NOT DISTINCT FROM $3 AND p.project_id = $4 ORDER BY u.n, f.id DESC LIMIT 1`),
    content: pgStatement("artifacts.content", "SELECT encoding, content FROM artifact_files WHERE id = $1"),
    hasArtifacts: pgStatement("artifacts.projectHas", "SELECT 1 FROM artifact_bundle_projects WHERE project_id = $1 LIMIT 1"),
  };
  const link = (q: PgExecutor, bundleId: number, projectIds: readonly number[]) => projectIds.length === 0 ? Promise.resolve(0)
    : q.run(`INSERT INTO artifact_bundle_projects (project_id, bundle_id) SELECT p, $1 FROM unnest($2::bigint[]) AS p ORDER BY p ON CONFLICT DO NOTHING`,
      [bundleId, [...new Set(projectIds)]]);

  return {
    async putUploadChunks(chunks, now) {
      // in checksum order: two uploads of overlapping chunks wait for each other instead of deadlocking
      const sorted = [...new Map(chunks.map((c) => [c.checksum, c])).values()].sort((a, b) => (a.checksum < b.checksum ? -1 : a.checksum > b.checksum ? 1 : 0));
      await db.transaction(async (tx) => {
        for (const c of sorted) await tx.run(stmt.putChunk, [c.checksum, c.data, now]);
      });
    },
    async missingUploadChunks(checksums) {
      if (checksums.length === 0) return [];
      const present = new Set((await db.rows<{ checksum: string }>(stmt.present, [checksums])).map((r) => r.checksum));
      return checksums.filter((c) => !present.has(c));
    },
    async readUploadChunks(checksums) {
      const unique = [...new Set(checksums)];
      const rows = unique.length ? await db.rows<{ checksum: string; data: Buffer }>("SELECT checksum, data FROM upload_chunks WHERE checksum = ANY($1::text[])", [unique]) : [];
      const data = new Map(rows.map((r) => [r.checksum, r.data]));
      const out: Buffer[] = [];
      for (const c of checksums) {
        const chunk = data.get(c);
        if (!chunk) return undefined;
        out.push(chunk);
      }
      return out;
    },
    pruneUploadChunks: (olderThan) => db.run("DELETE FROM upload_chunks WHERE created_at < $1", [olderThan]),
    async findArtifactBundle(organizationId, checksum) {
      const row = await db.first("SELECT id, file_count FROM artifact_bundles WHERE organization_id = $1 AND checksum = $2", [organizationId, checksum]);
      return row ? { id: Number(row.id), fileCount: Number(row.file_count) } : undefined;
    },
    async linkArtifactBundle(bundleId, projectIds) {
      await link(db, bundleId, projectIds);
    },
    async storeArtifactBundle(input) {
      return db.transaction(async (tx) => {
        const size = input.files.reduce((n, f) => n + f.size, 0);
        const values = [input.organizationId, input.checksum, input.bundleId, input.release, input.dist, input.files.length, size, input.now];
        const inserted = await tx.first<{ id: number }>(`INSERT INTO artifact_bundles (organization_id, checksum, bundle_id, release, dist, file_count, size, created_at)
          VALUES ($1, $2, $3, $4, $5, $6, $7, $8) ON CONFLICT (organization_id, checksum) WHERE checksum IS NOT NULL DO NOTHING RETURNING id`, values);
        let result: { id: number; fileCount: number };
        if (inserted) {
          result = { id: inserted.id, fileCount: input.files.length };
          for (const f of input.files) {
            await tx.run(`INSERT INTO artifact_files (bundle_id, type, url, debug_id, sourcemap, size, encoding, content) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)`,
              [inserted.id, f.type, f.url, f.debugId, f.sourcemap, f.size, f.encoding, f.stored]);
          }
        } else {
          // another node stored this bundle meanwhile (the checksum names the content): it gains these projects
          const existing = (await tx.first("SELECT id, file_count FROM artifact_bundles WHERE organization_id = $1 AND checksum = $2", [input.organizationId, input.checksum]))!;
          result = { id: Number(existing.id), fileCount: Number(existing.file_count) };
        }
        await link(tx, result.id, input.projectIds);
        if (input.consumedChunks.length) await tx.run("DELETE FROM upload_chunks WHERE checksum = ANY($1::text[])", [input.consumedChunks]);
        return result;
      });
    },
    async findArtifactByDebugId(projectId, debugId, type) {
      const row = await db.first(stmt.byDebugId, [debugId, type, projectId]);
      return row ? _file(row) : undefined;
    },
    async findArtifactByUrl(projectId, release, dist, urls) {
      if (urls.length === 0) return undefined;
      const row = await db.first(stmt.byUrl, [urls, release, dist, projectId]);
      return row ? _file(row) : undefined;
    },
    async loadArtifactContent(fileId) {
      const row = await db.first<{ encoding: string; content: Buffer }>(stmt.content, [fileId]);
      if (!row) throw new Error(`artifact file ${fileId} does not exist`);
      return row.encoding === "deflate-raw" ? inflateRawSync(row.content) : row.content;
    },
    projectHasArtifacts: async (projectId) => (await db.first(stmt.hasArtifacts, [projectId])) !== undefined,
    addIssueGrouping: async (projectId, issueId, g, now) => (await db.run(`INSERT INTO groupings (project_id, hash, issue_id, grouping_key, mechanism, created_at)
      VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT (project_id, hash) DO NOTHING`, [projectId, g.hash, issueId, g.key, g.mechanism, now])) > 0,
    listArtifactBundles: async (projectId, opts) =>
      (await db.rows(`SELECT b.* FROM artifact_bundles b JOIN artifact_bundle_projects p ON p.bundle_id = b.id
        WHERE p.project_id = $1 ORDER BY b.id DESC LIMIT $2 OFFSET $3`, [projectId, opts.limit, opts.offset])).map((r) => ({
        id: Number(r.id), bundleId: _str(r.bundle_id), checksum: _str(r.checksum), release: _str(r.release), dist: _str(r.dist),
        fileCount: Number(r.file_count), size: Number(r.size), createdAtSec: Number(r.created_at),
      })),
  };
}

// --- Internal ---

const _str = (v: unknown): string | null => (v === null || v === undefined ? null : String(v));

function _file(row: Record<string, unknown>): ArtifactFileRef {
  return {
    id: Number(row.id), bundleId: Number(row.bundle_id), type: String(row.type), url: String(row.url), debugId: _str(row.debug_id),
    sourcemap: _str(row.sourcemap), size: Number(row.size), release: _str(row.release), dist: _str(row.dist),
  };
}
