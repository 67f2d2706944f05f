import { createHash, randomBytes } from "node:crypto";
import { deflateRawSync } from "node:zlib";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { NewArtifactBundle, StoredArtifactInput } from "../../src/store/model/artifacts.ts";
import type { Store } from "../../src/store/types.ts";
import { commitOne, committerFor, job, newProject, rawEvent } from "./_ingest.ts";
import { STORE_BACKENDS, type TestDatabase } from "./backends.ts";

const sha1 = (data: Buffer) => createHash("sha1").update(data).digest("hex");

/** A file as the assembler stores it: deflated when that saves space. */
function file(url: string, text: string, extra: Partial<StoredArtifactInput> = {}): StoredArtifactInput {
  const raw = Buffer.from(text);
  return { url, type: "minified_source", debugId: null, sourcemap: null, size: raw.length, stored: deflateRawSync(raw), encoding: "deflate-raw", ...extra };
}

/** Conformance: upload chunks, artifact bundles and the lookups symbolication makes (every backend). */
describe.each(STORE_BACKENDS)("artifacts and upload chunks ($name)", (backend) => {
  let database: TestDatabase;
  let store: Store;
  let orgId: number;
  let projectId: number;
  beforeEach(async () => {
    database = await backend.create();
    store = await database.open();
    orgId = (await store.ensureOrganization("conformance", "Conformance")).id;
    projectId = await newProject(store);
  });
  afterEach(() => database.destroy());

  const bundle = (over: Partial<NewArtifactBundle>): NewArtifactBundle => ({
    organizationId: orgId, checksum: sha1(randomBytes(8)), bundleId: null, release: "web@1", dist: null, projectIds: [projectId], files: [],
    consumedChunks: [], now: 1_000, ...over,
  });

  it("keeps chunks by checksum, reports the missing ones in order, reads them back in order, and prunes old ones", async () => {
    const a = randomBytes(100_000);
    const b = randomBytes(10);
    await store.putUploadChunks([{ checksum: sha1(a), data: a }, { checksum: sha1(b), data: b }], 100);
    // a chunk uploaded again keeps its first copy and time
    await store.putUploadChunks([{ checksum: sha1(b), data: b }], 500);
    const c = sha1(Buffer.from("never sent"));
    expect(await store.missingUploadChunks([c, sha1(a), "0".repeat(40), sha1(b)])).toEqual([c, "0".repeat(40)]);
    expect(await store.missingUploadChunks([])).toEqual([]);
    const read = await store.readUploadChunks([sha1(b), sha1(a), sha1(b)]);
    expect(read?.map((x) => x.toString("hex"))).toEqual([b, a, b].map((x) => x.toString("hex")));
    expect(await store.readUploadChunks([sha1(a), c])).toBeUndefined();
    expect(await store.pruneUploadChunks(100)).toBe(0);
    expect(await store.pruneUploadChunks(101)).toBe(2);
    expect(await store.missingUploadChunks([sha1(a)])).toEqual([sha1(a)]);
  });

  it("reads chunks another node stored (blobs live in the database)", async () => {
    const other = await database.open();
    const data = randomBytes(3 * 1024 * 1024);
    await other.putUploadChunks([{ checksum: sha1(data), data }], 100);
    expect((await store.readUploadChunks([sha1(data)]))![0]!.equals(data)).toBe(true);
  });

  it("stores a bundle with its files and projects in one go, consuming its chunks", async () => {
    const chunk = randomBytes(64);
    await store.putUploadChunks([{ checksum: sha1(chunk), data: chunk }], 100);
    const other = await newProject(store);
    const input = bundle({
      bundleId: "b-1", dist: "ios", projectIds: [projectId, other, projectId], consumedChunks: [sha1(chunk)],
      files: [
        file("~/app.min.js", "minified();", { debugId: "d1", sourcemap: "app.min.js.map" }),
        { url: "~/app.min.js.map", type: "source_map", debugId: "d1", sourcemap: null, size: 5, stored: Buffer.from("{map}"), encoding: "identity" },
      ],
    });
    const stored = await store.storeArtifactBundle(input);
    expect(stored.fileCount).toBe(2);
    expect(await store.findArtifactBundle(orgId, input.checksum!)).toEqual(stored);
    expect(await store.findArtifactBundle(orgId, "f".repeat(40))).toBeUndefined();
    expect(await store.missingUploadChunks([sha1(chunk)])).toEqual([sha1(chunk)]);
    expect(await store.projectHasArtifacts(other)).toBe(true);
    expect(await store.listArtifactBundles(projectId, { offset: 0, limit: 10 })).toEqual([{
      id: stored.id, bundleId: "b-1", checksum: input.checksum, release: "web@1", dist: "ios", fileCount: 2, size: "minified();".length + 5, createdAtSec: 1_000,
    }]);
    const min = await store.findArtifactByDebugId(projectId, "d1", "minified_source");
    expect(min).toEqual({ id: min!.id, bundleId: stored.id, type: "minified_source", url: "~/app.min.js", debugId: "d1", sourcemap: "app.min.js.map",
      size: "minified();".length, release: "web@1", dist: "ios" });
    expect((await store.loadArtifactContent(min!.id)).toString()).toBe("minified();");
    const map = await store.findArtifactByDebugId(other, "d1", "source_map");
    expect((await store.loadArtifactContent(map!.id)).toString()).toBe("{map}");
    await expect(store.loadArtifactContent(map!.id + 1000)).rejects.toThrow(/does not exist/);
  });

  it("finds files by debug id or by release, dist and the first candidate URL, newest upload first, only in linked projects", async () => {
    const other = await newProject(store);
    const first = await store.storeArtifactBundle(bundle({ files: [file("~/a.js", "old a", { debugId: "dd" }), file("~/b.js", "b")] }));
    const second = await store.storeArtifactBundle(bundle({ files: [file("~/a.js", "new a", { debugId: "dd" })], now: 2_000 }));
    await store.storeArtifactBundle(bundle({ dist: "android", files: [file("~/c.js", "c on android")] }));
    expect(await store.projectHasArtifacts(other)).toBe(false);
    expect(await store.findArtifactByDebugId(other, "dd", "minified_source")).toBeUndefined();
    const byId = await store.findArtifactByDebugId(projectId, "dd", "minified_source");
    expect((await store.loadArtifactContent(byId!.id)).toString()).toBe("new a");
    expect(await store.findArtifactByDebugId(projectId, "dd", "source_map")).toBeUndefined();
    expect((await store.findArtifactByUrl(projectId, "web@1", null, ["~/missing.js", "~/b.js", "~/a.js"]))?.url).toBe("~/b.js");
    const a = await store.findArtifactByUrl(projectId, "web@1", null, ["~/a.js", "~/b.js"]);
    expect(a?.bundleId).toBe(second.id);
    expect(await store.findArtifactByUrl(projectId, "web@1", null, ["~/c.js"])).toBeUndefined();
    expect((await store.findArtifactByUrl(projectId, "web@1", "android", ["~/c.js"]))?.url).toBe("~/c.js");
    expect(await store.findArtifactByUrl(projectId, "web@2", null, ["~/a.js"])).toBeUndefined();
    expect(await store.findArtifactByUrl(projectId, "web@1", null, [])).toBeUndefined();
    // linking makes the bundle visible to another project, once
    await store.linkArtifactBundle(first.id, [other, other]);
    await store.linkArtifactBundle(first.id, [other]);
    expect((await store.findArtifactByUrl(other, "web@1", null, ["~/a.js"]))?.bundleId).toBe(first.id);
    expect((await store.listArtifactBundles(other, { offset: 0, limit: 10 })).map((b) => b.id)).toEqual([first.id]);
    expect((await store.listArtifactBundles(projectId, { offset: 1, limit: 1 })).map((b) => b.id)).toEqual([second.id]);
    // a legacy release-file upload has no checksum; several may exist
    await store.storeArtifactBundle(bundle({ checksum: null, files: [file("~/d.js", "d")] }));
    await store.storeArtifactBundle(bundle({ checksum: null, files: [file("~/d.js", "d2")] }));
    const d = await store.findArtifactByUrl(projectId, "web@1", null, ["~/d.js"]);
    expect((await store.loadArtifactContent(d!.id)).toString()).toBe("d2");
  });

  it("lets an issue claim one more grouping hash unless the project has it", async () => {
    const made = await commitOne(committerFor(store), await job(store, projectId, [rawEvent("site")]));
    const grouping = { hash: "a".repeat(32), key: "symbolicated key", mechanism: "lt-v2" };
    expect(await store.addIssueGrouping(projectId, made.issueId, grouping, 123)).toBe(true);
    expect(await store.addIssueGrouping(projectId, made.issueId, grouping, 124)).toBe(false);
    const keys = await store.listIssueGroupings(made.issueId);
    expect(keys.at(-1)).toEqual({ hash: grouping.hash, key: "symbolicated key", mechanism: "lt-v2", createdAtSec: 123 });
  });
});

/** Several PostgreSQL nodes: a bundle two nodes assemble at once is stored once (SQLite has one writer, which never races). */
describe.each(STORE_BACKENDS.filter((b) => b.name === "postgres"))("artifact bundles across nodes ($name)", (backend) => {
  let database: TestDatabase;
  afterEach(() => database.destroy());

  it("stores a bundle two nodes assemble at once once, with both nodes' projects", async () => {
    database = await backend.create();
    const [a, b] = [await database.open(), await database.open()];
    const orgId = (await a.ensureOrganization("conformance", "Conformance")).id;
    const [p1, p2] = [await newProject(a), await newProject(a)];
    const checksum = "c".repeat(40);
    const input = (projectId: number): NewArtifactBundle => ({
      organizationId: orgId, checksum, bundleId: null, release: "web@1", dist: null, projectIds: [projectId], files: [file("~/x.js", "x")], consumedChunks: [], now: 1,
    });
    const [r1, r2] = await Promise.all([a.storeArtifactBundle(input(p1)), b.storeArtifactBundle(input(p2))]);
    expect(r1).toEqual(r2);
    expect((await a.listArtifactBundles(p1, { offset: 0, limit: 10 })).map((x) => x.id)).toEqual([r1.id]);
    expect((await a.listArtifactBundles(p2, { offset: 0, limit: 10 })).map((x) => x.id)).toEqual([r1.id]);
  });
});
