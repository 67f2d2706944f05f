import { describe, expect, it } from "vitest";
import { buildSourceLink, defaultUrlTemplate, releaseCommit, repositoryNameFromUrl } from "../../src/sourcemaps/source-links.ts";
import { cleanSourcePath, decodeDataUrl, findSourceMappingUrl, releaseFileCandidates, resolveRelativeUrl } from "../../src/sourcemaps/urls.ts";
import { enclosingFunctionName } from "../../src/sourcemaps/function-names.ts";
import { inflateZipEntry, readZipEntries } from "../../src/sourcemaps/zip-reader.ts";
import { bundlePathForUrl, writeZip } from "../../src/sourcemaps/bundle-writer.ts";
import { normalizeDebugId } from "../../src/sourcemaps/debug-id.ts";
import { SourceMapCache } from "../../src/sourcemaps/map-cache.ts";

const LIMITS = { maxEntries: 10, maxEntryBytes: 1000, maxTotalBytes: 2000 };
const settings = { projectId: 1, repository: "acme/shop", repositoryUrl: "https://github.com/acme/shop", urlTemplate: "", stackRoot: "", sourceRoot: "", updatedAtSec: 0 };

describe("source links", () => {
  it("derives GitHub, GitLab and Bitbucket line links", () => {
    expect(defaultUrlTemplate("https://github.com/acme/shop.git")).toBe("https://github.com/acme/shop/blob/{commit}/{path}#L{line}");
    expect(defaultUrlTemplate("https://gitlab.example.com/acme/shop/")).toBe("https://gitlab.example.com/acme/shop/-/blob/{commit}/{path}#L{line}");
    expect(defaultUrlTemplate("https://bitbucket.org/acme/shop")).toBe("https://bitbucket.org/acme/shop/src/{commit}/{path}#lines-{line}");
    expect(repositoryNameFromUrl("https://github.com/acme/shop.git")).toBe("acme/shop");
  });

  it("maps the stack root to the source root, and refuses paths outside it", () => {
    expect(buildSourceLink(settings, "abc1234", "src/checkout.ts", 13)).toBe("https://github.com/acme/shop/blob/abc1234/src/checkout.ts#L13");
    expect(buildSourceLink(settings, "abc1234", "webpack://shop/./src/a b.ts", 2)).toBe("https://github.com/acme/shop/blob/abc1234/src/a%20b.ts#L2");
    const mapped = { ...settings, stackRoot: "/srv/app/", sourceRoot: "packages/api" };
    expect(buildSourceLink(mapped, "abc1234", "/srv/app/lib/db.js", 7)).toBe("https://github.com/acme/shop/blob/abc1234/packages/api/lib/db.js#L7");
    expect(buildSourceLink(mapped, "abc1234", "/usr/lib/node/x.js", 7)).toBeUndefined();
    expect(buildSourceLink(settings, "abc1234", "node_modules/react/index.js", 1)).toBeUndefined();
    expect(buildSourceLink(settings, "abc1234", "https://cdn.example/vendor.min.js", 1)).toBeUndefined();
    const custom = { ...settings, urlTemplate: "https://code.example/{path}?at={commit}&line={line}" };
    expect(buildSourceLink(custom, "abc1234", "src/x.ts", 5)).toBe("https://code.example/src/x.ts?at=abc1234&line=5");
  });

  it("takes the commit from a head ref, else set-commits, else a SHA in the release name", () => {
    const heads = [{ repository: "acme/shop", commit: "1111111aaaa", previousCommit: null }];
    expect(releaseCommit(undefined, heads, "acme/shop", "web@1")).toBe("1111111aaaa");
    const release = { version: "web@1", lastCommit: { id: "2222222bbbb", repository: "acme/shop", message: null, authorName: null, authorEmail: null, timestampSec: null } };
    expect(releaseCommit(release, [], "acme/shop", "web@1")).toBe("2222222bbbb");
    expect(releaseCommit(undefined, [], "acme/shop", "web@3f2a9c1")).toBe("3f2a9c1");
    expect(releaseCommit(undefined, [], "acme/shop", "web@1.2.3")).toBeUndefined();
    expect(releaseCommit(undefined, [], "acme/shop", "20261128")).toBeUndefined();
  });
});

describe("source-map URLs", () => {
  it("lists release-file candidates in Symbolicator's order", () => {
    expect(releaseFileCandidates("https://shop.example/static/app.js?v=3#x")).toEqual([
      "https://shop.example/static/app.js?v=3", "https://shop.example/static/app.js", "~/static/app.js?v=3", "~/static/app.js",
    ]);
  });

  it("resolves map references, reads sourceMappingURL and data URLs, cleans source paths", () => {
    expect(resolveRelativeUrl("~/static/app.min.js", "app.min.js.map")).toBe("~/static/app.min.js.map");
    expect(resolveRelativeUrl("~/static/app.min.js.map", "../src/a.ts")).toBe("~/src/a.ts");
    expect(resolveRelativeUrl("https://cdn.example/js/app.js", "maps/app.js.map")).toBe("https://cdn.example/js/maps/app.js.map");
    expect(resolveRelativeUrl("/srv/dist/app.js.map", "../src/a.ts")).toBe("/srv/src/a.ts");
    expect(findSourceMappingUrl("a()\n//# sourceMappingURL=a.js.map\n")).toBe("a.js.map");
    expect(findSourceMappingUrl("a()\n/*# sourceMappingURL=a.css.map */")).toBe("a.css.map");
    expect(decodeDataUrl("data:application/json;base64," + Buffer.from('{"x":1}').toString("base64"))).toBe('{"x":1}');
    expect(cleanSourcePath("webpack://shop/./src/cart.ts")).toBe("src/cart.ts");
    expect(cleanSourcePath("../../src/cart.ts")).toBe("src/cart.ts");
    expect(cleanSourcePath("webpack:///~/react/index.js")).toBe("~/react/index.js");
    expect(normalizeDebugId("23A0335ED4DB540EA32CB2E5BD9EB506")).toBe("23a0335e-d4db-540e-a32c-b2e5bd9eb506");
    expect(normalizeDebugId("nope")).toBeNull();
    expect(bundlePathForUrl("~/static/app.js")).toBe("_/_/static/app.js");
    expect(bundlePathForUrl("https://cdn.example/app.js")).toBe("https/cdn.example/app.js");
  });
});

describe("enclosing function names in original sources", () => {
  const src = [
    "export class Cart {",
    "  total(items: Item[]): number {",
    "    if (!items.length) {",
    "      throw new Error('empty');",
    "    }",
    "    return 1;",
    "  }",
    "}",
    "export const pay = async (order: Order) => {",
    "  return charge(order);",
    "};",
    "function helper() { throw new Error('x'); }",
  ];
  it("finds methods, arrow functions and one-line functions, skipping control flow", () => {
    expect(enclosingFunctionName(src, 3)).toBe("total");
    expect(enclosingFunctionName(src, 9)).toBe("pay");
    expect(enclosingFunctionName(src, 11)).toBe("helper");
    expect(enclosingFunctionName(["const x = 1;", "x.y();"], 1)).toBeUndefined();
  });
});

describe("ZIP reader", () => {
  const zip = writeZip([{ name: "a.txt", data: Buffer.from("hello hello hello") }, { name: "b.txt", data: Buffer.from("world") }]);

  it("reads entries behind leading bytes, whichever way the offsets count", () => {
    for (const archive of [zip, Buffer.concat([Buffer.from("SYSB\x02\x00\x00\x00", "latin1"), zip]), writeZip([{ name: "a.txt", data: Buffer.from("hi") }], Buffer.from("PREFIX"))]) {
      const entries = readZipEntries(archive, LIMITS);
      expect(inflateZipEntry(entries[0]!).toString()).toMatch(/^h/);
    }
  });

  it("refuses too many entries, oversize entries, and a bad CRC", () => {
    expect(() => readZipEntries(zip, { ...LIMITS, maxEntries: 1 })).toThrow("the archive has 2 entries; at most 1 are accepted");
    expect(() => readZipEntries(zip, { ...LIMITS, maxEntryBytes: 10 })).toThrow("entry a.txt is 17 bytes; at most 10 are accepted");
    expect(() => readZipEntries(zip, { ...LIMITS, maxTotalBytes: 20 })).toThrow("the archive holds more than 20 bytes uncompressed");
    const [entry] = readZipEntries(zip, LIMITS);
    expect(() => inflateZipEntry({ ...entry!, crc32: entry!.crc32 ^ 1 })).toThrow("entry a.txt fails its CRC-32 check");
    expect(() => readZipEntries(Buffer.from("not a zip"), LIMITS)).toThrow("not a ZIP archive");
  });
});

describe("parsed source-map cache", () => {
  it("evicts the least recently used maps past its weight bound", async () => {
    const text = JSON.stringify({ version: 3, sources: ["a.ts"], names: [], mappings: "AAAA" });
    const cache = new SourceMapCache(text.length * 10 * 2);
    const load = async () => text;
    await cache.get(1, load);
    await cache.get(2, load);
    await cache.get(1, load); // 1 is now the most recent
    await cache.get(3, load); // evicts 2
    expect(cache.size).toBe(2);
    await cache.get(1, load);
    expect(cache.hits).toBe(2);
    await cache.get(2, load);
    expect(cache.misses).toBe(4);
  });
});
