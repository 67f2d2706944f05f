import { existsSync, readdirSync, readFileSync, statSync } from "node:fs";
import { dirname, join, relative, resolve } from "node:path";
import ts from "typescript";
import { describe, expect, it } from "vitest";

const ROOT = join(import.meta.dirname, "../..");

/**
 * Dependencies point down the data flow (ingest → process → store → events/grouping; api and cli on
 * top; the UI beside the server, sharing only the wire contract). Walks every import of src/ and
 * ui/, type-only imports included, and fails on a cycle or a forbidden direction.
 */
const FORBIDDEN: { from: string; to: string[]; why: string }[] = [
  { from: "src/store/", to: ["src/process/", "src/alerts/", "src/api/", "src/cli/", "src/http/", "src/ingest/"], why: "the store persists; it never decides" },
  { from: "src/process/", to: ["src/api/", "src/cli/", "src/http/", "src/ingest/"], why: "processing runs without HTTP (tests, CLI, workers)" },
  { from: "src/contract/", to: ["src/", "ui/"], why: "the wire contract is types only and stands alone" },
  { from: "src/", to: ["ui/"], why: "the server never reaches into the browser code" },
  { from: "ui/", to: ["src/"], why: "the browser bundle shares only types with the server (src/contract/)" },
  { from: "", to: ["src/cli/"], why: "the command line is an entry point; nothing builds on it" },
];
/** Imports allowed despite a rule above: the UI's type-only imports of the contract, the CLI within itself. */
const ALLOWED = (from: string, to: string, typeOnly: boolean) =>
  (from.startsWith("ui/") && to.startsWith("src/contract/") && typeOnly) ||
  (from.startsWith("src/contract/") && to.startsWith("src/contract/")) ||
  from.startsWith("src/cli/");

describe("module dependencies", () => {
  const graph = _importGraph(["src", "ui"]);

  it("walks the whole code base", () => {
    expect(graph.size).toBeGreaterThan(200);
    expect([...graph.values()].flat().length).toBeGreaterThan(700);
  });

  it("has no import cycle", () => {
    expect(findCycles(new Map([...graph].map(([f, deps]) => [f, deps.map((d) => d.target)])))).toEqual([]);
  });

  it("imports only down the data flow", () => {
    const violations: string[] = [];
    for (const [from, deps] of graph) {
      for (const dep of deps) {
        const rule = FORBIDDEN.find((r) => from.startsWith(r.from) && r.to.some((t) => dep.target.startsWith(t)) && !dep.target.startsWith(r.from || "\0"));
        if (rule && !ALLOWED(from, dep.target, dep.typeOnly)) violations.push(`${from} -> ${dep.target} (${rule.why})`);
      }
    }
    expect(violations).toEqual([]);
  });

  it("would catch a cycle (the detector itself)", () => {
    const sample = new Map([["a", ["b"]], ["b", ["c"]], ["c", ["a"]], ["d", ["a"]]]);
    expect(findCycles(sample)).toEqual([["a", "b", "c"]]);
  });
});

/** Every strongly connected set of more than one module (or a module importing itself), sorted. */
function findCycles(graph: Map<string, string[]>): string[][] {
  let next = 0;
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const cycles: string[][] = [];
  const visit = (v: string) => {
    index.set(v, next);
    low.set(v, next++);
    stack.push(v);
    onStack.add(v);
    for (const w of graph.get(v) ?? []) {
      if (!graph.has(w)) continue;
      if (!index.has(w)) {
        visit(w);
        low.set(v, Math.min(low.get(v)!, low.get(w)!));
      } else if (onStack.has(w)) {
        low.set(v, Math.min(low.get(v)!, index.get(w)!));
      }
    }
    if (low.get(v) === index.get(v)) {
      const members: string[] = [];
      let w: string;
      do {
        w = stack.pop()!;
        onStack.delete(w);
        members.push(w);
      } while (w !== v);
      if (members.length > 1 || (graph.get(v) ?? []).includes(v)) cycles.push(members.sort());
    }
  };
  for (const v of graph.keys()) if (!index.has(v)) visit(v);
  return cycles.sort((a, b) => a[0]!.localeCompare(b[0]!));
}

// --- Internal ---

interface Dependency { target: string; typeOnly: boolean }

/** file (relative to the repository) → its relative imports, resolved to files. */
function _importGraph(dirs: string[]): Map<string, Dependency[]> {
  const graph = new Map<string, Dependency[]>();
  for (const file of dirs.flatMap((d) => _sourceFiles(join(ROOT, d)))) {
    const source = ts.createSourceFile(file, readFileSync(file, "utf8"), ts.ScriptTarget.Latest, false);
    const deps: Dependency[] = [];
    const add = (specifier: string, typeOnly: boolean) => {
      if (!specifier.startsWith(".")) return;
      deps.push({ target: relative(ROOT, resolve(dirname(file), specifier)), typeOnly });
    };
    const walk = (node: ts.Node) => {
      if (ts.isImportDeclaration(node) && ts.isStringLiteral(node.moduleSpecifier)) {
        const clause = node.importClause;
        const typeOnly = !!clause && (clause.isTypeOnly || (!clause.name && !!clause.namedBindings && ts.isNamedImports(clause.namedBindings)
          && clause.namedBindings.elements.length > 0 && clause.namedBindings.elements.every((e) => e.isTypeOnly)));
        add(node.moduleSpecifier.text, typeOnly);
      } else if (ts.isExportDeclaration(node) && node.moduleSpecifier && ts.isStringLiteral(node.moduleSpecifier)) {
        add(node.moduleSpecifier.text, node.isTypeOnly);
      } else if (ts.isCallExpression(node) && node.expression.kind === ts.SyntaxKind.ImportKeyword && ts.isStringLiteral(node.arguments[0]!)) {
        add((node.arguments[0] as ts.StringLiteral).text, false);
      } else if (ts.isImportTypeNode(node) && ts.isLiteralTypeNode(node.argument) && ts.isStringLiteral(node.argument.literal)) {
        add(node.argument.literal.text, true);
      }
      ts.forEachChild(node, walk);
    };
    walk(source);
    graph.set(relative(ROOT, file), deps);
  }
  return graph;
}

function _sourceFiles(path: string): string[] {
  if (!existsSync(path)) return [];
  if (!statSync(path).isDirectory()) return /\.(ts|tsx)$/.test(path) ? [path] : [];
  return readdirSync(path).flatMap((f) => _sourceFiles(join(path, f)));
}
