/**
 * The V8 flags the server runs with: `npm start` (package.json), bin/lighttrace.mjs, the standalone
 * binary (build-binary.mjs checks package.json agrees) and the benchmarks. An 8 MB semi-space keeps
 * ingest RSS under 200 MB at full load.
 */
export const SERVER_NODE_ARGS = ["--max-semi-space-size=8"];
