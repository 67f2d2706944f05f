import { describe, expect, it } from "vitest";
import type { Store } from "../../src/store/types.ts";
import { newProject } from "./_ingest.ts";
import { freshDatabasePerTest, STORE_BACKENDS } from "./backends.ts";

/** Conformance: where each project's code lives and how stack paths map to it (every backend). */
describe.each(STORE_BACKENDS)("source links ($name)", (backend) => {
  let store!: Store;
  freshDatabasePerTest(backend, async (database) => { store = await database.open(); });

  const link = (repository: string) => ({
    repository, repositoryUrl: `https://github.com/${repository}`, urlTemplate: "", stackRoot: "webpack://shop/", sourceRoot: "packages/web/",
  });

  it("sets, replaces, lists (by repository in byte order, then project) and removes a project's settings", async () => {
    const [a, b, c] = [await newProject(store), await newProject(store), await newProject(store)];
    expect(await store.getSourceLinkSettings(a)).toBeUndefined();
    expect(await store.setSourceLinkSettings(a, link("acme/shop"), 100)).toEqual({ projectId: a, ...link("acme/shop"), updatedAtSec: 100 });
    const replaced = await store.setSourceLinkSettings(a, { ...link("acme/web"), urlTemplate: "https://git/{commit}/{path}#L{line}", stackRoot: "" }, 200);
    expect(replaced).toEqual({ projectId: a, ...link("acme/web"), urlTemplate: "https://git/{commit}/{path}#L{line}", stackRoot: "", updatedAtSec: 200 });
    expect(await store.getSourceLinkSettings(a)).toEqual(replaced);
    await store.setSourceLinkSettings(c, link("Zeta/api"), 300);
    await store.setSourceLinkSettings(b, link("acme/web"), 300);
    expect((await store.listSourceLinkSettings()).map((s) => [s.repository, s.projectId])).toEqual([["Zeta/api", c], ["acme/web", a], ["acme/web", b]]);
    expect(await store.setSourceLinkSettings(a, null, 400)).toBeUndefined();
    expect(await store.getSourceLinkSettings(a)).toBeUndefined();
    expect((await store.listSourceLinkSettings()).map((s) => s.projectId)).toEqual([c, b]);
  });
});
