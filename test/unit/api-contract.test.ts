import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import ts from "typescript";
import { describe, expect, it } from "vitest";

const CONTRACT_DIR = join(import.meta.dirname, "../../src/contract");

/**
 * The wire contract (src/contract/) is shared by the server and the browser bundle, so it must
 * be types only: nothing survives compilation, and it imports nothing but itself.
 */
describe("the API contract", () => {
  const files = readdirSync(CONTRACT_DIR).filter((f) => f.endsWith(".ts"));

  it("holds every resource's types", () => {
    expect(files.sort()).toEqual([
      "accounts.ts", "activity.ts", "alerts.ts", "events.ts", "explain.ts", "feedback.ts", "grouping.ts", "index.ts", "insights.ts", "issues.ts", "monitors.ts", "organizations.ts", "ownership.ts", "project-settings.ts", "releases.ts", "traces.ts", "uploads.ts",
    ]);
  });

  it.each(files)("%s compiles to nothing (type-only)", (file) => {
    const source = readFileSync(join(CONTRACT_DIR, file), "utf8");
    const js = ts.transpileModule(source, { compilerOptions: { module: ts.ModuleKind.ESNext, target: ts.ScriptTarget.ES2022, verbatimModuleSyntax: true } }).outputText;
    const statements = js.split("\n").map((l) => l.trim()).filter((l) => l && !l.startsWith("//") && !l.startsWith("/*") && !l.startsWith("*") && l !== "export {};");
    expect(statements).toEqual([]);
  });

  it.each(files)("%s imports only the contract", (file) => {
    const source = readFileSync(join(CONTRACT_DIR, file), "utf8");
    const specifiers = [...source.matchAll(/\bfrom\s+"([^"]+)"/g)].map((m) => m[1]!);
    expect(specifiers.filter((s) => !/^\.\/[a-z-]+\.ts$/.test(s))).toEqual([]);
  });
});
