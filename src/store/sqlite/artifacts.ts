import { inflateRawSync } from "node:zlib";
import type { SqliteDatabase } from "./sqlite-binding.ts";
import type { ArtifactStore, NewArtifactBundle, ArtifactFileRef } from "../model/artifacts.ts";

export function createArtifactStore(db: SqliteDatabase): ArtifactStore {
  const fileColumns = "f.id, f.bundle_id, f.type, f.url, f.debug_id, f.sourcemap, f.size, b.release, b.dist";
  const stmt = {
    putChunk: db.prepare("INSERT OR IGNORE INTO upload_chunks (checksum, data, created_at) VALUES (?, ?, ?)"),
    hasChunk: db.prepare("SELECT 1 FROM upload_chunks WHERE checksum = ?").pluck(),
    chunk: db.prepare("SELECT data FROM upload_chunks WHERE checksum = ?").pluck(),
    deleteChunk: db.prepare("DELETE FROM upload_chunks WHERE checksum = ?"),
    pruneChunks: db.prepare("DELETE FROM upload_chunks WHERE created_at < ?"),
    bundleByChecksum: db.prepare("SELECT id, file_count FROM artifact_bundles WHERE organization_id = ? AND checksum = ?"),
    insertBundle: db.prepare(`INSERT INTO artifact_bundles (organization_id, checksum, bundle_id, release, dist, file_count, size, created_at)
      VALUES (@organizationId, @checksum, @bundleId, @release, @dist, @fileCount, @size, @now)`),
    linkProject: db.prepare("INSERT OR IGNORE INTO artifact_bundle_projects (project_id, bundle_id) VALUES (?, ?)"),
    insertFile: db.prepare(`INSERT INTO artifact_files (bundle_id, type, url, debug_id, sourcemap, size, encoding, content)
      VALUES (?, ?, ?, ?, ?, ?, ?, ?)`),
    // the newest upload wins when a debug id or URL was uploaded more than once
    byDebugId: db.prepare(`SELECT ${fileColumns} FROM artifact_files f JOIN artifact_bundle_projects p ON p.bundle_id = f.bundle_id
      JOIN artifact_bundles b ON b.id = f.bundle_id WHERE f.debug_id = ? AND f.type = ? AND p.project_id = ? ORDER BY f.id DESC LIMIT 1`),
    byUrl: db.prepare(`SELECT ${fileColumns} FROM artifact_files f JOIN artifact_bundles b ON b.id = f.bundle_id
      JOIN artifact_bundle_projects p ON p.bundle_id = f.bundle_id
      WHERE f.url = ? AND b.release = ? AND b.dist IS ? AND p.project_id = ? ORDER BY f.id DESC LIMIT 1`),
    content: db.prepare("SELECT encoding, content FROM artifact_files WHERE id = ?"),
    hasArtifacts: db.prepare("SELECT 1 FROM artifact_bundle_projects WHERE project_id = ? LIMIT 1").pluck(),
    claimGrouping: db.prepare(`INSERT OR IGNORE INTO groupings (project_id, hash, issue_id, grouping_key, mechanism, created_at)
      VALUES (?, ?, ?, ?, ?, ?)`),
    listBundles: db.prepare(`SELECT b.* FROM artifact_bundles b JOIN artifact_bundle_projects p ON p.bundle_id = b.id
      WHERE p.project_id = ? ORDER BY b.id DESC LIMIT ? OFFSET ?`),
  };

  const putChunks = db.transaction((chunks: { checksum: string; data: Buffer }[], now: number) => {
    for (const c of chunks) stmt.putChunk.run(c.checksum, c.data, now);
  });

  const storeBundle = db.transaction((input: NewArtifactBundle) => {
    const id = Number(stmt.insertBundle.run({
      organizationId: input.organizationId, checksum: input.checksum, bundleId: input.bundleId, release: input.release, dist: input.dist,
      fileCount: input.files.length, size: input.files.reduce((n, f) => n + f.size, 0), now: input.now,
    }).lastInsertRowid);
    for (const projectId of input.projectIds) stmt.linkProject.run(projectId, id);
    for (const f of input.files) stmt.insertFile.run(id, f.type, f.url, f.debugId, f.sourcemap, f.size, f.encoding, f.stored);
    for (const checksum of input.consumedChunks) stmt.deleteChunk.run(checksum);
    return { id, fileCount: input.files.length };
  });

  const link = db.transaction((bundleId: number, projectIds: number[]) => {
    for (const projectId of projectIds) stmt.linkProject.run(projectId, bundleId);
  });

  return {
    putUploadChunks: async (chunks, now) => putChunks.immediate(chunks, now),
    missingUploadChunks: async (checksums) => checksums.filter((c) => !stmt.hasChunk.get(c)),
    readUploadChunks: async (checksums) => {
      const out: Buffer[] = [];
      for (const c of checksums) {
        const data = stmt.chunk.get(c) as Buffer | undefined;
        if (!data) return undefined;
        out.push(data);
      }
      return out;
    },
    pruneUploadChunks: async (olderThan) => stmt.pruneChunks.run(olderThan).changes,
    findArtifactBundle: async (organizationId, checksum) => {
      const row = stmt.bundleByChecksum.get(organizationId, checksum) as Row | undefined;
      return row ? { id: Number(row.id), fileCount: Number(row.file_count) } : undefined;
    },
    linkArtifactBundle: async (bundleId, projectIds) => link.immediate(bundleId, projectIds),
    storeArtifactBundle: async (input) => storeBundle.immediate(input),
    findArtifactByDebugId: async (projectId, debugId, type) => {
      const row = stmt.byDebugId.get(debugId, type, projectId);
      return row ? _file(row) : undefined;
    },
    findArtifactByUrl: async (projectId, release, dist, urls) => {
      for (const url of urls) {
        const row = stmt.byUrl.get(url, release, dist, projectId);
        if (row) return _file(row);
      }
      return undefined;
    },
    loadArtifactContent: async (fileId) => {
      const row = stmt.content.get(fileId) as Row | undefined;
      if (!row) throw new Error(`artifact file ${fileId} does not exist`);
      const content = row.content as Buffer;
      return row.encoding === "deflate-raw" ? inflateRawSync(content) : content;
    },
    projectHasArtifacts: async (projectId) => stmt.hasArtifacts.get(projectId) !== undefined,
    addIssueGrouping: async (projectId, issueId, g, now) => stmt.claimGrouping.run(projectId, g.hash, issueId, g.key, g.mechanism, now).changes > 0,
    listArtifactBundles: async (projectId, opts) =>
      (stmt.listBundles.all(projectId, opts.limit, opts.offset) as Row[]).map((r) => ({
        id: Number(r.id), bundleId: _str(r.bundle_id), checksum: _str(r.checksum), release: _str(r.release), dist: _str(r.dist),
        fileCount: Number(r.file_count), size: Number(r.size), createdAtSec: Number(r.created_at),
      })),
  };
}

// --- Internal ---

type Row = Record<string, unknown>;

const _str = (v: unknown): string | null => (v === null || v === undefined ? null : String(v));

function _file(r: unknown): ArtifactFileRef {
  const row = r as Row;
  return {
    id: Number(row.id), bundleId: Number(row.bundle_id), type: String(row.type), url: String(row.url), debugId: _str(row.debug_id),
    sourcemap: _str(row.sourcemap), size: Number(row.size), release: _str(row.release), dist: _str(row.dist),
  };
}
