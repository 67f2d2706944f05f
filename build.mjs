// Builds everything `lighttrace serve` needs: the server bundle and the web UI (dist/ui).
import { build } from "esbuild";
import { mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { gzipSync } from "node:zlib";
import { workerSourceDefines } from "./scripts/worker-sources.mjs";
import { asciiSource } from "./scripts/ascii-source.mjs";

const pkg = JSON.parse(readFileSync(new URL("./package.json", import.meta.url), "utf8"));

// The worker threads run from source text (Worker eval): bundled on their own, handed over as strings.
const workerSources = await workerSourceDefines("node22");
mkdirSync("dist", { recursive: true });

await build({
  entryPoints: ["src/cli/main.ts"],
  outfile: "dist/lighttrace.mjs",
  bundle: true,
  platform: "node",
  target: "node22",
  format: "esm",
  sourcemap: "linked",
  // the native addon stays in node_modules; the SEA build hands it over through sqlite-binding.ts.
  // pg-native is node-postgres's optional libpq binding, never used (pure-JS pg), so no addon is pulled in.
  external: ["better-sqlite3", "pg-native"],
  define: {
    __LIGHTTRACE_VERSION__: JSON.stringify(pkg.version),
    ...workerSources,
  },
  // bundled CommonJS dependencies call require(); give the ESM bundle one
  banner: { js: "import { createRequire as __createRequire } from 'node:module'; const require = __createRequire(import.meta.url);" },
  logLevel: "warning",
});
// A one-byte source string in V8 (./scripts/ascii-source.mjs). Only comments and a few regex
// literals change, so the linked source map stays right but for columns after them on their line.
writeFileSync("dist/lighttrace.mjs", asciiSource(readFileSync("dist/lighttrace.mjs", "utf8"), "dist/lighttrace.mjs"));

// The web UI: Preact + one stylesheet, content-hashed names under dist/ui/assets/ (served with a
// one-year immutable cache) and an index.html written last that references them (never cached).
rmSync("dist/ui", { recursive: true, force: true });
mkdirSync("dist/ui/assets", { recursive: true });
const ui = await build({
  entryPoints: { app: "ui/main.tsx" },
  outdir: "dist/ui/assets",
  entryNames: "[name]-[hash]",
  assetNames: "[name]-[hash]",
  bundle: true,
  minify: true,
  format: "esm",
  platform: "browser",
  target: ["chrome120", "firefox120", "safari17"],
  jsx: "automatic",
  jsxImportSource: "preact",
  metafile: true,
  legalComments: "none",
  define: { __LIGHTTRACE_VERSION__: JSON.stringify(pkg.version) },
  logLevel: "warning",
});
// The UI shares only types with the server (src/contract/, erased at build): no server code in the browser.
const serverInputs = Object.keys(ui.metafile.inputs).filter((p) => p.startsWith("src/"));
if (serverInputs.length) throw new Error(`the UI bundle pulled in server code: ${serverInputs.join(", ")} (import only types from src/contract/)`);
const outputs = Object.keys(ui.metafile.outputs).map((p) => p.replace(/^dist\/ui\//, ""));
const js = outputs.find((p) => p.endsWith(".js"));
const css = outputs.find((p) => p.endsWith(".css"));
writeFileSync("dist/ui/index.html", `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="color-scheme" content="light dark">
<title>LightTrace</title>
<link rel="icon" href="data:image/svg+xml,%3Csvg xmlns='http://www.w3.org/2000/svg' viewBox='0 0 16 16'%3E%3Ccircle cx='8' cy='8' r='7' fill='%23e5484d'/%3E%3C/svg%3E">
<link rel="stylesheet" href="/${css}">
<script type="module" src="/${js}"></script>
</head>
<body>
<div id="app"><noscript>LightTrace needs JavaScript.</noscript></div>
</body>
</html>
`);
if (process.env.LIGHTTRACE_BUILD_REPORT) {
  for (const file of [js, css, "index.html"]) {
    const body = readFileSync(`dist/ui/${file}`);
    process.stdout.write(`dist/ui/${file}: ${body.length} bytes, ${gzipSync(body, { level: 9 }).length} gzip\n`);
  }
}
