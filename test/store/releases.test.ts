import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { ReleaseCommitInput } from "../../src/store/model/releases.ts";
import type { Store } from "../../src/store/types.ts";
import { commit, committerFor, job, newProject, NOW_MS, rawEvent } from "./_ingest.ts";
import { STORE_BACKENDS, type TestDatabase } from "./backends.ts";

/** Conformance: organization releases, their commits, refs and deploys (every backend). */
describe.each(STORE_BACKENDS)("releases ($name)", (backend) => {
  let database: TestDatabase;
  let store: Store;
  let orgId: number;
  beforeEach(async () => {
    database = await backend.create();
    store = await database.open();
    orgId = (await store.ensureOrganization("conformance", "Conformance")).id;
  });
  afterEach(() => database.destroy());

  const commitInput = (id: string, extra: Partial<ReleaseCommitInput> = {}): ReleaseCommitInput => ({
    id, repository: "acme/shop", message: `commit ${id}`, authorName: null, authorEmail: null, timestampSec: null, files: [], ...extra,
  });

  it("creates a release once and fills only the fields given later (idempotent for CI)", async () => {
    const a = await newProject(store, "alpha");
    const b = await newProject(store, "beta");
    const first = await store.upsertRelease({ organizationId: orgId, version: "1.0", projectIds: [a], ref: "main", now: 100 });
    expect(first.created).toBe(true);
    expect(first.release).toMatchObject({
      organizationId: orgId, version: "1.0", ref: "main", url: null, dateCreated: 100, dateStarted: null, dateReleased: null, status: "open",
      firstEvent: null, lastEvent: null, newGroups: 0, commitCount: 0, lastCommit: null, deployCount: 0, lastDeploy: null, authors: [],
    });
    expect(first.release.projects).toEqual([{ id: a, slug: "alpha", name: "alpha", platform: "node" }]);
    const again = await store.upsertRelease({ organizationId: orgId, version: "1.0", projectIds: [b, a], url: "https://ci/1", dateReleased: 300, now: 200 });
    expect(again.created).toBe(false);
    expect(again.release).toMatchObject({ id: first.release.id, ref: "main", url: "https://ci/1", dateCreated: 100, dateReleased: 300 });
    expect(again.release.projects.map((p) => p.slug)).toEqual(["alpha", "beta"]);
    expect(await store.getRelease(orgId, "1.0")).toEqual(again.release);
    expect(await store.getRelease(orgId, "2.0")).toBeUndefined();
  });

  it("makes one release when two writers create the same version at once", async () => {
    const projectId = await newProject(store);
    const other = await database.open();
    const results = await Promise.all([store, other, store, other].map((s, i) =>
      s.upsertRelease({ organizationId: orgId, version: "race", projectIds: [projectId], ref: `r${i}`, now: 100 + i })));
    expect(results.filter((r) => r.created)).toHaveLength(1);
    expect(new Set(results.map((r) => r.release.id)).size).toBe(1);
    expect((await store.listReleases(orgId, { offset: 0, limit: 10 })).map((r) => r.version)).toEqual(["race"]);
  });

  it("replaces commits and refs, keeps the first mention of a repeated commit, and summarises authors", async () => {
    const projectId = await newProject(store);
    await store.upsertRelease({ organizationId: orgId, version: "1.0", projectIds: [projectId], now: 100 });
    expect(await store.updateRelease(orgId, "nope", { ref: "x" })).toBeUndefined();
    const updated = await store.updateRelease(orgId, "1.0", {
      status: "archived",
      commits: [
        commitInput("c3", { authorName: "Ann Early", authorEmail: "ann@x", timestampSec: 30, files: [{ path: "b.ts", type: "M" }, { path: "a.ts", type: "A" }] }),
        commitInput("c2", { authorName: "Bob", authorEmail: null }),
        commitInput("c3", { message: "again", files: [{ path: "z.ts", type: "D" }] }),
        commitInput("c1", { authorName: "Ann Late", authorEmail: "ann@x" }),
        commitInput("c0"),
      ],
      headCommits: [
        { repository: "acme/shop", commit: "c1", previousCommit: null },
        { repository: "acme/api", commit: "a9", previousCommit: "a1" },
        { repository: "acme/shop", commit: "c3", previousCommit: "c0" },
      ],
    });
    expect(updated).toMatchObject({
      status: "archived", commitCount: 4, lastCommit: { id: "c3", repository: "acme/shop", message: "commit c3", authorName: "Ann Early", authorEmail: "ann@x", timestampSec: 30 },
      authors: [{ name: "Ann Early", email: "ann@x" }, { name: "Bob", email: null }],
    });
    const commits = await store.listReleaseCommits(updated!.id);
    expect(commits.map((c) => c.id)).toEqual(["c3", "c2", "c1", "c0"]);
    expect(commits[0]).toMatchObject({ message: "commit c3", files: [{ path: "a.ts", type: "A" }, { path: "b.ts", type: "M" }] });
    expect(commits[1]!.files).toEqual([]);
    expect(await store.listReleaseHeadCommits(updated!.id)).toEqual([
      { repository: "acme/api", commit: "a9", previousCommit: "a1" },
      { repository: "acme/shop", commit: "c3", previousCommit: "c0" },
    ]);
    // a second set-commits replaces the first; refs not given stay
    const again = await store.updateRelease(orgId, "1.0", { commits: [commitInput("d1")] });
    expect(again).toMatchObject({ commitCount: 1, status: "archived", lastCommit: { id: "d1" }, authors: [] });
    expect((await store.listReleaseCommits(updated!.id)).map((c) => c.id)).toEqual(["d1"]);
    expect(await store.listReleaseHeadCommits(updated!.id)).toHaveLength(2);
  });

  it("lists newest first, per project, in pages, and finds the previous release with commits", async () => {
    const a = await newProject(store);
    const b = await newProject(store);
    for (const [version, now, projects] of [["1.0", 100, [a]], ["1.1", 200, [a, b]], ["2.0", 300, [b]], ["2.1", 300, [a]]] as const) {
      await store.upsertRelease({ organizationId: orgId, version, projectIds: [...projects], now });
    }
    const all = await store.listReleases(orgId, { offset: 0, limit: 10 });
    expect(all.map((r) => r.version)).toEqual(["2.1", "2.0", "1.1", "1.0"]);
    expect((await store.listReleases(orgId, { offset: 1, limit: 2 })).map((r) => r.version)).toEqual(["2.0", "1.1"]);
    expect((await store.listReleases(orgId, { projectId: a, offset: 0, limit: 10 })).map((r) => r.version)).toEqual(["2.1", "1.1", "1.0"]);
    expect((await store.listReleases(orgId, { projectId: b, offset: 1, limit: 10 })).map((r) => r.version)).toEqual(["1.1"]);
    expect(await store.previousReleaseWithCommits(orgId, "2.1")).toBeUndefined();
    await store.updateRelease(orgId, "1.0", { commits: [commitInput("x")] });
    await store.updateRelease(orgId, "1.1", { commits: [commitInput("y")] });
    expect((await store.previousReleaseWithCommits(orgId, "2.1"))?.version).toBe("1.1");
    expect((await store.previousReleaseWithCommits(orgId, "1.1"))?.version).toBe("1.0");
  });

  it("records deploys, newest finished first, and removes a release with everything attached", async () => {
    const projectId = await newProject(store);
    const { release } = await store.upsertRelease({ organizationId: orgId, version: "1.0", projectIds: [projectId], now: 100 });
    const d1 = await store.addDeploy(release.id, { environment: "staging", name: null, url: null, dateStarted: null, dateFinished: 200 });
    const d2 = await store.addDeploy(release.id, { environment: "production", name: "big one", url: "https://ci/d", dateStarted: 250, dateFinished: 300 });
    const d3 = await store.addDeploy(release.id, { environment: "canary", name: null, url: null, dateStarted: null, dateFinished: 300 });
    expect(d2).toEqual({ id: d2.id, environment: "production", name: "big one", url: "https://ci/d", dateStarted: 250, dateFinished: 300 });
    expect((await store.listDeploys(release.id)).map((d) => d.id)).toEqual([d3.id, d2.id, d1.id]);
    expect(await store.getRelease(orgId, "1.0")).toMatchObject({ deployCount: 3, lastDeploy: d3 });
    await store.updateRelease(orgId, "1.0", { commits: [commitInput("c1", { files: [{ path: "a", type: "A" }] })], headCommits: [{ repository: "r", commit: "c1", previousCommit: null }] });
    await store.deleteRelease(release.id);
    expect(await store.getRelease(orgId, "1.0")).toBeUndefined();
    expect(await store.listDeploys(release.id)).toEqual([]);
    expect(await store.listReleaseCommits(release.id)).toEqual([]);
    expect(await store.listReleaseHeadCommits(release.id)).toEqual([]);
  });

  it("sees the events of its projects: first and last event, new issues; ingest creates the release", async () => {
    const projectId = await newProject(store);
    const committer = committerFor(store);
    await commit(committer, [await job(store, projectId, [
      rawEvent("a", { release: "web@1", timestamp: NOW_MS / 1000 - 50 }), rawEvent("b", { release: "web@1", timestamp: NOW_MS / 1000 - 10 }),
    ])]);
    const release = await store.getRelease(orgId, "web@1");
    expect(release).toMatchObject({ version: "web@1", newGroups: 2, firstEvent: NOW_MS / 1000 - 50, lastEvent: NOW_MS / 1000 - 10 });
    expect(release!.projects.map((p) => p.id)).toEqual([projectId]);
    // an explicit create afterwards finds it
    expect((await store.upsertRelease({ organizationId: orgId, version: "web@1", projectIds: [projectId], ref: "v1", now: NOW_MS / 1000 })).created).toBe(false);
  });
});
