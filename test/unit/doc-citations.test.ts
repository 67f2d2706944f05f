import { existsSync, readdirSync, readFileSync, statSync } from "node:fs";
import { join, relative } from "node:path";
import { describe, expect, it } from "vitest";

const ROOT = join(import.meta.dirname, "../..");

/**
 * Comments cite the protocol and design notes by path and section ("docs/sentry-protocol.md §5");
 * every such citation must resolve to a file in the repository and a section heading in it
 * (`## 5. …`), and nothing may cite notes that live outside the repository.
 */
describe("documentation citations", () => {
  const sources = ["src", "ui", "scripts", "test", "build.mjs", "README.md"].flatMap((p) => _files(join(ROOT, p)));
  const citations = sources.flatMap((file) => {
    const text = readFileSync(file, "utf8");
    return [...text.matchAll(/(?<![\w./-])(docs\/[\w./-]*\w)(?:\s+§(\d+))?/g)].map((m) => ({ file: relative(ROOT, file), path: m[1]!, section: m[2] }));
  });

  it("cites the protocol notes by path and section", () => {
    expect(citations.filter((c) => c.path === "docs/sentry-protocol.md" && c.section).length).toBeGreaterThan(10);
  });

  it("every cited file exists and every cited section is a heading in it", () => {
    const broken = citations.filter((c) => {
      const target = join(ROOT, c.path);
      if (!existsSync(target)) return true;
      if (!c.section) return false;
      return !new RegExp(`^#+\\s+${c.section}\\.\\s`, "m").test(readFileSync(target, "utf8"));
    });
    expect(broken).toEqual([]);
  });

  it("nothing cites notes by a name or path outside the repository", () => {
    const outside = sources.flatMap((file) => {
      const text = readFileSync(file, "utf8");
      return [...text.matchAll(/\b(?:protocol|design|feature) notes\s*§|\/work\/shared\b/g)].map((m) => `${relative(ROOT, file)}: ${m[0]}`);
    }).filter((hit) => !hit.startsWith("test/unit/doc-citations.test.ts"));
    expect(outside).toEqual([]);
  });
});

// --- Internal ---

function _files(path: string): string[] {
  if (!existsSync(path)) return [];
  if (!statSync(path).isDirectory()) return [path];
  if (/node_modules|fixtures|dist/.test(path)) return [];
  return readdirSync(path).flatMap((f) => _files(join(path, f))).filter((f) => /\.(ts|tsx|mjs|md)$/.test(f));
}
