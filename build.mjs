// Builds everything `lighttrace serve` needs: the server bundle (and, once it exists, the UI).
import { build } from "esbuild";
import { readFileSync } from "node:fs";

const pkg = JSON.parse(readFileSync(new URL("./package.json", import.meta.url), "utf8"));

await build({
  entryPoints: ["src/cli/main.ts"],
  outfile: "dist/lighttrace.mjs",
  bundle: true,
  platform: "node",
  target: "node22",
  format: "esm",
  sourcemap: "linked",
  // the native addon stays in node_modules; the SEA build hands it over through sqlite-binding.ts
  external: ["better-sqlite3"],
  define: { __LIGHTTRACE_VERSION__: JSON.stringify(pkg.version) },
  // bundled CommonJS dependencies call require(); give the ESM bundle one
  banner: { js: "import { createRequire as __createRequire } from 'node:module'; const require = __createRequire(import.meta.url);" },
  logLevel: "warning",
});
