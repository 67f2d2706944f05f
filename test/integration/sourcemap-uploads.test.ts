import { createHash, randomUUID } from "node:crypto";
import { gzipSync } from "node:zlib";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestServer, type TestServer } from "../_helpers/server.ts";
import { buildArtifactBundle, writeZip } from "../../src/sourcemaps/bundle-writer.ts";
import { ArtifactAssembler } from "../../src/sourcemaps/assemble.ts";
import { silentLogger } from "../../src/logger.ts";
import type { Store } from "../../src/store/types.ts";

const sha1 = (data: Buffer) => createHash("sha1").update(data).digest("hex");
const MAP = Buffer.from(JSON.stringify({ version: 3, sources: ["../src/a.ts"], sourcesContent: ["export const a = 1;\n"], names: [], mappings: "AAAA" }));

/** The chunk-upload protocol as sentry-cli speaks it, over HTTP, including every way an upload can be bad. */
describe("source-map uploads: chunks and assembly", () => {
  let t: TestServer;
  const postChunks = async (parts: { name?: string; filename: string; data: Buffer }[]) => {
    const form = new FormData();
    for (const p of parts) form.append(p.name ?? "file_gzip", new Blob([new Uint8Array(p.name === "file" ? p.data : gzipSync(p.data))]), p.filename);
    return fetch(`${t.url}/api/0/organizations/lighttrace/chunk-upload/`, { method: "POST", body: form, headers: { Authorization: `Bearer ${t.token}` } });
  };
  const assemble = async (body: Record<string, unknown>) =>
    t.api("/api/0/organizations/lighttrace/artifactbundle/assemble/", { method: "POST", body: JSON.stringify({ projects: ["my-project"], ...body }) });
  const bundleOf = (files: Parameters<typeof buildArtifactBundle>[0]["files"]) => buildArtifactBundle({ files, bundleId: randomUUID(), org: "lighttrace", project: "my-project" });
  const bundleCount = async () => (await t.api("/api/0/projects/lighttrace/my-project/files/artifact-bundles/")).body.length;

  beforeAll(async () => {
    t = await startTestServer();
  });
  afterAll(async () => {
    await t.close();
  });

  it("announces chunked-upload options sentry-cli accepts", async () => {
    const res = await t.api("/api/0/organizations/lighttrace/chunk-upload/");
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toMatch(/^application\/json/);
    expect(res.body).toMatchObject({ url: `${t.url}/api/0/organizations/lighttrace/chunk-upload/`, hashAlgorithm: "sha1", compression: ["gzip"] });
    expect(res.body.accept).toEqual(expect.arrayContaining(["artifact_bundles", "artifact_bundles_v2", "release_files"]));
    expect(Math.log2(res.body.chunkSize) % 1).toBe(0);
    expect((await t.api("/api/0/organizations/other/chunk-upload/")).status).toBe(404);
  });

  it("assembles a bundle split into chunks: not_found with the missing ones, then ok, idempotently", async () => {
    const debugId = randomUUID();
    const bundle = bundleOf([
      { url: "~/app.min.js", type: "minified_source", content: Buffer.from("function a(){throw new Error()}\n//# sourceMappingURL=app.min.js.map"), headers: { "debug-id": debugId, sourcemap: "app.min.js.map" } },
      { url: "~/app.min.js.map", type: "source_map", content: MAP, headers: { "debug-id": debugId } },
    ]);
    const chunks = [bundle.subarray(0, 100), bundle.subarray(100)];
    const request = { checksum: sha1(bundle), chunks: chunks.map(sha1), version: "app@1.0.0" };
    expect((await assemble(request)).body).toEqual({ state: "not_found", missingChunks: request.chunks, detail: null });
    expect((await postChunks([{ filename: request.chunks[0]!, data: chunks[0]! }, { name: "file", filename: request.chunks[1]!, data: chunks[1]! }])).status).toBe(200);
    expect((await assemble(request)).body).toEqual({ state: "ok", missingChunks: [], detail: null });
    expect((await assemble(request)).body).toEqual({ state: "ok", missingChunks: [], detail: null });
    expect((await assemble({ checksum: request.checksum, chunks: [] })).body.state).toBe("ok");
    const bundles = (await t.api("/api/0/projects/lighttrace/my-project/files/artifact-bundles/")).body;
    expect(bundles).toEqual([expect.objectContaining({ release: "app@1.0.0", fileCount: 2, checksum: request.checksum })]);
    const file = await t.server.store.findArtifactByDebugId(t.projectId, debugId, "source_map");
    expect(file).toMatchObject({ url: "~/app.min.js.map", release: "app@1.0.0" });
    expect((await t.server.store.loadArtifactContent(file!.id)).equals(MAP)).toBe(true);
  });

  it("refuses a chunk whose SHA-1 is not its name, a name that is no SHA-1, and oversize chunks", async () => {
    const data = Buffer.from("some chunk");
    const wrong = await postChunks([{ filename: sha1(Buffer.from("other")), data }]);
    expect(wrong.status).toBe(400);
    expect((await wrong.json()).detail).toMatch(/^Checksum mismatch: chunk [0-9a-f]{40} has SHA-1 [0-9a-f]{40}$/);
    expect(await t.server.store.missingUploadChunks([sha1(data)])).toEqual([sha1(data)]);
    const badName = await postChunks([{ filename: "chunk-1", data }]);
    expect(await badName.json()).toEqual({ detail: 'chunk name "chunk-1" is not a SHA-1 checksum' });
    const huge = Buffer.alloc(8 * 1024 * 1024 + 1);
    const tooLarge = await postChunks([{ filename: sha1(huge), data: huge }]);
    expect(tooLarge.status).toBe(400);
    expect(await tooLarge.json()).toEqual({ detail: "Chunk size too large" });
    const notGzip = await postChunks([{ name: "file", filename: sha1(data), data }]);
    expect(notGzip.status).toBe(200);
    const empty = await fetch(`${t.url}/api/0/organizations/lighttrace/chunk-upload/`, { method: "POST", body: new FormData(), headers: { Authorization: `Bearer ${t.token}` } });
    expect(empty.status).toBe(400);
  });

  it("answers error with the reason for a corrupt ZIP, and stores nothing", async () => {
    const garbage = Buffer.concat([Buffer.from("SYSB\x02\x00\x00\x00", "latin1"), Buffer.from("this is not a zip archive at all")]);
    expect((await postChunks([{ filename: sha1(garbage), data: garbage }])).status).toBe(200);
    const before = await bundleCount();
    const res = await assemble({ checksum: sha1(garbage), chunks: [sha1(garbage)] });
    expect(res.body).toEqual({ state: "error", missingChunks: [], detail: "the bundle is not a valid ZIP archive: not a ZIP archive (no end of central directory record)" });
    expect(await bundleCount()).toBe(before);
    // a poll for the same checksum repeats the error
    expect((await assemble({ checksum: sha1(garbage), chunks: [sha1(garbage)] })).body.state).toBe("error");
  });

  it("answers error when the chunks do not join to the bundle's checksum", async () => {
    const bundle = bundleOf([{ url: "~/x.js.map", type: "source_map", content: MAP }]);
    await postChunks([{ filename: sha1(bundle), data: bundle }]);
    const claimed = sha1(Buffer.from("something else"));
    const res = await assemble({ checksum: claimed, chunks: [sha1(bundle)] });
    expect(res.body).toEqual({ state: "error", missingChunks: [], detail: `checksum mismatch: the chunks join to ${sha1(bundle)}, not ${claimed}` });
  });

  it("refuses a bundle with a source map that does not parse, naming the file, and stores none of it", async () => {
    const bundle = bundleOf([
      { url: "~/good.js.map", type: "source_map", content: MAP },
      { url: "~/bad.js.map", type: "source_map", content: Buffer.from("{\"version\":3,\"mappings\":") },
    ]);
    await postChunks([{ filename: sha1(bundle), data: bundle }]);
    const before = await bundleCount();
    const res = await assemble({ checksum: sha1(bundle), chunks: [sha1(bundle)] });
    expect(res.body.state).toBe("error");
    expect(res.body.detail).toMatch(/^files\/_\/_\/bad\.js\.map \(source map for ~\/bad\.js\.map\) is not valid JSON: /);
    expect(await bundleCount()).toBe(before);
  });

  it("refuses a ZIP entry that inflates past its declared size or fails its CRC", async () => {
    const zip = writeZip([{ name: "manifest.json", data: Buffer.from(JSON.stringify({ files: {} })) }]);
    // the central directory's uncompressed size says 2 bytes: inflation must stop there
    const cd = zip.indexOf(Buffer.from([0x50, 0x4b, 0x01, 0x02]));
    zip.writeUInt32LE(2, cd + 24);
    await postChunks([{ filename: sha1(zip), data: zip }]);
    const res = await assemble({ checksum: sha1(zip), chunks: [sha1(zip)] });
    expect(res.body.state).toBe("error");
    expect(res.body.detail).toMatch(/^the bundle is not a valid ZIP archive: entry manifest\.json does not inflate/);
  });

  it("answers ok when another node assembled the same bundle between its chunk check and its read", async () => {
    // Two assemblers on one database are two nodes. Node B's read of the chunks is made to happen just
    // after node A committed the bundle (which consumes the chunks): the poll on B must say ok.
    const bundle = bundleOf([{ url: "~/race.js.map", type: "source_map", content: MAP }]);
    await postChunks([{ filename: sha1(bundle), data: bundle }]);
    const store = t.server.store;
    const request = { organizationId: t.server.bootstrap.organization.id, checksum: sha1(bundle), chunks: [sha1(bundle)], projectIds: [t.projectId], release: null, dist: null };
    const nodeA = new ArtifactAssembler({ store, logger: silentLogger, now: () => Date.now() });
    let nodeAResult: unknown;
    const storeOfNodeB = new Proxy(store, {
      get(target, name, receiver) {
        if (name !== "readUploadChunks") return Reflect.get(target, name, receiver);
        return async (checksums: string[]) => {
          nodeAResult = await nodeA.assemble(request);
          return target.readUploadChunks(checksums);
        };
      },
    }) as Store;
    const nodeB = new ArtifactAssembler({ store: storeOfNodeB, logger: silentLogger, now: () => Date.now() });
    expect(await nodeB.assemble(request)).toEqual({ state: "ok", missingChunks: [], detail: null });
    expect(nodeAResult).toEqual({ state: "ok", missingChunks: [], detail: null });
    expect(await store.readUploadChunks(request.chunks)).toBeUndefined();
    const bundles = (await t.api("/api/0/projects/lighttrace/my-project/files/artifact-bundles/")).body as { checksum: string }[];
    expect(bundles.filter((b) => b.checksum === request.checksum)).toHaveLength(1);
  });

  it("validates the assemble request", async () => {
    expect(await assemble({ checksum: "nope", chunks: [] })).toMatchObject({ status: 400, body: { detail: expect.stringContaining('"checksum"') } });
    expect(await assemble({ checksum: sha1(Buffer.from("x")), chunks: [], projects: ["missing"] })).toMatchObject({ status: 400, body: { detail: "Invalid project ids or slugs: missing" } });
    expect(await assemble({ checksum: sha1(Buffer.from("x")), chunks: [] })).toMatchObject({ status: 200, body: { state: "not_found", missingChunks: [] } });
  });
});
