import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { chmodSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import {
  NativeAddonError, embeddedSqliteBinding, extractNativeAddon, listAddonCacheCandidates, loadNativeAddon,
} from "../../src/runtime/native-addon.ts";
import { createSeaUiAssetSource } from "../../src/runtime/embedded.ts";

describe("native addon cache (standalone executable)", () => {
  let dir: string;
  const bytes = Buffer.from("pretend this is an ELF shared object\n");
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), "lighttrace-addon-"));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it("looks in $LIGHTTRACE_CACHE_DIR alone when set, else XDG, ~/.cache, then the temp dir", () => {
    const opts = { version: "1.2.3", home: "/home/ada", tmp: "/tmp", uid: 1000 };
    expect(listAddonCacheCandidates({ LIGHTTRACE_CACHE_DIR: "/srv/cache", XDG_CACHE_HOME: "/xdg" }, opts)).toEqual([
      { dir: "/srv/cache/1.2.3", shared: false },
    ]);
    expect(listAddonCacheCandidates({ XDG_CACHE_HOME: "/xdg" }, opts)).toEqual([
      { dir: "/xdg/lighttrace/1.2.3", shared: false },
      { dir: "/home/ada/.cache/lighttrace/1.2.3", shared: false },
      { dir: "/tmp/lighttrace-1000/1.2.3", shared: true },
    ]);
    // a relative XDG_CACHE_HOME is invalid per the XDG spec; no home (system users) leaves the temp dir
    expect(listAddonCacheCandidates({ XDG_CACHE_HOME: "relative" }, { version: "1.2.3", tmp: "/tmp", uid: 0 })).toEqual([
      { dir: "/tmp/lighttrace-0/1.2.3", shared: true },
    ]);
  });

  it("writes the addon once, by atomic rename, into a private directory", () => {
    const cache = join(dir, "cache", "0.1.0");
    const path = extractNativeAddon(bytes, "better_sqlite3-0123456789abcdef.node", [{ dir: cache, shared: false }]);
    expect(path).toBe(join(cache, "better_sqlite3-0123456789abcdef.node"));
    expect(readFileSync(path)).toEqual(bytes);
    expect(statSync(cache).mode & 0o777).toBe(0o700);
    const { ino, mtimeMs } = statSync(path);
    expect(extractNativeAddon(bytes, "better_sqlite3-0123456789abcdef.node", [{ dir: cache, shared: false }])).toBe(path);
    expect(statSync(path)).toMatchObject({ ino, mtimeMs });
    expect(readdirSync(cache)).toEqual(["better_sqlite3-0123456789abcdef.node"]); // no temp files left
  });

  it("replaces a file of the wrong size (never a half-written one: those only exist as .tmp)", () => {
    const cache = join(dir, "c");
    mkdirSync(cache, { recursive: true });
    writeFileSync(join(cache, "a.node"), "short");
    expect(readFileSync(extractNativeAddon(bytes, "a.node", [{ dir: cache, shared: false }]))).toEqual(bytes);
  });

  it("falls back to the next directory, and names every one tried when none works", () => {
    writeFileSync(join(dir, "file"), "");
    const blocked = { dir: join(dir, "file", "cache"), shared: false }; // below a file: fails even as root
    const good = { dir: join(dir, "good"), shared: false };
    expect(extractNativeAddon(bytes, "a.node", [blocked, good])).toBe(join(dir, "good", "a.node"));
    const err = _catch(() => extractNativeAddon(bytes, "a.node", [blocked]));
    expect(err).toBeInstanceOf(NativeAddonError);
    expect(err.message).toContain(`${blocked.dir}: ENOTDIR`);
    expect(err.message).toContain("set LIGHTTRACE_CACHE_DIR to a writable directory");
  });

  it("gives up on a home it cannot create directories in (Node's recursive mkdir would spin on /proc)", () => {
    const home = { dir: "/proc/no-such-home/.cache/lighttrace/0.1.0", shared: false };
    const good = { dir: join(dir, "tmp-fallback"), shared: false };
    expect(extractNativeAddon(bytes, "a.node", [home, good])).toBe(join(dir, "tmp-fallback", "a.node"));
  });

  it("refuses a shared-root directory that others can write to", () => {
    const root = join(dir, "lighttrace-1000");
    mkdirSync(join(root, "0.1.0"), { recursive: true });
    chmodSync(root, 0o777);
    const err = _catch(() => extractNativeAddon(bytes, "a.node", [{ dir: join(root, "0.1.0"), shared: true }]));
    expect(err.message).toContain("writable by group or others");
  });

  it("explains a file that does not load (e.g. a noexec mount)", () => {
    writeFileSync(join(dir, "bad.node"), bytes);
    const err = _catch(() => loadNativeAddon(join(dir, "bad.node")));
    expect(err).toBeInstanceOf(NativeAddonError);
    expect(err.message).toContain(`cannot load the SQLite addon ${join(dir, "bad.node")}`);
    expect(err.message).toContain("noexec");
  });

  it("resolves nothing outside the executable, so better-sqlite3 and dist/ui on disk apply", () => {
    expect(embeddedSqliteBinding()).toBeUndefined();
    expect(createSeaUiAssetSource()).toBeUndefined();
  });
});

// --- Internal ---

function _catch(fn: () => unknown): Error {
  try {
    fn();
  } catch (err) {
    return err as Error;
  }
  throw new Error("expected an error");
}
