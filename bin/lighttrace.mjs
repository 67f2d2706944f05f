#!/usr/bin/env -S node --max-semi-space-size=4
// A 4 MB semi-space keeps ingest RSS under 200 MB at full load (V8 picks a much larger
// one on big machines) for a few percent more GC time (src/runtime/server-flags.ts; started
// as `node bin/lighttrace.mjs serve`, without the shebang, the server restarts itself with it).
// `npx lighttrace …` in a checkout: runs the bundle that `npm run build` writes.
import { existsSync } from "node:fs";
import { fileURLToPath, pathToFileURL } from "node:url";

const bundle = fileURLToPath(new URL("../dist/lighttrace.mjs", import.meta.url));
if (!existsSync(bundle)) {
  process.stderr.write("error: dist/lighttrace.mjs is missing; run `npm run build` first\n");
  process.exit(1);
}
await import(pathToFileURL(bundle).href);
