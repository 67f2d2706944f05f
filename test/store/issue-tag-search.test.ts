import { describe, expect, it } from "vitest";
import type { IssueFilter, Store } from "../../src/store/types.ts";
import { commit, committerFor, job, newProject, NOW_MS, rawEvent } from "./_ingest.ts";
import { freshDatabasePerTest, STORE_BACKENDS } from "./backends.ts";

/**
 * Conformance: an issue list's tag conditions. `*` is Sentry's only wildcard; `?`, `[…]`, `%` and
 * `_` are literal characters of the value on every backend (SQLite's GLOB treats `?` and `[…]` as
 * wildcards, LIKE treats `%` and `_` so).
 */
describe.each(STORE_BACKENDS)("issue list tag search ($name)", (backend) => {
  let store!: Store;
  freshDatabasePerTest(backend, async (database) => { store = await database.open(); });

  it("matches ?, [...], % and _ literally, with and without *", async () => {
    const projectId = await newProject(store);
    const values = ["a?c", "abc", "x[1]", "x1", "p%q", "pzq", "u_v", "uzv", "CASE"];
    const outcomes = await commit(committerFor(store), [await job(store, projectId, values.map((v) => rawEvent(`site-${values.indexOf(v)}`, { tags: { code: v } })))]);
    const issueOf = new Map(values.map((v, i) => [v, outcomes[0]![i]!.issueId]));
    const search = async (value: string, negate = false) => {
      const filter: IssueFilter = { projectIds: [projectId], tags: [{ key: "code", value, negate }], text: [], sort: "date", offset: 0, limit: 50, nowMs: NOW_MS };
      const ids = new Set((await store.listIssues(filter)).map((i) => i.id));
      return values.filter((v) => ids.has(issueOf.get(v)!));
    };
    expect(await search("a?c")).toEqual(["a?c"]);
    expect(await search("a?*")).toEqual(["a?c"]);
    expect(await search("*?c")).toEqual(["a?c"]);
    expect(await search("x[1]*")).toEqual(["x[1]"]);
    expect(await search("x[1]")).toEqual(["x[1]"]);
    expect(await search("*[*")).toEqual(["x[1]"]);
    expect(await search("p%*")).toEqual(["p%q"]);
    expect(await search("u_*")).toEqual(["u_v"]);
    expect(await search("x*")).toEqual(["x[1]", "x1"]);
    expect(await search("case*")).toEqual([]);
    expect(await search("CA*")).toEqual(["CASE"]);
    expect(await search("a?*", true)).toEqual(values.filter((v) => v !== "a?c"));
  });
});
